"""Inventory reacting to other services' topics, against the real stack.

Immunization's ``VialOpened`` / ``DoseAdministered`` decrement a site's stock; consumption the site's
books cannot cover is raised as ``ConsumptionDiscrepancyDetected`` with a metric, never applied silently.
Allocation's released lines let a national dispatch reference its line: to the line's recipient, within the
released doses; allocation's session dispensations are what a district's dispatch to a site cites: from the
dispensing store to the session's site, the dispensed lots, within the dispensed doses, and a shipment to a
site citing nothing is refused. The other services' events are produced to their topics here, built from the
.proto contract (``eventkit.kafka_record.to_record``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg
from google.protobuf.timestamp_pb2 import Timestamp

from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail_cli.main import main as cli_main

from .inventory_stack import (
    assert_problem,
    bearer,
    day,
    dispatched_once_dispensed,
    dispense,
    event_count,
    events_of,
    eventually,
    get,
    post,
    publish,
    receipt,
    register_lot,
    seeded_inventory,
)

SITE = "S-79-760-01"


inventory, admin = seeded_inventory("inventory-cross")


def timestamp(offset: int, hour: int) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(day(offset, hour)))
    return stamp


def stock_at_site(inventory, admin, lot: str) -> int:
    rows = get(inventory, "/v1/stock", admin, location_id=SITE, lot_id=lot)["items"]
    return sum(r["doses"] for r in rows)


def to_district(inventory, admin, lot: str, doses: int) -> None:
    """National receipt, then down the tree to the district store (by the national admin, whose scope covers
    all)."""
    run = uuid.uuid4().hex[:6]
    assert post(inventory, "/v1/receipts", receipt(lot, doses), admin).status_code == 201
    for number, (sender, receiver) in enumerate((("NAT-EPI", "CDC-79"), ("CDC-79", "DHC-760"))):
        shipment = f"SHP-{run}-{number}"
        assert post(inventory, "/v1/shipments", {
            "shipment_id": shipment, "from_location_id": sender, "to_location_id": receiver,
            "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(1 + number)}, admin).status_code == 201
        assert post(inventory, f"/v1/shipments/{shipment}/delivery", {
            "received_at": day(1 + number, 15), "lines": [{"lot_id": lot, "accepted_doses": doses}]},
            admin).status_code == 201


def deliver_to_site(inventory, admin, infra, lot: str, doses: int) -> None:
    """Down the tree to the district store, then to the site citing a session the district dispensed it to."""
    to_district(inventory, admin, lot, doses)
    session = dispense(infra, f"SES-{uuid.uuid4().hex[:6]}", SITE, {lot: doses})
    shipment = f"SHP-{session}"
    response = dispatched_once_dispensed(inventory, {
        "shipment_id": shipment, "from_location_id": "DHC-760", "to_location_id": SITE,
        "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(3), "session_id": session}, admin)
    assert response.status_code == 201, response.text
    assert post(inventory, f"/v1/shipments/{shipment}/delivery", {
        "received_at": day(3, 15), "lines": [{"lot_id": lot, "accepted_doses": doses}]}, admin).status_code == 201


def test_immunization_consumption_decrements_site_stock_and_flags_what_the_site_does_not_hold(inventory, admin,
                                                                                                infra, monkeypatch):
    lot = register_lot(inventory)
    deliver_to_site(inventory, admin, infra, lot, 100)
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
    assert post(inventory, "/v1/receipts", receipt(lot, 5_000), admin).status_code == 201
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


def test_a_dispatch_to_a_site_carries_a_dispensation_within_its_lots_and_doses_or_is_refused(inventory, admin,
                                                                                            infra):
    """Stock reaches a site only against a session's dispensation (INV-17), within its doses (INV-15): each bad
    dispatch is a 422 naming the rule and the field, and appends nothing."""
    lot, other = register_lot(inventory), register_lot(inventory)
    to_district(inventory, admin, lot, 200)
    to_district(inventory, admin, other, 100)
    district = bearer(inventory, "district_officer", "district:760")
    run = uuid.uuid4().hex[:6]

    def to_site(number: int, doses: int, **fields) -> dict:
        return {"shipment_id": f"SHP-{run}-{number}", "from_location_id": "DHC-760", "to_location_id": SITE,
                "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(4)} | fields

    before = event_count(inventory)
    assert_problem(post(inventory, "/v1/shipments", to_site(1, 50), district), "INV-17", "session_id")
    assert_problem(post(inventory, "/v1/shipments", to_site(2, 50, session_id=f"SES-NONE-{run}"), district),
                   "INV-17", "session_id")
    assert event_count(inventory) == before

    session = dispense(infra, f"SES-{run}", SITE, {lot: 60})
    first = dispatched_once_dispensed(inventory, to_site(3, 40, session_id=session), district)
    assert first.status_code == 201, first.text
    eventually(lambda: [s for s in get(inventory, "/v1/shipments", admin, location_id=SITE)["items"]
                        if s["shipment_id"] == f"SHP-{run}-3" and s["session_id"] == session],
               what="the first shipment, citing the session, in the read model")
    before = event_count(inventory)
    assert_problem(post(inventory, "/v1/shipments", to_site(4, 30, session_id=session), district), "INV-15",
                   "lines[0].doses")                                                  # 60 dispensed, 40 shipped
    wrong_lot = to_site(5, 10, session_id=session) | {"lines": [{"lot_id": other, "doses": 10}]}
    assert_problem(post(inventory, "/v1/shipments", wrong_lot, district), "INV-17", "lines[0].lot_id")
    assert event_count(inventory) == before
    assert post(inventory, "/v1/shipments", to_site(7, 20, session_id=session), district).status_code == 201


def national(inventory, admin, lot: str) -> dict:
    """The lot's row of ``GET /v1/lots`` ({} until the read model has the lot: it is polled)."""
    rows = [r for r in get(inventory, "/v1/lots", admin)["items"] if r["lot_id"] == lot]
    assert len(rows) <= 1
    return rows[0] if rows else {}


def test_an_a2_classification_suspends_the_lot_nationally_for_review_until_a_release(inventory, admin, infra,
                                                                                       monkeypatch):
    lot = register_lot(inventory)
    assert post(inventory, "/v1/receipts", receipt(lot, 1_000), admin).status_code == 201
    aefi = f"AEFI-{uuid.uuid4().hex[:8]}"
    publish(infra, "immunization", aefi,
            immunization.AefiClassified(aefi_id=aefi, level="NATIONAL", causality="A1", lot_ids=[lot],
                                        classified_at=timestamp(5, 8), classified_by="council"),
            immunization.AefiClassified(aefi_id=aefi, level="NATIONAL", causality="A2", lot_ids=[lot, lot],
                                        lot_review_requested=True, classified_at=timestamp(5, 9),
                                        classified_by="council"))
    reviewed = eventually(lambda: (row := national(inventory, admin, lot)).get("national_status") == "SUSPENDED" and row,
                          what="the lot suspended nationally for review")
    assert reviewed["national_decision"]["decision_reference"] == f"AEFI:{aefi}"
    assert aefi in reviewed["national_decision"]["reason"]
    eventually(lambda: [r["status"] for r in get(inventory, "/v1/stock", admin, location_id="NAT-EPI",
                                                  lot_id=lot)["items"]] == ["SUSPENDED"],
               what="the national store's stock of the lot blocked")
    assert events_of(inventory, f"lot:{lot}") == 2   # registered, suspended once (the A1 asked for nothing)

    # Replaying the immunization topic queues the review again; its key answers it, nothing more is appended.
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", inventory.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "inventory", "lot_reviews"]) == 0
    eventually(lambda: not pending_reviews(inventory), what="the replayed review answered from its key")
    assert events_of(inventory, f"lot:{lot}") == 2

    released = post(inventory, f"/v1/lots/{lot}/release", {"reason": "lot cleared after the AEFI review",
                                                            "authority": "MOH", "decision_reference": "MOH-R-1"},
                    admin)
    assert released.status_code == 201, released.text
    eventually(lambda: national(inventory, admin, lot).get("national_status") == "RELEASED", what="the review ended")
    assert events_of(inventory, f"lot:{lot}") == 3


def pending_reviews(inventory) -> list:
    with psycopg.connect(inventory.database_url) as conn:
        return conn.execute("SELECT * FROM lot_review_pending").fetchall()


def test_wastage_over_a_date_range_counts_only_the_open_vial_wastage_of_those_days(inventory, admin, infra,
                                                                                    monkeypatch):
    """Issue 17: site usage is dated (campaign day), so a range counts its own days' opened, administered and
    residual doses - not the site's totals; a rebuild of projection site_usage gives the same figures."""
    site, lot = "S-48-490-02", f"LOT-{uuid.uuid4().hex[:6].upper()}"   # a seeded site no other test here uses
    monday, friday = f"VIAL-{uuid.uuid4().hex[:8]}", f"VIAL-{uuid.uuid4().hex[:8]}"
    doses = [immunization.DoseAdministered(dose_id=f"DOSE-{monday}-{n}", person_id=f"P-{n}", site_id=site, lot_id=lot,
                                           vial_opening_id=monday, administered_at=timestamp(2, 3)) for n in range(7)]
    publish(infra, "immunization", monday,
            immunization.VialOpened(vial_opening_id=monday, site_id=site, lot_id=lot, doses_in_vial=10,
                                    opened_at=timestamp(2, 2)), *doses,
            immunization.VialDiscarded(vial_opening_id=monday, site_id=site, lot_id=lot, doses_drawn=7,
                                       residual_doses=3, discarded_at=timestamp(2, 8)))
    publish(infra, "immunization", friday,
            immunization.VialOpened(vial_opening_id=friday, site_id=site, lot_id=lot, doses_in_vial=10,
                                    opened_at=timestamp(6, 2)),
            immunization.VialDiscarded(vial_opening_id=friday, site_id=site, lot_id=lot, doses_drawn=0,
                                       residual_doses=10, discarded_at=timestamp(6, 8)))

    def figures(since: str, until: str) -> tuple:
        w = get(inventory, "/v1/wastage", admin, location_id=site, since=since, until=until)
        return w["doses_opened"], w["doses_administered"], w["open_vial_wastage_doses"], w["usage_rate"]

    def both() -> tuple:
        return figures(day(2, 0), day(2, 12)), figures(day(6, 0), day(6, 12))

    expected = ((10, 7, 3, 70.0), (10, 0, 10, 0.0))
    eventually(lambda: both() == expected, what="the usage of each day in its own range")
    assert figures(day(0, 0), day(9, 0)) == (20, 7, 13, 35.0)

    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", inventory.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "inventory", "site_usage"]) == 0
    eventually(lambda: both() == expected, what="the rebuilt site usage, day by day")
