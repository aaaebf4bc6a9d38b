"""Detached child processes with pid files: start, liveness, stop, log tails, port probes.

Processes are started in their own session (so a Ctrl-C in the shell that ran ``vaxtrail up`` does not
reach them) with stdout and stderr appended to one log file. A pid file alone is not trusted: a pid is
considered ours only while ``/proc/<pid>/cmdline`` still contains the process's marker string, which
guards against pid reuse after a reboot or crash.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path


class ProcessError(RuntimeError):
    """A child process failed to start or become ready."""


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _reap(pid: int) -> bool:
    """Collect ``pid`` if it is our own exited child. True when it has exited."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == pid


def _cmdline(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace")


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def pid_alive(pid: int | None, marker: str | None = None) -> bool:
    """True if ``pid`` runs (not a zombie) and, when given, its command line contains ``marker``."""
    if not pid or pid <= 0:
        return False
    if _reap(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if _is_zombie(pid):
        return False
    if marker is None:
        return True
    cmdline = _cmdline(pid)
    return cmdline is not None and marker in cmdline


def running_pid(pid_file: Path, marker: str | None = None) -> int | None:
    """The pid recorded in ``pid_file`` if that process is alive (and matches ``marker``)."""
    pid = read_pid(pid_file)
    return pid if pid_alive(pid, marker) else None


def spawn_detached(
    argv: Sequence[str],
    *,
    log_file: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session, output appended to ``log_file``, pid written to ``pid_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log, open(os.devnull, "rb") as devnull:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            list(argv),
            stdin=devnull,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
            close_fds=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc


def terminate(pid: int, *, timeout: float = 30.0, marker: str | None = None) -> bool:
    """SIGTERM ``pid``, wait up to ``timeout``, then SIGKILL. True if it was running.

    When ``pid`` leads its own process group (as :func:`spawn_detached` arranges), members left behind
    by the leader are killed too, so no orphan keeps a port open.
    """
    if not pid_alive(pid, marker):
        return False
    try:
        group = os.getpgid(pid) == pid
    except ProcessLookupError:
        group = False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        _kill(pid, group, signal.SIGKILL)
        _wait_gone(pid, 5.0)
    if group and _group_alive(pid):
        _kill(pid, True, signal.SIGTERM)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.1)
        if _group_alive(pid):
            _kill(pid, True, signal.SIGKILL)
    return True


def kill_now(pid: int, *, timeout: float = 30.0) -> None:
    """SIGKILL ``pid`` (its whole process group when it leads one) and wait until it is gone: a crash, not a
    shutdown (the fault suite's broker kill)."""
    try:
        group = os.getpgid(pid) == pid
    except ProcessLookupError:
        return
    _kill(pid, group, signal.SIGKILL)
    if not _wait_gone(pid, timeout):
        raise TimeoutError(f"process {pid} still alive {timeout:.0f}s after SIGKILL")
    _reap(pid)  # our own child (spawn_detached): no zombie left behind


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)


def _group_alive(pgid: int) -> bool:
    """True while a live (non-zombie) process is in process group ``pgid``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _kill(pid: int, group: bool, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def stop_pid_file(pid_file: Path, *, marker: str | None = None, timeout: float = 30.0) -> int | None:
    """Stop the process recorded in ``pid_file`` and remove the file. Returns the pid if one was stopped."""
    pid = read_pid(pid_file)
    stopped = pid if pid is not None and terminate(pid, timeout=timeout, marker=marker) else None
    pid_file.unlink(missing_ok=True)
    return stopped


def log_tail(log_file: Path, lines: int = 40) -> str:
    try:
        with open(log_file, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            text = fh.read().decode(errors="replace")
    except FileNotFoundError:
        return f"(no log at {log_file})"
    return "\n".join(text.splitlines()[-lines:])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports that were free a moment ago (bound together, then released)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of GET ``url``, or None if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def wait_http_ok(
    url: str, *, pid: int, log_file: Path, timeout: float = 60.0, what: str = "process"
) -> float:
    """Poll ``url`` until it answers 200; fail fast with the log tail if ``pid`` exits. Returns seconds."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if http_status(url) == 200:
            return time.monotonic() - start
        if not pid_alive(pid):
            raise ProcessError(f"{what} (pid {pid}) exited before {url} answered; last log lines of "
                               f"{log_file}:\n{log_tail(log_file)}")
        if time.monotonic() > deadline:
            raise ProcessError(f"{what} (pid {pid}) did not answer {url} within {timeout:.0f}s; last log "
                               f"lines of {log_file}:\n{log_tail(log_file)}")
        time.sleep(0.25)
