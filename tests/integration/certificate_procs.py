"""Start the certificate service's real web + worker for a test, and the helpers its HTTP tests share.

:func:`start_certificate` (:mod:`vaxtrail_cli.private_services`) is ``start_service`` with an explicit key
folder (made by the key tool, ``python -m services.certificate.signing.keytool init``) and the SHC issuer URL.
The module-scoped fixtures ``certificate`` (the running service) and ``world`` (other services' events published to their
topics) are imported by each ``test_certificate_*.py`` module.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import requests

from eventkit.auth import generate_dev_keypair, mint_token
from services.certificate.workers.issuer import ISSUER
from services.certificate.workers.keypublisher import KEYS
from services.certificate.workers.listpublisher import LISTS
from vaxtrail_cli.private_services import start_certificate

from .certificate_world import World
from .kafka_helpers import wait_for
from .service_procs import RunningService, drop_service_database, private_workdir

AZ = "AZ-VAXZEVRIA-10"


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


# -- fixtures ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(infra):
    workdir = private_workdir("certificate")
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_certificate(server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                                public_key=public, workdir=workdir)
    service.private_key = Path(private).read_bytes()
    service.workdir = workdir
    yield service
    service.stop()
    drop_service_database(service, infra.server_url)


@pytest.fixture(scope="module")
def world(infra):
    publisher = World(infra.kafka_bootstrap)
    publisher.presentation(AZ)
    yield publisher
    publisher.close()


# -- callers -----------------------------------------------------------------------------------------------
def bearer(service, role: str, *scopes: str, subject: str | None = None) -> dict[str, str]:
    token = mint_token(service.private_key, subject=subject or f"{role}-1", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def citizen(service, person_id: str) -> dict[str, str]:
    return bearer(service, "citizen", f"person:{person_id}", subject=person_id)


# -- reads -------------------------------------------------------------------------------------------------
def record(service, person_id: str) -> dict | None:
    response = requests.get(service.url(f"/v1/persons/{person_id}/record"), headers=citizen(service, person_id),
                            timeout=5)
    return response.json() if response.status_code == 200 else None


def current(service, person_id: str, level: str) -> dict | None:
    found = record(service, person_id)
    if not found:
        return None
    dcc = found["current"].get("EU_DCC_HC1")
    return found if dcc and dcc["level"] == level and "SMART_HEALTH_CARD" in found["current"] else None


def events_of(service, event_type: str, aggregate_id: str | None = None) -> int:
    query = "SELECT count(*) FROM events WHERE event_type = %s" + (" AND aggregate_id = %s" if aggregate_id else "")
    with psycopg.connect(service.database_url) as conn:
        return conn.execute(query, (event_type, aggregate_id) if aggregate_id else (event_type,)).fetchone()[0]


# What the worker appends on its own: the issuer, the key publisher, the revocation-list publisher.
WORKER_ACTORS = (ISSUER.actor_id, KEYS.actor_id, LISTS.actor_id)


def request_events(service) -> int:
    """How many events requests appended: the whole events table but what the worker appends on its own
    (issuer, key publisher, list publisher), which may run concurrently with a test."""
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE NOT actor_id = ANY(%s)",
                            (list(WORKER_ACTORS),)).fetchone()[0]


def events_by(service, *actors: str) -> int:
    """How many events the given callers appended (every event a request appends names its caller)."""
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE actor_id = ANY(%s)", (list(actors),)).fetchone()[0]


# -- the world ---------------------------------------------------------------------------------------------
def new_person(world: World) -> tuple[str, str, str]:
    person_id = f"P-{uuid.uuid4().hex[:10]}"
    lot = f"LOT-{uuid.uuid4().hex[:6]}"
    world.lot(lot, f"ABV{lot[-4:].upper()}", AZ)
    world.person(person_id)
    return person_id, lot, f"ABV{lot[-4:].upper()}"


def a_person_with_a_certificate(certificate, world) -> tuple[str, dict]:
    person_id, lot, lot_number = new_person(world)
    world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    return person_id, wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
