"""What the write side accepts, every projection can apply: text with a NUL or another control character
and a year-242 timestamp are refused by the request models (422 naming the *request* field, the model's rule),
before any decision or encoding, and nothing is appended.

Found by a new user: an adjustment with ``"evidence": "x\\u0000y"`` was a 201 and three projections
dead-lettered it (stock on hand 1,980 while the ledger held 1,970); an excursion assessment dated
``0242-11-04`` was a 201 and eight projections in five services dead-lettered it.
"""

from __future__ import annotations

import pytest

from .inventory_stack import (
    day,
    event_count,
    post,
    receipt,
    register_lot,
    seeded_inventory,
)

VALIDATION_FAILED = "urn:vaxtrail:problem:validation-failed"


inventory, admin = seeded_inventory("inventory-validation")


def refused_by_the_model(service, path: str, body: dict, headers: dict, field: str, rule: str) -> None:
    """A 422 from the request model (not from the codec behind the decision), and not one event appended."""
    before = event_count(service)
    response = post(service, path, body, headers)
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["field"], problem["rule"]) == (VALIDATION_FAILED, field, rule), problem
    assert event_count(service) == before


@pytest.mark.parametrize("text", ["x\u0000y", "x\u0001y", "two\nlines"])
def test_an_adjustment_whose_evidence_has_a_control_character_is_refused(inventory, admin, text):
    lot = register_lot(inventory)
    assert post(inventory, "/v1/receipts", receipt(lot, 2_000), admin).status_code == 201
    adjustment = {"location_id": "NAT-EPI", "lot_id": lot, "doses": -10, "reason": "BREAKAGE",
                  "adjusted_at": day(1), "evidence": text}
    refused_by_the_model(inventory, "/v1/adjustments", adjustment, admin, "evidence", "control-character")


def test_a_lot_suspension_whose_reason_has_a_nul_is_refused(inventory, admin):
    lot = register_lot(inventory)
    decision = {"scope": "NATIONAL", "reason": "x\u0000y", "authority": "MOH", "decided_at": day(1)}
    refused_by_the_model(inventory, f"/v1/lots/{lot}/suspend", decision, admin, "reason", "control-character")


def test_a_storage_unit_whose_logger_id_has_a_nul_is_refused(inventory, admin):
    unit = {"storage_unit_id": "NAT-FRIDGE-NUL", "location_id": "NAT-EPI", "unit_type": "FRIDGE_2_8",
            "logger_id": "LOG\u00007"}
    refused_by_the_model(inventory, "/v1/storage-units", unit, admin, "logger_id", "control-character")


def test_an_excursion_assessment_dated_in_the_year_242_is_refused(inventory, admin):
    lot = register_lot(inventory)
    fridge = f"NAT-FRIDGE-{lot[-6:]}"
    assert post(inventory, "/v1/storage-units", {"storage_unit_id": fridge, "location_id": "NAT-EPI",
                                                 "unit_type": "FRIDGE_2_8"}, admin).status_code == 201
    excursion = {"excursion_id": "EXC-242", "min_celsius": "7.5", "max_celsius": "46.0", "started_at": day(1),
                 "alarm_type": "HEAT_45C_1H"}
    assert post(inventory, f"/v1/storage-units/{fridge}/excursions", excursion, admin).status_code == 201
    verdict = {"assessed_at": "0242-11-04T02:52:00+00:00",
               "assessments": [{"lot_id": lot, "decision": "USABLE", "rationale": "within budget"}]}
    refused_by_the_model(inventory, f"/v1/storage-units/{fridge}/excursions/EXC-242/assessment", verdict, admin,
                         "assessed_at", "time-range")
