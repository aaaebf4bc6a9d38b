"""Inventory reacting to other services' topics, against the real stack.

Immunization's ``VialOpened`` / ``DoseAdministered`` decrement a site's stock; consumption the site's
books cannot cover is raised as ``ConsumptionDiscrepancyDetected`` with a metric, never applied silently.
Allocation's released lines let a national dispatch reference its line: to the line's recipient, within the
released doses. The other services' events are produced to their topics here, built from the .proto
contract (``eventkit.kafka_record.to_record``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from eventkit.store.base import AggregateChanges
from eventkit.testing import InMemoryEventStore
from tests.integration.service_procs import private_workdir
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail_cli.main import main as cli_main

from .inventory_stack import (
    assert_problem,
    bearer,
    day,
    event_count,
    events_of,
    eventually,
    get,
    post,
    register_lot,
    seed,
    start_inventory,
    stop_inventory,
)

SITE = "S-79-760-01"


@pytest.fixture(scope="module")
def inventory(infra):
    service = start_inventory(infra, private_workdir("inventory-cross"))
    seed(service)
    yield service
    stop_inventory(service, infra)


@pytest.fixture(scope="module")
def admin(inventory):
    return bearer(inventory, "national_admin", "national")


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


def timestamp(offset: int, hour: int) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(day(offset, hour)))
    return stamp


def stock_at_site(inventory, admin, lot: str) -> int:
    rows = get(inventory, "/v1/stock", admin, location_id=SITE, lot_id=lot)["items"]
    return sum(r["doses"] for r in rows)


def deliver_to_site(inventory, admin, lot: str, doses: int) -> None:
    """National receipt, then down the tree to the site (all by the national admin, whose scope covers all)."""
    run = uuid.uuid4().hex[:6]
    assert post(inventory, "/v1/receipts", {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": doses,
        "vials": doses // 10, "source": "covax", "shipment_reference": "COVAX-X", "received_at": day(0)},
        admin).status_code == 201
    for number, (sender, receiver) in enumerate((("NAT-EPI", "CDC-79"), ("CDC-79", "DHC-760"), ("DHC-760", SITE))):
        shipment = f"SHP-{run}-{number}"
        assert post(inventory, "/v1/shipments", {
            "shipment_id": shipment, "from_location_id": sender, "to_location_id": receiver,
            "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(1 + number)}, admin).status_code == 201
        assert post(inventory, f"/v1/shipments/{shipment}/delivery", {
            "received_at": day(1 + number, 15), "lines": [{"lot_id": lot, "accepted_doses": doses}]},
            admin).status_code == 201


def test_immunization_consumption_decrements_site_stock_and_flags_what_the_site_does_not_hold(inventory, admin,
                                                                                                infra, monkeypatch):
    lot = register_lot(inventory)
    deliver_to_site(inventory, admin, lot, 100)
    eventually(lambda: stock_at_site(inventory, admin, lot) == 100, what="100 doses at the site")

    vial = f"VIAL-{uuid.uuid4().hex[:8]}"
    publish(infra, "immunization", vial,
            immunization.VialOpened(vial_opening_id=vial, site_id=SITE, session_id="SES-1", lot_id=lot,
                                    doses_in_vial=10, opened_at=timestamp(5, 8)),
            immunization.DoseAdministered(dose_id=f"DOSE-{vial}", person_id="P-1", site_id=SITE, lot_id=lot,
                                          vial_opening_id=vial, administered_at=timestamp(5, 8)))
    eventually(lambda: stock_at_site(inventory, admin, lot) == 90, what="the opened vial consumed at the site")

    unknown = f"LOT-NOT-HERE-{uuid.uuid4().hex[:6]}"
    dose = f"DOSE-{uuid.uuid4().hex[:8]}"
    publish(infra, "immunization", dose,
            immunization.DoseAdministered(dose_id=dose, person_id="P-2", site_id=SITE, lot_id=unknown,
                                          administered_at=timestamp(5, 9)))
    flagged = eventually(lambda: [d for d in get(inventory, "/v1/consumption-discrepancies", admin,
                                                 location_id=SITE)["items"] if d["reference_id"] == dose],
                         what="the discrepancy")
    assert (flagged[0]["reason"], flagged[0]["doses"]) == ("UNKNOWN_LOT", 1)
    assert stock_at_site(inventory, admin, lot) == 90

    wastage = get(inventory, "/v1/wastage", admin, location_id=SITE)
    assert wastage["doses_opened"] >= 10 and wastage["doses_administered"] >= 2

    # The opened vial (5 days ago) is the site's trailing 7-day burn: 10/7 doses a day, 90 left = 63 days.
    [near] = [r for r in get(inventory, "/v1/near-expiry", admin, location_id=SITE, days=500)["items"]
              if r["lot_id"] == lot]
    assert (near["daily_burn_rate"], near["days_of_supply"]) == (1.43, 63.0)

    # Rebuilding the consumption projection replays the immunization topic: the appends are keyed by the
    # immunization event ids (INV-34), so nothing is consumed twice.
    appended = events_of(inventory, f"{SITE}/{lot}")
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", inventory.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "inventory", "consumption"]) == 0
    eventually(lambda: get(inventory, "/v1/wastage", admin, location_id=SITE)["doses_opened"] >= 10,
               what="the replayed site usage")
    assert events_of(inventory, f"{SITE}/{lot}") == appended
    assert stock_at_site(inventory, admin, lot) == 90


def test_a_dispatch_for_an_allocation_line_goes_to_its_province_within_the_released_doses(inventory, admin, infra):
    lot = register_lot(inventory)
    assert post(inventory, "/v1/receipts", {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 5_000,
        "vials": 500, "source": "covax", "shipment_reference": "COVAX-ALLOC", "received_at": day(0)},
        admin).status_code == 201
    plan = f"PLAN-{uuid.uuid4().hex[:6]}"
    publish(infra, "allocation", plan,
            allocation.BatchAllocated(plan_id=plan, line_id="L-79", recipient_unit_id="79",
                                      recipient_unit_kind="PROVINCE", doses=3_000),
            allocation.AllocationReleased(plan_id=plan, line_id="L-79", doses=2_000))

    def shipment(number: int, receiver: str, doses: int) -> dict:
        return {"shipment_id": f"{plan}-{number}", "from_location_id": "NAT-EPI", "to_location_id": receiver,
                "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(1), "allocation_plan_id": plan,
                "allocation_line_id": "L-79"}

    def dispatched_once_the_release_is_known():
        # Until the read model has the released line the dispatch is refused (INV-16) and writes nothing.
        response = post(inventory, "/v1/shipments", shipment(1, "CDC-79", 1_500), admin)
        return response if response.status_code == 201 else None

    first = eventually(dispatched_once_the_release_is_known, what="the released line in the read model")
    assert first.json()["shipment_id"] == f"{plan}-1"
    before = event_count(inventory)
    assert_problem(post(inventory, "/v1/shipments", shipment(2, "CDC-01", 100), admin), "INV-17", "to_location_id")
    eventually(lambda: any(s["shipment_id"] == f"{plan}-1"
                           for s in get(inventory, "/v1/shipments", admin, location_id="CDC-79")["items"]),
               what="the first shipment in the read model")
    assert_problem(post(inventory, "/v1/shipments", shipment(3, "CDC-79", 600), admin), "INV-15", "lines")
    assert event_count(inventory) == before
