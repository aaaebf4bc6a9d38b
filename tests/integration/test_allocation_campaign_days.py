"""Issue 18 over HTTP on the real allocation service: session days are campaign days (Asia/Ho_Chi_Minh)
whatever offset the planner wrote; a plan pinned to a lot is charged only for holdings of that lot; four eyes
are not satisfied by the submitter in other letter case; a quantity beyond int32 is a 422. Each refusal is a
problem naming the field and the rule, with nothing appended."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from vaxtrail.inventory.v1 import events_pb2 as inventory

from .allocation_world import (
    all_events,
    allocation,
    assert_rejected,
    bearer,
    events_of,
    national_plan,
    on_hand,
    plan_id,
    post,
    session_body,
    world,
)
from .kafka_helpers import wait_for

__all__ = ["allocation", "world"]  # module-scoped fixtures shared by the allocation test modules

ICT = timezone(timedelta(hours=7))


def officer(allocation):
    return bearer(allocation, "district_officer", "district:964")


def session_at(world, local_start: datetime, offset: timezone, session_day) -> dict:
    body = session_body(world, tables=1, persons=10)
    starts = local_start.astimezone(offset)
    return body | {"session_date": session_day.isoformat(), "starts_at": starts.isoformat(),
                   "ends_at": (starts + timedelta(hours=4)).isoformat()}


def tomorrow_local():
    return (datetime.now(ICT) + timedelta(days=1)).date()


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
@pytest.mark.parametrize("hour, minute", [(6, 30), (0, 0)], ids=["0630", "0000"])
def test_a_session_starting_early_local_time_is_planned_whatever_the_offset(allocation, world, offset, hour, minute):
    day = tomorrow_local()
    local_start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ICT)
    body = session_at(world, local_start, offset, day)
    response = post(allocation, "/v1/sessions", body, officer(allocation))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_session_starting_the_evening_before_names_starts_at(allocation, world, offset):
    day = tomorrow_local()
    local_start = datetime(day.year, day.month, day.day, tzinfo=ICT) - timedelta(minutes=1)  # 23:59 the day before
    body = session_at(world, local_start, offset, day)
    before = all_events(allocation)
    assert_rejected(post(allocation, "/v1/sessions", body, officer(allocation)), "INV-19", "starts_at")
    assert all_events(allocation) == before


def second_lot(world, doses: int) -> str:
    lot = f"LOTB{uuid.uuid4().hex[:6].upper()}"
    world.publish("inventory", lot, inventory.LotRegistered(
        lot_id=lot, lot_number=lot, presentation_id=world.presentation, presentation_version=1,
        manufacture_date="2021-02-01", label_expiry_date="2099-06-30", funding_source="COVAX"))
    world.publish("inventory", f"{world.national}/{lot}", inventory.DoseReceived(
        location_id=world.national, lot_id=lot, doses=doses, vials=doses // 10, source="COVAX",
        presentation_id=world.presentation))
    return lot


def test_a_plan_pinned_to_an_untouched_lot_is_not_charged_for_another_lots_holding(allocation, world):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    before = on_hand(allocation, world.national, world)
    lot_b = second_lot(world, 1_000)
    wait_for(lambda: on_hand(allocation, world.national, world) == before + 1_000, what="lot B in the read model")
    # Another plan holds every dose of lot A (what lot A has left).
    holder = plan_id()
    body = national_plan(world, holder, method="MANUAL", lot_ids=[world.lot],
                         lines=[{"recipient_unit_id": "96", "doses": before}])
    assert post(allocation, "/v1/allocation-plans", body, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{holder}/submit", {}, anh).status_code == 201
    # 500 doses of untouched lot B: within INV-15 (refused before issue 18).
    pinned = plan_id()
    body = national_plan(world, pinned, method="MANUAL", lot_ids=[lot_b],
                         lines=[{"recipient_unit_id": "95", "doses": 500}])
    response = post(allocation, "/v1/allocation-plans", body, anh)
    assert response.status_code == 201, response.text
    # One vial more than lot B has is still refused, naming INV-15, with nothing appended.
    too_much = plan_id()
    body = national_plan(world, too_much, method="MANUAL", lot_ids=[lot_b],
                         lines=[{"recipient_unit_id": "95", "doses": 1_010}])
    assert_rejected(post(allocation, "/v1/allocation-plans", body, anh), "INV-15", "lines")
    assert events_of(allocation, too_much) == 0
    # Release the stock for the other tests of this module.
    assert post(allocation, f"/v1/allocation-plans/{holder}/cancel", {"comment": "test over"}, anh).status_code \
        in (200, 201)


@pytest.mark.parametrize("sub", ["Admin-Anh", "ADMIN-ANH"])
def test_the_submitter_in_other_letter_case_cannot_approve(allocation, world, sub):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": 100}])
    assert post(allocation, "/v1/allocation-plans", body, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/submit", {}, anh).status_code == 201
    before = events_of(allocation, pid)
    same_officer = bearer(allocation, "national_admin", "national", sub=sub)
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/approve", {}, same_officer), "INV-16", "actor_id")
    assert events_of(allocation, pid) == before


def test_three_billion_doses_is_a_422_naming_the_field(allocation, world):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": 3_000_000_000}])
    before = all_events(allocation)
    assert_rejected(post(allocation, "/v1/allocation-plans", body, anh), "less_than_equal", "lines.0.doses")
    assert all_events(allocation) == before
