"""Start the certificate service's real web + worker for a test: :func:`service_procs.start_service` with an
explicit key folder made by ``python -m services.certificate.keys init`` and the SHC issuer URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from services.certificate.bootstrap import MIGRATIONS
from services.certificate.keys import main as keys_main

from .service_procs import RunningService, free_port, start_service


def start_certificate(*, server_url: str, kafka_bootstrap: str, public_key: Path, workdir: Path) -> RunningService:
    keys = workdir / "certificate-keys"
    assert keys_main(["init", str(keys), "--country", "VN"]) == 0
    port = free_port()
    service = start_service("certificate", server_url=server_url, kafka_bootstrap=kafka_bootstrap,
                            public_key=public_key, workdir=workdir, migrations=MIGRATIONS, port=port,
                            extra_env={"CERTIFICATE_KEYS_DIR": str(keys),
                                       "CERTIFICATE_SHC_ISSUER": f"http://127.0.0.1:{port}"})
    service.keys = keys
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
