"""Start a service's real web (gunicorn) and worker processes for a test, and stop them afterwards.

Each test run gets its own database for the service (``<SERVICE>_DATABASE_URL``), a free HTTP port and
its own metrics folder, so runs never see each other's rows.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from eventkit import db
from eventkit.settings import with_database

from .kafka_helpers import wait_for


def private_workdir(name: str) -> Path:
    """A folder for a service's keys, logs and metrics outside pytest's pruned basetemp (see the ``infra``
    fixture for why); removed when the test process exits unless ``VAXTRAIL_KEEP_TEST_LOGS`` is set."""
    path = Path(tempfile.mkdtemp(prefix=f"vaxtrail-test-{name}-"))
    if not os.environ.get("VAXTRAIL_KEEP_TEST_LOGS"):  # set it to keep the services' logs for a post-mortem
        atexit.register(shutil.rmtree, path, True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningService:
    name: str
    database: str
    base_url: str
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-lines:])
            for p in self.logs if p.exists()
        )

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


def start_service(name: str, *, server_url: str, kafka_bootstrap: str, public_key: Path, workdir: Path,
                  migrations: Path | None, port: int | None = None,
                  extra_env: dict[str, str] | None = None) -> RunningService:
    """Migrate a fresh database for ``name`` and start its web + worker; ``extra_env`` adds or overrides
    variables (a service's own settings), ``port`` fixes the web port when a variable must name it."""
    database = f"test_{name}_{uuid.uuid4().hex[:8]}"
    db.ensure_database(server_url, database)
    database_url = with_database(server_url, database)
    db.migrate(database_url, migrations)
    port = port or free_port()
    env = {
        **os.environ,
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
        "KAFKA_GROUP_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        **(extra_env or {}),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    service = RunningService(name, database, f"http://127.0.0.1:{port}", database_url, env=env)
    for kind, argv in (
        ("web", [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
                 f"services.{name}.wsgi:create_app()"]),
        ("worker", [sys.executable, "-m", f"services.{name}.worker"]),
    ):
        log = workdir / f"{name}-{kind}.log"
        service.logs.append(log)
        with open(log, "wb") as out:
            service.processes.append(subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT))

    def ready() -> bool:
        if any(p.poll() is not None for p in service.processes):
            raise RuntimeError(f"{name} exited during start-up:\n{service.log_tail()}")
        try:
            return requests.get(service.url("/readyz"), timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or too slow to answer on a loaded machine
            return False

    try:
        wait_for(ready, timeout=180, interval=0.1, what=f"{name} to be ready")
    except BaseException:
        service.stop()
        raise
    return service


def drop_service_database(service: RunningService, server_url: str) -> None:
    db.drop_database(server_url, service.database)
