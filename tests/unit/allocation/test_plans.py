"""Allocation plans: drafting checks (INV-15, INV-17, INV-18), the four-eyes state machine (INV-16), release."""

from __future__ import annotations

from datetime import date

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.allocation.domain import plans, release
from services.allocation.domain.common import LotStock, StockLine

from .fixtures import AZ, NOW, approved, drafted_events, line, picture, submitted


def scenario(decide) -> Scenario:
    return Scenario(decide=decide, evolve=plans.evolve, initial=plans.AllocationPlan.empty)


def a_draft() -> list:
    return drafted_events(line("79", 600_000), line("01", 400_000), line("SU-ARMY", 50_000))


def test_a_manual_draft_records_the_plan_and_one_batch_per_recipient():
    events = a_draft()
    assert isinstance(events[0], plans.AllocationPlanDrafted) and events[0].total_doses == 1_050_000
    assert [(e.recipient_unit_id, e.recipient_unit_kind, e.recipient_location_id) for e in events[1:]] == [
        ("79", "PROVINCE", "PS-79"), ("01", "PROVINCE", "PS-01"), ("SU-ARMY", "SPECIAL_UNIT", "SU-ARMY")]


def test_rejects_plans_totalling_more_than_the_uncommitted_stock():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 1_100_000), line("01", 1_000_000))
    assert (error.value.rule, error.value.field) == ("INV-15", "lines")


def test_rejects_a_plan_when_other_plans_already_hold_the_stock():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 200_000), pic=picture(committed_elsewhere=1_900_000))
    assert error.value.rule == "INV-15"


def test_rejects_an_unknown_recipient():
    with pytest.raises(DomainError) as error:
        drafted_events(line("99", 1_000))
    assert (error.value.rule, error.value.field) == ("INV-17", "lines.0.recipient_unit_id")


def test_rejects_a_district_as_recipient_of_a_national_plan():
    with pytest.raises(DomainError) as error:
        drafted_events(line("760", 1_000))
    assert error.value.rule == "INV-17"


def test_rejects_a_use_by_date_after_the_lots_effective_expiry():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 1_000, use_by=date(2021, 12, 31)), lot_ids=("ABV5300",))
    assert (error.value.rule, error.value.field) == ("INV-17", "lines.0.use_by_date")


def test_rejects_a_use_by_date_already_past():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 1_000, use_by=date(1, 1, 1)))
    assert (error.value.rule, error.value.field) == ("INV-17", "lines.0.use_by_date")


def test_rejects_doses_that_are_not_whole_vials():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 1_005))
    assert (error.value.rule, error.value.field) == ("INV-2", "lines.0.doses")


def test_rejects_first_doses_taken_from_the_second_dose_reserve():
    with pytest.raises(DomainError) as error:
        drafted_events(line("79", 1_000), pic=picture(10_000, reserved=9_500))
    assert (error.value.rule, error.value.field) == ("INV-18", "lines")


def test_second_doses_may_use_the_reserve():
    events = drafted_events(line("79", 9_000, dose_number=2), pic=picture(10_000, reserved=9_500))
    assert events[1].dose_number == 2


def test_the_submitter_cannot_approve_their_own_plan():
    decision = plans.Decision("admin-anh", NOW)
    scenario(lambda s, c: plans.approve(s, c, picture())).given(*a_draft(), submitted("admin-anh")) \
        .when(decision).then_rejects(rule="INV-16", field="actor_id")


def test_a_second_officer_approves_a_submitted_plan():
    scenario(lambda s, c: plans.approve(s, c, picture())).given(*a_draft(), submitted()) \
        .when(plans.Decision("admin-binh", NOW, "ok")) \
        .then(plans.AllocationPlanApproved("AP-2021-08-A", "admin-binh", "NATIONAL", "ok", NOW))


def test_rejects_releasing_a_plan_that_is_only_submitted():
    scenario(lambda s, c: release.release(s, c, picture())).given(*a_draft(), submitted()) \
        .when(plans.Decision("admin-binh", NOW)).then_rejects(rule="INV-16", field="status")


def test_rejects_editing_lines_after_approval():
    scenario(lambda s, c: plans.allocate_line(s, c, picture(), NOW)).given(*a_draft(), submitted(), approved()) \
        .when(line("79", 700_000)).then_rejects(rule="INV-16")


def test_a_rejection_sends_the_plan_back_to_draft_where_lines_can_change():
    state = plans.AllocationPlan.empty()
    for event in [*a_draft(), submitted(), plans.AllocationPlanRejected("AP-2021-08-A", "admin-binh", "NATIONAL",
                                                                        "too much for 79", NOW)]:
        state = plans.evolve(state, event)
    assert state.status == plans.DRAFT
    assert plans.allocate_line(state, line("79", 500_000), picture(), NOW)[0].doses == 500_000


def test_a_rejection_needs_a_comment():
    scenario(lambda s, c: plans.reject(s, c)).given(*a_draft(), submitted()) \
        .when(plans.Decision("admin-binh", NOW, " ")).then_rejects(rule="INV-16", field="comment")


def test_an_amendment_needs_approval_again_by_someone_other_than_the_amender():
    history = [*a_draft(), submitted(), approved()]
    amended = plans.amend(_fold(history), "L-79", -100_000, plans.Decision("admin-binh", NOW, "stock"), picture())
    state = _fold([*history, *amended])
    assert state.status == plans.SUBMITTED and state.lines["L-79"].doses == 500_000
    with pytest.raises(DomainError) as error:
        plans.approve(state, plans.Decision("admin-binh", NOW), picture())
    assert error.value.rule == "INV-16"
    assert plans.approve(state, plans.Decision("admin-anh", NOW), picture())


def test_release_picks_lots_earliest_expiry_first_and_names_what_inventory_ships():
    two_lots = picture(lots=(LotStock("ABV5300", AZ, 30_000, date(2021, 11, 30)),
                             LotStock("ABV2021", AZ, 30_000, date(2021, 10, 31))))
    history = drafted_events(line("79", 40_000), pic=two_lots)
    released = release.release(_fold([*history, submitted(), approved()]), plans.Decision("admin-chi", NOW), two_lots)
    assert released[0].lines == (StockLine("ABV2021", 30_000, 3_000), StockLine("ABV5300", 10_000, 1_000))
    assert (released[0].from_location_id, released[0].recipient_location_id) == ("NAT-EPI", "PS-79")
    assert _fold([*history, submitted(), approved(), *released]).status == plans.RELEASED


def test_rejects_releasing_more_than_approved_on_a_line():
    history = [*a_draft(), submitted(), approved()]
    with pytest.raises(DomainError) as error:
        release.release(_fold(history), plans.Decision("admin-chi", NOW), picture(), {"L-79": 600_010})
    assert (error.value.rule, error.value.field) == ("INV-15", "lines.0.doses")


def test_rejects_cancelling_after_release():
    history = [*a_draft(), submitted(), approved()]
    released = release.release(_fold(history), plans.Decision("admin-chi", NOW), picture(), {"L-79": 10_000})
    with pytest.raises(DomainError) as error:
        plans.cancel(_fold([*history, *released]), plans.Decision("admin-chi", NOW, "no"))
    assert error.value.rule == "INV-16"


def test_a_draft_can_be_cancelled():
    events = plans.cancel(_fold(a_draft()), plans.Decision("admin-anh", NOW, "superseded"))
    assert _fold([*a_draft(), *events]).status == plans.CANCELLED


def _fold(events) -> plans.AllocationPlan:
    state = plans.AllocationPlan.empty()
    for event in events:
        state = plans.evolve(state, event)
    return state


def test_a_line_removed_from_a_draft_gives_its_doses_back():
    events = plans.remove_line(_fold(a_draft()), "L-01", plans.Decision("admin-anh", NOW, "01 supplied by COVAX"))
    assert events[0].delta_doses == -400_000
    assert set(_fold([*a_draft(), *events]).lines) == {"L-79", "L-SU-ARMY"}


def test_rejects_removing_a_line_once_submitted():
    with pytest.raises(DomainError) as error:
        plans.remove_line(_fold([*a_draft(), submitted()]), "L-01", plans.Decision("admin-anh", NOW))
    assert error.value.rule == "INV-16"
