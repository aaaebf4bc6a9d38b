"""Every service's real web (gunicorn) and worker, started on free ports against servers given by the caller.

:func:`start_service` migrates a fresh database for one service (``<prefix>_<service>_<8 hex>``, named by
``<SERVICE>_DATABASE_URL``) and starts its web on a free port and its worker, with its own state folder
(``VAXTRAIL_STATE_DIR``: metrics, local keys), its own consumer groups (``KAFKA_GROUP_PREFIX``) and logs in
``workdir``; it waits for ``/readyz``. :func:`start_certificate` adds the certificate service's key folder and
SMART Health Card issuer URL. :func:`start_stack` starts several side by side (in parallel: on two cores a
start-up is mostly waiting for imports and the Kafka metadata check), all trusting one development key pair
``workdir/keys/local-dev-1.{private,public}.pem`` so one token signer serves every service.

Nothing of the caller's environment that names a stack (``DATABASE_URL``, ``*_DATABASE_URL``,
``KAFKA_BOOTSTRAP``, ``KAFKA_SASL_*``, ``JWT_*``, ports, state folder, key folders...) reaches the processes: a shell that
sourced ``.vaxtrail/stack.env`` cannot point them at the running stack. The processes are the caller's
children (not detached): :meth:`RunningService.stop` / :func:`stop_stack` end them.

Used by the test suite (``tests/integration/service_procs.py``, ``tests/e2e/stack.py``) and by
:mod:`vaxtrail_cli.private_stack`.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from vaxtrail_cli import processes
from vaxtrail_cli.paths import SOURCE_ROOT

SERVICES = ("inventory", "registration", "allocation", "immunization", "audit", "certificate")
_STACK_VARIABLES = re.compile(
    r"DATABASE_URL|.+_DATABASE_URL|KAFKA_BOOTSTRAP|KAFKA_GROUP_PREFIX|KAFKA_SECURITY_PROTOCOL|KAFKA_SASL_.+|KAFKA_SSL_.+|JWT_.+|VAXTRAIL_.+|PORT|BIND|METRICS_.+"
    r"|WORKER_INSTANCE_ID|PROMETHEUS_MULTIPROC_DIR|CERTIFICATE_KEYS_DIR|CERTIFICATE_SHC_ISSUER|AUDIT_SIGNING_KEY_FILE")


@dataclass
class RunningService:
    name: str
    database: str
    base_url: str
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path = Path(".")
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    keys: Path | None = None
    """The certificate service's key folder."""
    commands: dict[str, list[str]] = field(default_factory=dict)
    """Kind (``web``, ``worker``) -> the command line its process was started with (for :meth:`restart`)."""
    latest: dict[str, subprocess.Popen] = field(default_factory=dict)
    """Kind -> its latest process (``processes`` holds every one started, for :meth:`stop`)."""

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(f"--- {p.name}\n{processes.log_tail(p, lines)}" for p in self.logs if p.exists())

    def process(self, kind: str) -> subprocess.Popen:
        """The latest process started of ``kind`` (``web`` or ``worker``)."""
        return self.latest[kind]

    def signal(self, kind: str, signum: int) -> None:
        """Send ``signum`` to the ``kind`` process (SIGKILL, SIGSTOP, SIGCONT...); SIGKILL also reaps it."""
        proc = self.process(kind)
        proc.send_signal(signum)
        if signum == signal.SIGKILL:
            proc.wait(timeout=30)

    def restart(self, kind: str, *, wait_ready: bool = True, timeout: float = 180.0) -> None:
        """Start ``kind`` again with its original command line and environment (after it was killed)."""
        if self.process(kind).poll() is None:
            raise RuntimeError(f"{self.name}-{kind} is still running")
        self._spawn(kind, self.commands[kind])
        if wait_ready and kind == "web":
            self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Until the web answers ``/readyz`` 200 (``RuntimeError`` if a process exits meanwhile)."""
        _wait_ready(self, timeout)

    def _spawn(self, kind: str, argv: list[str]) -> None:
        log = self.workdir / f"{self.name}-{kind}.log"
        if log not in self.logs:
            self.logs.append(log)
        self.commands[kind] = argv
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=SOURCE_ROOT)
        self.processes.append(proc)
        self.latest[kind] = proc

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def clean_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default ``os.environ``) without a variable that could name a stack's servers or state."""
    return {k: v for k, v in (os.environ if environ is None else environ).items() if not _STACK_VARIABLES.fullmatch(k)}


def start_service(name: str, *, server_url: str, kafka_bootstrap: str, public_key: Path, workdir: Path,
                  migrations: Path | None, port: int | None = None, extra_env: dict[str, str] | None = None,
                  prefix: str = "test", timeout: float = 180.0) -> RunningService:
    """Migrate a fresh database for ``name`` and start its web + worker; ``extra_env`` adds or overrides
    variables (a service's own settings), ``port`` fixes the web port when a variable must name it."""
    from eventkit import db
    from eventkit.settings import with_database

    database = f"{prefix}_{name}_{uuid.uuid4().hex[:8]}"
    db.ensure_database(server_url, database)
    database_url = with_database(server_url, database)
    db.migrate(database_url, migrations)
    port = port or processes.free_ports(1)[0]
    env = {
        **clean_environment(),
        "DATABASE_URL": server_url,
        f"{name.upper()}_DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP": kafka_bootstrap,
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        "VAXTRAIL_ENV": "local",
        "VAXTRAIL_STATE_DIR": str(workdir),
        "VAXTRAIL_SERVICE": name,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        # this run's own consumer groups, even on a Kafka cluster other runs share (KAFKA_BOOTSTRAP)
        "KAFKA_GROUP_PREFIX": f"{prefix}-{uuid.uuid4().hex[:8]}",
        **(extra_env or {}),
    }
    service = RunningService(name, database, f"http://127.0.0.1:{port}", database_url, env=env, workdir=workdir)
    for kind, argv in (
        ("web", [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
                 f"services.{name}.wsgi:create_app()"]),
        ("worker", [sys.executable, "-m", f"services.{name}.worker"]),
    ):
        service._spawn(kind, argv)
    try:
        _wait_ready(service, timeout)
    except BaseException:
        service.stop()
        raise
    return service


def _wait_ready(service: RunningService, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while processes.http_status(service.url("/readyz"), timeout=10) != 200:
        if any(p.poll() is not None for p in service.latest.values()):
            raise RuntimeError(f"{service.name} exited during start-up:\n{service.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{service.name} not ready after {timeout:.0f}s:\n{service.log_tail()}")
        time.sleep(0.1)


def start_certificate(*, server_url: str, kafka_bootstrap: str, public_key: Path, workdir: Path,
                      prefix: str = "test") -> RunningService:
    """The certificate service, with a new key folder (what its key tool's ``init`` makes) and its own URL as
    SHC issuer."""
    from services.certificate.bootstrap import MIGRATIONS
    from services.certificate.signing.keyring import init_keyring

    keys = workdir / "certificate-keys"
    init_keyring(keys, "VN")
    port = processes.free_ports(1)[0]
    service = start_service("certificate", server_url=server_url, kafka_bootstrap=kafka_bootstrap,
                            public_key=public_key, workdir=workdir, migrations=MIGRATIONS, port=port, prefix=prefix,
                            extra_env={"CERTIFICATE_KEYS_DIR": str(keys),
                                       "CERTIFICATE_SHC_ISSUER": f"http://127.0.0.1:{port}"})
    service.keys = keys
    return service


def drop_service_database(service: RunningService, server_url: str) -> None:
    from eventkit import db

    db.drop_database(server_url, service.database)


@dataclass
class Stack:
    """The running services by name, and the private key of the pair every one of them trusts."""

    private_key: bytes
    services: dict[str, RunningService] = field(default_factory=dict)

    def __getitem__(self, name: str) -> RunningService:
        return self.services[name]

    @property
    def urls(self) -> dict[str, str]:
        """Service name -> base URL (what ``vaxtrail_cli.campaign`` drives)."""
        return {name: service.base_url for name, service in self.services.items()}

    def headers(self, role: str, *scopes: str, sub: str | None = None) -> dict[str, str]:
        from eventkit.auth import mint_token

        token = mint_token(self.private_key, subject=sub or f"{role}-{scopes[0]}", role=role, scopes=list(scopes))
        return {"Authorization": f"Bearer {token}"}

    def log_tails(self) -> str:
        return "\n".join(s.log_tail(20) for s in self.services.values())

    def close(self) -> None:
        """Release what the stack object holds besides its processes (nothing here; subclasses add)."""


def start_stack(server_url: str, kafka_bootstrap: str, workdir: Path, services: tuple[str, ...] = SERVICES, *,
                prefix: str = "test", make: Callable[[bytes], Stack] = Stack) -> Stack:
    """Start ``services`` (default: all six); if one fails to start, stop the ones that did and re-raise."""
    from eventkit.auth import generate_dev_keypair

    private, public = generate_dev_keypair(workdir / "keys")
    stack = make(Path(private).read_bytes())

    def start(name: str) -> RunningService:
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        if name == "certificate":
            return start_certificate(server_url=server_url, kafka_bootstrap=kafka_bootstrap, public_key=public,
                                     workdir=folder, prefix=prefix)
        migrations = importlib.import_module(f"services.{name}.bootstrap").MIGRATIONS
        return start_service(name, server_url=server_url, kafka_bootstrap=kafka_bootstrap, public_key=public,
                             workdir=folder, migrations=migrations, prefix=prefix)

    pool = ThreadPoolExecutor(max_workers=len(services), thread_name_prefix="stack-start")
    futures = {name: pool.submit(start, name) for name in services}
    pool.shutdown(wait=False)
    failures: list[tuple[str, Exception]] = []
    interrupted: BaseException | None = None
    for name, future in futures.items():
        while True:  # a Ctrl-C waits for the starts under way to end, so that what did start is stopped
            try:
                stack.services[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - collected, the started ones are stopped, then re-raised
                failures.append((name, exc))
            except BaseException as exc:  # KeyboardInterrupt, SystemExit
                interrupted = exc
                continue
            break
    if failures or interrupted:
        stop_stack(stack, server_url)
        if interrupted:
            raise interrupted
        raise RuntimeError(f"services failed to start: {failures}")
    return stack


def stop_stack(stack: Stack, server_url: str | None = None) -> None:
    """Stop every service's processes (workers and webs), then drop their databases if ``server_url`` is given."""
    stack.close()
    for service in stack.services.values():
        service.stop()
    if server_url is not None:
        for service in stack.services.values():
            drop_service_database(service, server_url)
