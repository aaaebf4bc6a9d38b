"""Start the certificate service's real web + worker for a test (like service_procs.start_service).

Differences, both for a loaded 2-core machine: the readiness poll tolerates a read timeout while the
gunicorn workers are still booting (service_procs treats it as fatal; reported to the lead), and the
service gets an explicit key folder made with ``python -m services.certificate.keys init``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from eventkit import db
from eventkit.settings import with_database
from services.certificate.bootstrap import MIGRATIONS
from services.certificate.keys import main as keys_main

from .kafka_helpers import wait_for
from .service_procs import RunningService, free_port


def start_certificate(*, server_url: str, kafka_bootstrap: str, public_key: Path, workdir: Path) -> RunningService:
    database = f"test_certificate_{uuid.uuid4().hex[:8]}"
    db.ensure_database(server_url, database)
    database_url = with_database(server_url, database)
    db.migrate(database_url, MIGRATIONS)
    keys = workdir / "certificate-keys"
    assert keys_main(["init", str(keys), "--country", "VN"]) == 0
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": server_url, "CERTIFICATE_DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP": kafka_bootstrap, "JWT_PUBLIC_KEY_FILE": str(public_key), "VAXTRAIL_ENV": "local",
        "VAXTRAIL_STATE_DIR": str(workdir), "VAXTRAIL_SERVICE": "certificate", "PORT": str(port),
        "WEB_CONCURRENCY": "2", "CERTIFICATE_KEYS_DIR": str(keys),
        "CERTIFICATE_SHC_ISSUER": f"http://127.0.0.1:{port}",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    service = RunningService("certificate", database, f"http://127.0.0.1:{port}", database_url)
    for kind, argv in (
        ("web", [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
                 "services.certificate.wsgi:create_app()"]),
        ("worker", [sys.executable, "-m", "services.certificate.worker"]),
    ):
        log = workdir / f"certificate-{kind}.log"
        service.logs.append(log)
        with open(log, "wb") as out:
            service.processes.append(subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT))

    def ready() -> bool:
        if any(p.poll() is not None for p in service.processes):
            raise RuntimeError(f"certificate exited during start-up:\n{service.log_tail()}")
        try:
            return requests.get(service.url("/readyz"), timeout=5).status_code == 200
        except (requests.ConnectionError, requests.Timeout):
            return False

    try:
        wait_for(ready, timeout=90, interval=0.2, what="certificate to be ready")
    except BaseException:
        service.stop()
        raise
    service.keys = keys
    service.env = env
    return service


def restart_worker(service: RunningService, workdir: Path) -> None:
    """SIGKILL the worker (no clean shutdown) and start a new one with the same environment."""
    worker = service.processes[1]
    worker.kill()
    worker.wait(timeout=10)
    log = workdir / "certificate-worker-restarted.log"
    service.logs.append(log)
    with open(log, "wb") as out:
        service.processes[1] = subprocess.Popen([sys.executable, "-m", "services.certificate.worker"],
                                                env=service.env, stdout=out, stderr=subprocess.STDOUT)
