"""Helpers for the inventory integration tests: start the real service (web + worker), tokens, seeding,
other services' events produced to their topics, and small HTTP / database helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import requests

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from eventkit.store.base import AggregateChanges
from eventkit.testing import InMemoryEventStore
from services.inventory.bootstrap import MIGRATIONS
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.common.v1 import types_pb2 as common

from .kafka_helpers import wait_for
from .service_procs import RunningService, drop_service_database, private_workdir, start_service


def start_inventory(infra, workdir: Path) -> RunningService:
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("inventory", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS)
    service.private_key = Path(private).read_bytes()
    return service


def stop_inventory(service: RunningService, infra) -> None:
    service.stop()
    drop_service_database(service, infra.server_url)


def seeded_inventory(name: str):
    """Module-scoped fixtures ``inventory`` (the real service, web + worker, in its own database, with the
    reference seed loaded) and ``admin`` (a national_admin's headers)::

        inventory, admin = seeded_inventory("inventory-walk")
    """
    @pytest.fixture(scope="module")
    def inventory(infra):
        service = start_inventory(infra, private_workdir(name))
        seed(service)
        yield service
        stop_inventory(service, infra)

    @pytest.fixture(scope="module")
    def admin(inventory):
        return bearer(inventory, "national_admin", "national")

    return inventory, admin


def bearer(service, role: str, *scopes: str) -> dict[str, str]:
    token = mint_token(service.private_key, subject=f"{role}-1", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def seed(service) -> dict:
    response = requests.post(service.url("/v1/reference/seed"), json={"version": 1},
                             headers=bearer(service, "national_admin", "national"), timeout=60)
    assert response.status_code in (200, 201), response.text
    return response.json()


WORKER_ACTORS = ["inventory-consumption", "inventory-lot-review"]
"""The workers that append on their own, from other services' topics."""


def event_count(service) -> int:
    """Rows in the service's events table written by requests: a rejected command must not change it.

    The consumption and lot review workers append on their own (from the immunization topic, which other test
    modules publish to), so their events are left out of the count.
    """
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE actor_id <> ALL(%s)", (WORKER_ACTORS,)).fetchone()[0]


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


def receipt(lot: str, doses: int, *, vials: int | None = None, offset: int = 0,
            presentation: str = "AZ-VAXZEVRIA-10", per_vial: int = 10) -> dict:
    """The body of a national receipt of ``doses`` (``offset`` days after the base date)."""
    return {"location_id": "NAT-EPI", "lot_id": lot, "presentation_id": presentation, "doses": doses,
            "vials": doses // per_vial if vials is None else vials, "source": "covax",
            "shipment_reference": "COVAX-INV", "received_at": day(offset)}


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


def publish(infra, service: str, aggregate_id: str, *messages) -> None:
    """Produce another service's events to its topic, with a real envelope (as its relay would)."""
    store = InMemoryEventStore()
    drafts = [EventDraft(m.DESCRIPTOR.full_name, m.SerializeToString(), datetime.fromisoformat(day(5)))
              for m in messages]
    result = store.append([AggregateChanges(service, aggregate_id, 0, drafts)],
                          CommandContext(actor_id="test", actor_role="system"), producer=f"{service}-test")
    producer = make_producer(infra.kafka_bootstrap, client_id="inventory-tests")
    try:
        for event in result.events:
            record = to_record(event)
            producer.send(f"vaxtrail.{service}.v1", key=record.key, value=record.value, headers=record.headers)
        producer.flush(timeout=30)
    finally:
        producer.close(timeout=5)


def dispense(infra, session_id: str, site: str, lot_doses: dict[str, int], *, district: str = "DHC-760") -> str:
    """Allocation's ``SessionStockDispensed`` of a session at ``site`` on its topic: what a dispatch from the
    district store to the site cites (``session_id``). Returns the session id."""
    publish(infra, "allocation", f"session:{session_id}", allocation.SessionStockDispensed(
        session_id=session_id, from_location_id=district, to_site_id=site,
        lines=[common.StockLine(lot_id=lot, doses=doses, vials=doses // 10) for lot, doses in lot_doses.items()]))
    return session_id


def dispatched_once_dispensed(service, body: dict, headers: dict) -> requests.Response:
    """Dispatch citing a session, sent again while inventory has not yet read the dispensation from allocation's
    topic (refused INV-17 on ``session_id``, nothing written); the answer once it has."""
    def attempt():
        response = post(service, "/v1/shipments", body, headers)
        unseen = response.status_code == 422 and response.json().get("field") == "session_id"
        return None if unseen else [response]  # a list: a 4xx Response is falsy
    [answer] = eventually(attempt, what=f"the dispensation to {body.get('session_id')} in inventory's read model")
    return answer
