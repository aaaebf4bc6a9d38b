"""Issue 18 over HTTP on the real inventory service: day rules take the campaign date (Asia/Ho_Chi_Minh)
whatever offset the client wrote; lot decisions stay within the lot's history; a quantity beyond the storage
types is a 422. Each refusal is a problem naming the field and the rule, with nothing appended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .inventory_stack import (
    assert_problem,
    date_of,
    event_count,
    post,
    receipt,
    register_lot,
    seeded_inventory,
)

inventory, admin = seeded_inventory("inventory-days")


def refused(service, path: str, body: dict, headers: dict, rule: str, field: str | None = None) -> None:
    before = event_count(service)
    assert_problem(post(service, path, body, headers), rule, field)
    assert event_count(service) == before


def accepted(service, path: str, body: dict, headers: dict) -> None:
    response = post(service, path, body, headers)
    assert response.status_code == 201, response.text


def stocked_lot(service, headers, *, expires: int) -> str:
    lot = register_lot(service, expires=expires)
    accepted(service, "/v1/receipts", receipt(lot, 1_000), headers)
    return lot


def dispatch(lot: str, at: str, suffix: str) -> dict:
    return {"shipment_id": f"{lot}-{suffix}", "from_location_id": "NAT-EPI", "to_location_id": "CDC-79",
            "lines": [{"lot_id": lot, "doses": 100}], "dispatched_at": at}


@pytest.mark.parametrize("written", ["{expiry}T17:30:00Z", "{next}T00:30:00+07:00", "{next}T00:00:00+07:00",
                                     "{expiry}T17:00:00Z"])
def test_an_issue_after_local_midnight_of_the_expiry_day_is_refused(inventory, admin, written):
    # 17:30 UTC on the expiry day is 00:30 the day after in Vietnam: the lot has expired (INV-10).
    lot = stocked_lot(inventory, admin, expires=5)
    at = written.format(expiry=date_of(5), next=date_of(6))
    refused(inventory, "/v1/shipments", dispatch(lot, at, "LATE"), admin, "INV-10", "lines[0].lot_id")


@pytest.mark.parametrize("written", ["{expiry}T16:59:00Z", "{expiry}T23:59:00+07:00"])
def test_an_issue_in_the_last_minute_of_the_expiry_day_is_accepted(inventory, admin, written):
    lot = stocked_lot(inventory, admin, expires=5)
    accepted(inventory, "/v1/shipments", dispatch(lot, written.format(expiry=date_of(5)), "LAST"), admin)


@pytest.mark.parametrize("written", ["{before}T17:30:00Z", "{made}T00:30:00+07:00", "{before}T17:00:00Z"])
def test_a_receipt_from_local_midnight_of_the_manufacture_day_is_accepted(inventory, admin, written):
    lot = register_lot(inventory, made=2)
    body = receipt(lot, 1_000) | {"received_at": written.format(before=date_of(1), made=date_of(2))}
    accepted(inventory, "/v1/receipts", body, admin)


@pytest.mark.parametrize("written", ["{before}T16:59:00Z", "{before}T23:59:00+07:00"])
def test_a_receipt_before_local_midnight_of_the_manufacture_day_is_refused(inventory, admin, written):
    lot = register_lot(inventory, made=2)
    body = receipt(lot, 1_000) | {"received_at": written.format(before=date_of(1))}
    refused(inventory, "/v1/receipts", body, admin, "INV-8", "received_at")


def decision(at: str) -> dict:
    return {"reason": "signal", "authority": "MOH", "decided_at": at}


@pytest.mark.parametrize("written", ["{before}T16:59:00Z", "{before}T23:59:00+07:00"])
def test_a_lot_decision_before_the_lot_was_made_is_refused(inventory, admin, written):
    lot = register_lot(inventory, made=2)
    refused(inventory, f"/v1/lots/{lot}/suspend", decision(written.format(before=date_of(1))), admin, "INV-8",
            "decided_at")
    accepted(inventory, f"/v1/lots/{lot}/suspend", decision(f"{date_of(1)}T17:00:00Z"), admin)


def test_a_lot_decision_in_the_future_is_refused(inventory, admin):
    lot = register_lot(inventory)
    tomorrow = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    refused(inventory, f"/v1/lots/{lot}/suspend", decision(tomorrow), admin, "INV-8", "decided_at")
    accepted(inventory, f"/v1/lots/{lot}/suspend", decision((datetime.now(UTC) - timedelta(minutes=1)).isoformat()),
             admin)


def test_a_lot_decision_before_the_scopes_latest_one_is_refused(inventory, admin):
    lot = register_lot(inventory)
    accepted(inventory, f"/v1/lots/{lot}/suspend", decision(f"{date_of(3)}T09:00:00Z"), admin)
    refused(inventory, f"/v1/lots/{lot}/release", decision(f"{date_of(2)}T09:00:00Z"), admin, "INV-8", "decided_at")


@pytest.mark.parametrize("field", ["vials", "doses"])
def test_three_billion_vials_is_a_422_naming_the_field(inventory, admin, field):
    lot = register_lot(inventory)
    refused(inventory, "/v1/receipts", receipt(lot, 1_000) | {field: 3_000_000_000}, admin, "less_than_equal", field)
