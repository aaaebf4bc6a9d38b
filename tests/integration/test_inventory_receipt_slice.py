"""The foundation's vertical slice, over real HTTP against the real stack.

POST a national warehouse receipt -> DoseReceived appended -> relay -> Kafka -> stock_on_hand projection
-> GET /v1/stock shows it. Bad input (non-positive doses) is a 422 naming INV-2 and writes nothing.
Receipts need reference data since the inventory issue: the module loads the seed once and registers a
fresh lot per test.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
import requests

from eventkit.kafka_record import from_record
from vaxtrail.inventory.v1 import events_pb2
from vaxtrail_cli.main import main as cli_main

from .inventory_stack import bearer, events_of, seed, start_inventory, stop_inventory
from .kafka_helpers import read_topic, wait_for
from .service_procs import private_workdir


@pytest.fixture(scope="module")
def inventory(infra):
    service = start_inventory(infra, private_workdir("inventory"))
    seed(service)
    unit = requests.post(service.url("/v1/storage-units"), headers=bearer(service, "national_admin", "national"),
                         json={"storage_unit_id": "NAT-COLDROOM-2", "location_id": "NAT-EPI",
                               "unit_type": "FRIDGE_2_8"}, timeout=10)
    assert unit.status_code == 201, unit.text
    yield service
    stop_inventory(service, infra)


def new_lot(service) -> str:
    """A freshly registered AstraZeneca lot (made before, expiring after the receipts' date)."""
    lot = f"ABV{uuid.uuid4().hex[:6].upper()}"
    response = requests.post(service.url("/v1/lots"), headers=bearer(service, "national_admin", "national"), json={
        "lot_id": lot, "lot_number": lot, "presentation_id": "AZ-VAXZEVRIA-10", "presentation_version": 1,
        "manufacture_date": "2021-02-01", "label_expiry_date": "2021-12-31", "funding_source": "COVAX"}, timeout=5)
    assert response.status_code == 201, response.text
    return lot


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




def stock(service, lot: str, headers) -> list[dict]:
    response = requests.get(service.url("/v1/stock"), params={"location_id": "NAT-EPI", "lot_id": lot,
                                                                "as_of": "2021-04-18T00:00:00+07:00"},
                            headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_national_receipt_reaches_stock_on_hand_through_kafka(inventory, infra):
    admin = bearer(inventory, "national_admin", "national")
    lot = new_lot(inventory)

    first = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 1000, 100), headers=admin, timeout=5)
    assert first.status_code == 201, first.text
    assert first.json()["stock_item_id"] == f"NAT-EPI/{lot}"

    rows = wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 1000],
                    what="the receipt to reach stock on hand")
    assert {k: rows[0][k] for k in ("location_id", "lot_id", "presentation_id", "doses", "vials", "status")} == {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 1000,
        "vials": 100, "status": "USABLE",
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
    lot = new_lot(inventory)
    for doses in (0, -5):
        response = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, doses, 1), headers=admin, timeout=5)
        assert response.status_code == 422, response.text
        assert response.headers["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert (problem["rule"], problem["field"]) == ("INV-2", "doses")
    assert events_of(inventory, f"NAT-EPI/{lot}") == 0


def test_a_retried_receipt_with_the_same_idempotency_key_appends_once(inventory):
    admin = bearer(inventory, "national_admin", "national") | {"Idempotency-Key": f"grn-{uuid.uuid4().hex}"}
    lot = new_lot(inventory)
    first = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 600, 60), headers=admin, timeout=5)
    again = requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 600, 60), headers=admin, timeout=5)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert events_of(inventory, f"NAT-EPI/{lot}") == 1


def test_writes_need_a_token_with_the_right_role_and_scope(inventory):
    body = receipt(new_lot(inventory), 100, 10)
    assert requests.post(inventory.url("/v1/receipts"), json=body, timeout=5).status_code == 401
    site = bearer(inventory, "site_manager", "site:S-0001")
    assert requests.post(inventory.url("/v1/receipts"), json=body, headers=site, timeout=5).status_code == 403
    province = bearer(inventory, "national_admin", "province:79")
    forbidden = requests.post(inventory.url("/v1/receipts"), json=body, headers=province, timeout=5)
    assert forbidden.status_code == 403 and forbidden.json()["field"] == "location_id"


def test_vaxtrail_rebuild_empties_stock_on_hand_and_the_running_worker_replays_it(inventory, infra, monkeypatch,
                                                                                  capsys):
    admin = bearer(inventory, "national_admin", "national")
    lot = new_lot(inventory)
    assert requests.post(inventory.url("/v1/receipts"), json=receipt(lot, 700, 70), headers=admin,
                         timeout=5).status_code == 201
    wait_for(lambda: [r for r in stock(inventory, lot, admin) if r["doses"] == 700], what="700 doses on hand")
    with psycopg.connect(inventory.database_url) as conn:
        conn.execute("UPDATE stock_on_hand SET doses = 1 WHERE lot_id = %s", (lot,))  # a corrupted read model

    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", inventory.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "inventory", "stock_on_hand"]) == 0  # follows the worker's replay to the end
    assert "events/s" in capsys.readouterr().out
    assert [r for r in stock(inventory, lot, admin) if r["doses"] == 700], "replayed by the time it returns"

    with psycopg.connect(inventory.database_url) as conn:
        conn.execute("UPDATE stock_on_hand SET doses = 2 WHERE lot_id = %s", (lot,))
    assert cli_main(["rebuild", "inventory", "stock_on_hand", "--replay"]) == 0  # replays here, beside the worker
    assert [r for r in stock(inventory, lot, admin) if r["doses"] == 700]
