"""The foundation's vertical slice, over real HTTP against the real stack.

POST a national warehouse receipt -> DoseReceived appended -> relay -> Kafka -> stock_on_hand projection
-> GET /v1/stock shows it. Bad input (non-positive doses) is a 422 naming INV-2 and writes nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.kafka_record import from_record
from services.inventory.bootstrap import MIGRATIONS
from vaxtrail.inventory.v1 import events_pb2
from vaxtrail_cli.main import main as cli_main

from .kafka_helpers import read_topic, wait_for
from .service_procs import drop_service_database, private_workdir, start_service


@pytest.fixture(scope="module")
def inventory(infra):
    workdir = private_workdir("inventory")
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("inventory", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS)
    service.private_key = Path(private).read_bytes()
    yield service
    service.stop()
    drop_service_database(service, infra.server_url)


def bearer(service, role: str, *scopes: str) -> dict[str, str]:
    token = mint_token(service.private_key, subject=f"{role}-1", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def receipt(lot: str, doses: int, vials: int) -> dict:
    return {
        "location_id": "NAT-EPI",
        "lot_id": lot,
        "presentation_id": "AZ-VAXZEVRIA-10",
        "doses": doses,
        "vials": vials,
        "source": "covax",
        "shipment_reference": "COVAX-2021-0417",
        "received_at": "2021-04-17T08:30:00+07:00",
        "storage_unit_id": "NAT-COLDROOM-2",
    }


def events_of(service, aggregate_id: str) -> int:
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (aggregate_id,)).fetchone()[0]


def stock(service, lot: str, headers) -> list[dict]:
    response = requests.get(service.url("/v1/stock"), params={"location_id": "NAT-EPI", "lot_id": lot},
                            headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_national_receipt_reaches_stock_on_hand_through_kafka(inventory, infra):
    admin = bearer(inventory, "national_admin", "national")
    lot = f"ABV{uuid.uuid4().hex[:6].upper()}"

    first = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 1000, 100), headers=admin, timeout=5)
    assert first.status_code == 201, first.text
    assert first.json()["stock_item_id"] == f"NAT-EPI/{lot}"

    rows = wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 1000],
                    what="the receipt to reach stock on hand")
    assert rows[0] | {"last_event_at": None} == {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 1000,
        "vials": 100, "last_event_at": None,
    }

    second = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 500, 50), headers=admin, timeout=5)
    assert second.status_code == 201
    wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 1500], what="1,500 doses on hand")

    records = [r for r in read_topic(infra.kafka_bootstrap, "vaxtrail.inventory.v1") if r.key == f"NAT-EPI/{lot}".encode()]
    assert [dict(r.headers)["ce_type"] for r in records] == [b"vaxtrail.inventory.v1.DoseReceived"] * 2
    message = events_pb2.DoseReceived.FromString(records[0].value)
    assert (message.lot_id, message.doses, message.vials, message.source) == (lot, 1000, 100, "covax")
    assert from_record(records[1].key, records[1].value, records[1].headers).aggregate_version == 2

    trail = requests.get(inventory.url(f"/v1/trail/NAT-EPI/{lot}"), headers=bearer(inventory, "auditor", "national"),
                         timeout=5).json()
    assert trail["chain_valid"] is True and len(trail["events"]) == 2


def test_non_positive_doses_are_a_422_naming_inv_2_and_write_nothing(inventory):
    admin = bearer(inventory, "national_admin", "national")
    lot = f"ABV{uuid.uuid4().hex[:6].upper()}"
    for doses in (0, -5):
        response = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, doses, 1), headers=admin, timeout=5)
        assert response.status_code == 422, response.text
        assert response.headers["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert (problem["rule"], problem["field"]) == ("INV-2", "doses")
    assert events_of(inventory, f"NAT-EPI/{lot}") == 0


def test_a_retried_receipt_with_the_same_idempotency_key_appends_once(inventory):
    admin = bearer(inventory, "national_admin", "national") | {"Idempotency-Key": f"grn-{uuid.uuid4().hex}"}
    lot = f"ABV{uuid.uuid4().hex[:6].upper()}"
    first = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 600, 60), headers=admin, timeout=5)
    again = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 600, 60), headers=admin, timeout=5)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert events_of(inventory, f"NAT-EPI/{lot}") == 1


def test_writes_need_a_token_with_the_right_role_and_scope(inventory):
    body = receipt(f"ABV{uuid.uuid4().hex[:6].upper()}", 100, 10)
    assert requests.post(inventory.url("/v1/receipts"), json=body, timeout=5).status_code == 401
    site = bearer(inventory, "site_manager", "site:S-0001")
    assert requests.post(inventory.url("/v1/receipts"), json=body, headers=site, timeout=5).status_code == 403
    province = bearer(inventory, "national_admin", "province:79")
    forbidden = requests.post(inventory.url("/v1/receipts"), json=body, headers=province, timeout=5)
    assert forbidden.status_code == 403 and forbidden.json()["field"] == "location_id"


def test_vaxtrail_rebuild_empties_stock_on_hand_and_the_running_worker_replays_it(inventory, infra, monkeypatch):
    admin = bearer(inventory, "national_admin", "national")
    lot = f"ABV{uuid.uuid4().hex[:6].upper()}"
    assert requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 700, 70), headers=admin,
                         timeout=5).status_code == 201
    wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 700], what="700 doses on hand")
    with psycopg.connect(inventory.database_url) as conn:
        conn.execute("UPDATE stock_on_hand SET doses = 1 WHERE lot_id = %s", (lot,))  # a corrupted read model

    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", inventory.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "inventory", "stock_on_hand"]) == 0

    wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 700], what="the replayed read model")
