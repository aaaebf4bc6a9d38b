"""Helpers for the inventory integration tests: start the real service (web + worker), tokens, seeding,
and small HTTP / database helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

from eventkit.auth import generate_dev_keypair, mint_token
from services.inventory.bootstrap import MIGRATIONS

from .kafka_helpers import wait_for
from .service_procs import RunningService, drop_service_database, start_service


def start_inventory(infra, workdir: Path) -> RunningService:
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("inventory", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS)
    service.private_key = Path(private).read_bytes()
    return service


def stop_inventory(service: RunningService, infra) -> None:
    service.stop()
    drop_service_database(service, infra.server_url)


def bearer(service, role: str, *scopes: str) -> dict[str, str]:
    token = mint_token(service.private_key, subject=f"{role}-1", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def seed(service) -> dict:
    response = requests.post(service.url("/v1/reference/seed"), json={"version": 1},
                             headers=bearer(service, "national_admin", "national"), timeout=60)
    assert response.status_code in (200, 201), response.text
    return response.json()


CONSUMPTION_ACTOR = "inventory-consumption"


def event_count(service) -> int:
    """Rows in the service's events table written by requests: a rejected command must not change it.

    The consumption worker appends on its own (from the immunization topic, which other test modules
    publish to), so its events are left out of the count.
    """
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE actor_id <> %s", (CONSUMPTION_ACTOR,)).fetchone()[0]


def events_of(service, aggregate_id: str) -> int:
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (aggregate_id,)).fetchone()[0]


def eventually(condition, what: str, timeout: float = 30.0):
    return wait_for(condition, timeout=timeout, what=what)


def day(offset: int, hour: int = 9) -> str:
    """An ISO business time ``offset`` days after a base ten days ago (so every date is in the past)."""
    base = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=10)
    return (base + timedelta(days=offset, hours=hour)).isoformat()


def date_of(offset: int) -> str:
    return day(offset)[:10]


def register_lot(service, prefix: str = "LOT-AZ", presentation: str = "AZ-VAXZEVRIA-10", version: int = 1, *,
                 made: int = -60, expires: int = 400) -> str:
    """A fresh lot, made ``made`` days and expiring ``expires`` days from the base date."""
    lot = f"{prefix}-{uuid.uuid4().hex[:6].upper()}"
    response = post(service, "/v1/lots", {
        "lot_id": lot, "lot_number": lot, "presentation_id": presentation, "presentation_version": version,
        "manufacture_date": date_of(made), "label_expiry_date": date_of(expires), "funding_source": "COVAX",
        "release_certificate_reference": "NICVB-TEST"}, bearer(service, "national_admin", "national"))
    assert response.status_code == 201, response.text
    return lot


def post(service, path: str, body: dict, headers: dict) -> requests.Response:
    return requests.post(service.url(path), json=body, headers=headers, timeout=30)


def get(service, path: str, headers: dict, **params) -> dict:
    response = requests.get(service.url(path), params=params, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def assert_problem(response: requests.Response, rule: str, field: str | None = None) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["rule"] == rule, problem
    if field is not None:
        assert problem["field"] == field, problem
