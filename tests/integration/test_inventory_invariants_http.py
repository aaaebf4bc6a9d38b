"""One bad example per invariant family over HTTP: each is a 422 problem+json naming the rule and the field,
and the service's events table is unchanged afterwards (nothing appended). The full per-rule coverage is in
tests/unit/inventory (pure domain); docs/services/inventory.md maps each invariant to its tests."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from .inventory_stack import (
    assert_problem,
    bearer,
    day,
    event_count,
    events_of,
    eventually,
    get,
    post,
    receipt,
    register_lot,
    seeded_inventory,
)

inventory, admin = seeded_inventory("inventory-inv")


def dispatch(shipment: str, lot: str, doses: int, offset: int, *, sender: str = "NAT-EPI",
             receiver: str = "CDC-79") -> dict:
    return {"shipment_id": shipment, "from_location_id": sender, "to_location_id": receiver,
            "lines": [{"lot_id": lot, "doses": doses}], "dispatched_at": day(offset)}


def refused(service, path: str, body: dict, headers: dict, rule: str, field: str | None = None) -> None:
    """Send a bad command: a 422 naming ``rule`` / ``field``, and not one event appended."""
    before = event_count(service)
    assert_problem(post(service, path, body, headers), rule, field)
    assert event_count(service) == before


def stocked(service, admin, doses: int = 1_000, **lot_options) -> str:
    lot = register_lot(service, **lot_options)
    response = post(service, "/v1/receipts", receipt(lot, doses), admin)
    assert response.status_code == 201, response.text
    return lot


def test_inv_1_a_backdated_issue_cannot_make_a_later_balance_negative(inventory, admin):
    lot = stocked(inventory, admin)                                           # 1,000 on d0
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 800, 2), admin).status_code == 201  # d2
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-B", lot, 300, 1), admin, "INV-1", "lines[0].doses")
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-C", lot, 600, 3), admin, "INV-1", "lines[0].doses")


def test_inv_2_quantities_are_positive_whole_vials(inventory, admin):
    lot = register_lot(inventory)
    refused(inventory, "/v1/receipts", receipt(lot, 25, vials=3), admin, "INV-2", "doses")
    refused(inventory, "/v1/receipts", receipt(lot, 0, vials=0), admin, "INV-2", "doses")


def test_inv_3_a_shipment_has_a_destination_other_than_its_source(inventory, admin):
    lot = stocked(inventory, admin)
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 1, receiver="NAT-EPI"), admin, "INV-3",
            "to_location_id")


def test_inv_4_only_allowed_edges_of_the_supply_tree(inventory, admin):
    lot = stocked(inventory, admin)
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 1, receiver="S-79-760-01"), admin, "INV-4",
            "to_location_id")


def test_inv_5_reason_and_sign_agree(inventory, admin):
    lot = stocked(inventory, admin)
    refused(inventory, "/v1/adjustments", {"location_id": "NAT-EPI", "lot_id": lot, "doses": 50, "reason": "EXPIRED",
                                           "adjusted_at": day(1)}, admin, "INV-5", "doses")


def test_inv_6_a_lot_belongs_to_its_presentation(inventory, admin):
    lot = register_lot(inventory)
    refused(inventory, "/v1/receipts", receipt(lot, 600, presentation="PFIZER-COMIRNATY", per_vial=6), admin, "INV-6",
            "lot_id")


def test_inv_7_a_count_lists_each_lot_once_and_explains_the_discrepancy(inventory, admin):
    lot = stocked(inventory, admin)
    line = {"lot_id": lot, "counted_doses": 970, "discrepancy_reasons": [{"reason": "BREAKAGE", "doses": -50}]}
    refused(inventory, "/v1/counts", {"location_id": "NAT-EPI", "counted_at": day(1), "lines": [line]}, admin,
            "INV-7", "lines[0].discrepancy_reasons")
    same = {"lot_id": lot, "counted_doses": 1_000}
    refused(inventory, "/v1/counts", {"location_id": "NAT-EPI", "counted_at": day(1), "lines": [same, same]}, admin,
            "INV-7", "lines[1].lot_id")


def test_inv_8_business_time_is_not_in_the_future_nor_before_the_lot_was_made(inventory, admin):
    lot = register_lot(inventory, made=-5)
    refused(inventory, "/v1/receipts", receipt(lot, 100, offset=12), admin, "INV-8", "received_at")
    refused(inventory, "/v1/receipts", receipt(lot, 100, offset=-6), admin, "INV-8", "received_at")


def test_inv_9_proof_of_delivery_conserves_quantity_and_happens_once(inventory, admin):
    lot = stocked(inventory, admin)
    shipment = f"{lot}-A"
    assert post(inventory, "/v1/shipments", dispatch(shipment, lot, 1_000, 1), admin).status_code == 201
    short = {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 950, "rejected_doses": 0}]}
    refused(inventory, f"/v1/shipments/{shipment}/delivery", short, admin, "INV-9", "lines[0].rejected_doses")
    full = {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 1_000}]}
    assert post(inventory, f"/v1/shipments/{shipment}/delivery", full, admin).status_code == 201
    refused(inventory, f"/v1/shipments/{shipment}/delivery", full, admin, "INV-9", "shipment_id")


def test_inv_10_nothing_is_issued_past_the_effective_expiry(inventory, admin):
    lot = stocked(inventory, admin, expires=3)                                # expires on d3
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 4), admin, "INV-10", "lines[0].lot_id")
    disposal = {"location_id": "NAT-EPI", "lot_id": lot, "doses": -100, "reason": "EXPIRED", "adjusted_at": day(4)}
    assert post(inventory, "/v1/adjustments", disposal, admin).status_code == 201  # the only movement allowed


def test_inv_11_a_province_suspension_blocks_issues_there_only(inventory, admin):
    lot = stocked(inventory, admin)
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 500, 1), admin).status_code == 201
    assert post(inventory, f"/v1/shipments/{lot}-A/delivery",
                {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 500}]}, admin).status_code == 201
    province = bearer(inventory, "province_officer", "province:79")
    decision = {"scope": "PROVINCE", "scope_id": "79", "reason": "cold-chain review", "authority": "DOH-79",
                "decided_at": day(3)}
    assert post(inventory, f"/v1/lots/{lot}/suspend", decision, province).status_code == 201
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-B", lot, 100, 4, sender="CDC-79", receiver="DHC-760"),
            province, "INV-11", "lines[0].lot_id")
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-C", lot, 100, 4), admin).status_code == 201  # national ok
    other = bearer(inventory, "province_officer", "province:01")
    assert post(inventory, f"/v1/lots/{lot}/release", decision, other).status_code == 403


def test_inv_12_vvm_stage_3_is_never_accepted_as_usable(inventory, admin):
    lot = stocked(inventory, admin)
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 1), admin).status_code == 201
    bad = {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 100, "vvm_stage": 3}]}
    refused(inventory, f"/v1/shipments/{lot}-A/delivery", bad, admin, "INV-12", "lines[0].vvm_stage")


def test_inv_14_frozen_pfizer_cannot_go_where_there_is_no_ultra_cold_storage(inventory, admin):
    lot = register_lot(inventory, "LOT-PFZ", "PFIZER-COMIRNATY", 2)
    assert post(inventory, "/v1/receipts", receipt(lot, 600, presentation="PFIZER-COMIRNATY", per_vial=6),
                admin).status_code == 201
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 120, 1, receiver="CDC-02"), admin, "INV-14",
            "to_location_id")


def test_inv_33_a_movement_is_reversed_once_and_never_after_a_later_count(inventory, admin):
    lot = register_lot(inventory)
    first = post(inventory, "/v1/receipts", receipt(lot, 1_000), admin).json()["event_ids"][0]
    found = post(inventory, "/v1/adjustments", {"location_id": "NAT-EPI", "lot_id": lot, "doses": 100,
                                                "reason": "FOUND", "adjusted_at": day(1)}, admin).json()
    reversal = {"location_id": "NAT-EPI", "lot_id": lot, "reverses_event_id": found["event_ids"][0],
                "reason": "keyed twice", "reversed_at": day(2)}
    assert post(inventory, "/v1/reversals", reversal, admin).status_code == 201
    refused(inventory, "/v1/reversals", reversal, admin, "INV-33", "reverses_event_id")
    counted = post(inventory, "/v1/counts", {"location_id": "NAT-EPI", "counted_at": day(3),
                                             "lines": [{"lot_id": lot, "counted_doses": 1_000}]}, admin)
    assert counted.status_code == 201, counted.text
    refused(inventory, "/v1/reversals", reversal | {"reverses_event_id": first, "reversed_at": day(4)}, admin,
            "INV-33", "reverses_event_id")
    refused(inventory, "/v1/receipts", receipt(lot, 100, offset=0), admin, "INV-8", "received_at")


def test_inv_35_a_presentation_version_is_never_rewritten(inventory, admin):
    body = {"presentation_id": "AZ-VAXZEVRIA-10", "version": 1, "vaccine_code": "210", "brand": "Vaxzevria",
            "manufacturer": "AstraZeneca", "doses_per_vial": 8, "dose_volume_ml": "0.5",
            "storage_ranges": [{"condition": "REFRIGERATED", "min_celsius": "2", "max_celsius": "8"}]}
    refused(inventory, "/v1/presentations", body, admin, "INV-35", "version")


def test_reference_data_changes_only_through_national_admin(inventory):
    province = bearer(inventory, "province_officer", "province:79")
    response = post(inventory, "/v1/reference/seed", {"version": 1}, province)
    assert response.status_code == 403
    again = post(inventory, "/v1/reference/seed", {"version": 1}, bearer(inventory, "national_admin", "national"))
    assert again.status_code == 200 and again.json()["appended"] == 0
    admin = bearer(inventory, "national_admin", "national")
    provinces = eventually(lambda: len(get(inventory, "/v1/locations", admin, kind="PROVINCE_STORE")["items"]) == 63,
                           what="the 63 provincial CDCs in the catalogue")
    assert provinces
    versions = [(p["version"], p["doses_per_vial"]) for p in get(inventory, "/v1/presentations", admin)["items"]
                if p["presentation_id"] == "PFIZER-COMIRNATY"]
    assert versions == [(1, 5), (2, 6)]  # a label change is a new version; history is kept (INV-35)


def test_inv_13_stock_in_a_unit_with_an_open_excursion_is_quarantined_until_assessed(inventory, admin):
    lot = register_lot(inventory)
    fridge = f"NAT-FRIDGE-{lot[-6:]}"
    assert post(inventory, "/v1/storage-units", {"storage_unit_id": fridge, "location_id": "NAT-EPI",
                                                 "unit_type": "FRIDGE_2_8", "logger_id": "LOG-7"},
                admin).status_code == 201
    assert post(inventory, "/v1/receipts", receipt(lot, 1_000) | {"storage_unit_id": fridge}, admin).status_code == 201
    excursion = {"excursion_id": "EXC-1", "min_celsius": "7.5", "max_celsius": "46.0", "started_at": day(1),
                 "ended_at": day(1, 11), "alarm_type": "HEAT_45C_1H", "logger_id": "LOG-7"}
    assert post(inventory, f"/v1/storage-units/{fridge}/excursions", excursion, admin).status_code == 201
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 2), admin, "INV-13", "lines[0].lot_id")

    def status():
        rows = get(inventory, "/v1/stock", admin, location_id="NAT-EPI", lot_id=lot)["items"]
        return rows[0]["status"] if rows else None

    assert eventually(lambda: status() == "QUARANTINED", what="the quarantine in the read model")
    verdict = {"assessed_at": day(2), "assessments": [{"lot_id": lot, "decision": "USABLE",
                                                       "rationale": "within the manufacturer's stability budget"}]}
    assert post(inventory, f"/v1/storage-units/{fridge}/excursions/EXC-1/assessment", verdict, admin).status_code == 201
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-B", lot, 100, 3), admin).status_code == 201
    assert eventually(lambda: status() == "USABLE", what="the release after assessment")


def test_inv_14_thawed_vials_go_to_a_fridge_never_a_freezer(inventory, admin):
    lot = register_lot(inventory, "LOT-MOD", "MODERNA-SPIKEVAX-10", 1)
    freezer, fridge = f"NAT-FRZ-{lot[-6:]}", f"NAT-FRG-{lot[-6:]}"
    for unit, kind in ((freezer, "FREEZER_MINUS_20"), (fridge, "FRIDGE_2_8")):
        assert post(inventory, "/v1/storage-units", {"storage_unit_id": unit, "location_id": "NAT-EPI",
                                                     "unit_type": kind}, admin).status_code == 201
    body = receipt(lot, 1_000, presentation="MODERNA-SPIKEVAX-10") | {"storage_unit_id": freezer}
    assert post(inventory, "/v1/receipts", body, admin).status_code == 201
    thaw = {"location_id": "NAT-EPI", "lot_id": lot, "vials": 10, "thawed_at": day(1), "storage_unit_id": freezer}
    refused(inventory, "/v1/thaws", thaw, admin, "INV-14", "storage_unit_id")
    assert post(inventory, "/v1/thaws", thaw | {"storage_unit_id": fridge}, admin).status_code == 201


def test_inv_37_two_concurrent_issues_cannot_both_take_the_last_doses(inventory, admin):
    lot = stocked(inventory, admin, 1_000)
    bodies = [dispatch(f"{lot}-{n}", lot, 700, 1) for n in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda body: post(inventory, "/v1/shipments", body, admin), bodies))
    codes = sorted(r.status_code for r in responses)
    assert codes in ([201, 409], [201, 422]), [r.text for r in responses]
    loser = next(r for r in responses if r.status_code != 201).json()
    assert loser["rule"] in ("INV-37", "INV-1")
    assert sum(1 for n in range(2) if events_of(inventory, f"shipment:{lot}-{n}")) == 1


def test_inv_36_a_frozen_storage_extension_does_not_cover_thawed_vials(inventory, admin):
    lot = register_lot(inventory, "LOT-PFZ", "PFIZER-COMIRNATY", 2, expires=3)       # label expiry d3
    freezer, fridge = f"NAT-ULT-{lot[-6:]}", f"NAT-FRG-{lot[-6:]}"
    for unit, kind in ((freezer, "ULTRA_COLD_MINUS_80"), (fridge, "FRIDGE_2_8")):
        assert post(inventory, "/v1/storage-units", {"storage_unit_id": unit, "location_id": "NAT-EPI",
                                                     "unit_type": kind}, admin).status_code == 201
    body = receipt(lot, 600, presentation="PFIZER-COMIRNATY", per_vial=6) | {"storage_unit_id": freezer}
    assert post(inventory, "/v1/receipts", body, admin).status_code == 201
    thaw = {"location_id": "NAT-EPI", "lot_id": lot, "vials": 10, "thawed_at": day(1), "storage_unit_id": fridge}
    assert post(inventory, "/v1/thaws", thaw, admin).status_code == 201
    extension = {"new_expiry_date": day(100)[:10], "legal_basis": "MOH 3344/QD-BYT",
                 "required_storage_condition": "FROZEN_ULTRA_COLD", "required_min_celsius": "-90",
                 "required_max_celsius": "-60", "extended_at": day(2)}
    assert post(inventory, f"/v1/lots/{lot}/expiry-extensions", extension, admin).status_code == 201
    thawed_issue = dispatch(f"{lot}-A", lot, 60, 4) | {"to_location_id": "CDC-79"}
    refused(inventory, "/v1/shipments", thawed_issue, admin, "INV-36", "lines[0].lot_id")


def test_a_deactivated_location_takes_no_stock_after_its_last_day(inventory, admin):
    store = f"REG-TEST-{uuid.uuid4().hex[:6].upper()}"
    registered = post(inventory, "/v1/locations", {
        "location_id": store, "kind": "REGIONAL_STORE", "name": "Kho tạm", "parent_id": "NAT-EPI",
        "supplied_by": ["NAT-EPI"], "storage_capabilities": ["FRIDGE"], "active_from": day(-30)[:10]}, admin)
    assert registered.status_code == 201, registered.text
    closed = post(inventory, f"/v1/locations/{store}/deactivation",
                  {"active_until": day(2)[:10], "reason": "merged into REG-SOUTH"}, admin)
    assert closed.status_code == 201, closed.text
    lot = stocked(inventory, admin)
    refused(inventory, "/v1/shipments", dispatch(f"{lot}-A", lot, 100, 3, receiver=store), admin, "INV-4",
            "to_location_id")
    refused(inventory, "/v1/receipts", receipt(lot, 100, offset=3) | {"location_id": store}, admin, "INV-8",
            "received_at")
    assert post(inventory, "/v1/shipments", dispatch(f"{lot}-B", lot, 100, 1, receiver=store),
                admin).status_code == 201  # before its last day
    listed = eventually(lambda: [loc for loc in get(inventory, "/v1/locations", admin, kind="REGIONAL_STORE")["items"]
                                 if loc["location_id"] == store and loc["active_until"]], what="the deactivation")
    assert listed[0]["active_until"] == day(2)[:10]


def test_inv_34_a_retried_dispatch_is_answered_once_and_a_reused_key_is_refused(inventory, admin):
    lot = stocked(inventory, admin)
    keyed = admin | {"Idempotency-Key": f"tablet-7:{lot}"}
    body = dispatch(f"{lot}-A", lot, 100, 1)
    first, again = (post(inventory, "/v1/shipments", body, keyed) for _ in range(2))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert events_of(inventory, f"NAT-EPI/{lot}") == 2                     # the receipt and one issue
    refused(inventory, "/v1/shipments", body | {"lines": [{"lot_id": lot, "doses": 200}]}, keyed, "INV-34")
    duplicate = post(inventory, "/v1/shipments", body, admin)              # same shipment id, no key
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "shipment_id"


def test_a_district_officer_writes_only_inside_the_district(inventory):
    district = bearer(inventory, "district_officer", "district:760")
    count = {"location_id": "DHC-001", "counted_at": day(1), "lines": [{"lot_id": "ABV5300", "counted_doses": 0}]}
    before = event_count(inventory)
    response = post(inventory, "/v1/counts", count, district)
    assert response.status_code == 403 and response.json()["field"] == "location_id"
    assert event_count(inventory) == before


def test_inv_13_a_delivery_waits_for_the_assessment_of_a_transport_excursion(inventory, admin):
    lot = stocked(inventory, admin)
    shipment = f"{lot}-T"
    assert post(inventory, "/v1/shipments", dispatch(shipment, lot, 500, 1), admin).status_code == 201
    province = bearer(inventory, "province_officer", "province:79")
    excursion = {"excursion_id": "EXC-T1", "min_celsius": "8.5", "max_celsius": "31", "started_at": day(1, 12),
                 "alarm_type": "HEAT_30C_10H_CUMULATIVE", "logger_id": "LOG-TRUCK-9"}
    assert post(inventory, f"/v1/shipments/{shipment}/excursions", excursion, province).status_code == 201
    pod = {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 500}]}
    refused(inventory, f"/v1/shipments/{shipment}/delivery", pod, province, "INV-13", "shipment_id")
    verdict = {"assessed_at": day(2, 8), "assessments": [{"lot_id": lot, "decision": "DISCARD",
                                                          "rationale": "beyond the stability budget"}]}
    assessed = post(inventory, f"/v1/shipments/{shipment}/excursions/EXC-T1/assessment", verdict, province)
    assert assessed.status_code == 201, assessed.text
    refused(inventory, f"/v1/shipments/{shipment}/delivery", pod, province, "INV-13", "lines[0].accepted_doses")
    rejected = {"received_at": day(2), "lines": [{"lot_id": lot, "accepted_doses": 0, "rejected_doses": 500,
                                                  "rejection_reason": "COLD_CHAIN_FAILURE"}]}
    assert post(inventory, f"/v1/shipments/{shipment}/delivery", rejected, province).status_code == 201
