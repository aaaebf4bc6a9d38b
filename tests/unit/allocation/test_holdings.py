"""Issue 18, item 5: a plan pinned to lots competes only with holdings that must come from those lots; four
eyes compares actor ids as the identity provider defines them (case-insensitive, eventkit.identity)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.allocation.domain import plans, promises
from services.allocation.domain.common import LotStock
from services.allocation.domain.holdings import Holding, committed_to, most_served

from .fixtures import AZ, NOW, a_draft_of, drafted_events, line, picture, submitted

EXPIRY = date(2021, 11, 30)
LOT_A, LOT_B = "LOT-A", "LOT-B"
TWO_LOTS = (LotStock(LOT_A, AZ, 1_000, EXPIRY), LotStock(LOT_B, AZ, 1_000, EXPIRY))


def other_plan(doses: int, lot_ids: tuple[str, ...]) -> plans.AllocationPlan:
    history = drafted_events(line("01", doses), plan_id="AP-OTHER", lot_ids=lot_ids, pic=picture(lots=TWO_LOTS))
    state = plans.AllocationPlan.empty()
    for event in [*history, plans.AllocationPlanSubmitted("AP-OTHER", "admin-anh", "NATIONAL", "", NOW)]:
        state = plans.evolve(state, event)
    return state


def supply_with(other: plans.AllocationPlan):
    return promises.supply_picture(promises.Promises({"AP-OTHER": other}), {}, plan_id="AP-NEW",
                                   source_location_id="NAT-EPI", presentation_id=AZ, doses_per_vial=10,
                                   lots=TWO_LOTS, recipients=picture().recipients, today=NOW.date())


def test_a_plan_pinned_to_an_untouched_lot_is_not_charged_for_another_lots_holding():
    # Another plan holds 1,000 doses of lot B; a plan for 500 doses of untouched lot A is within INV-15.
    events = drafted_events(line("79", 500), plan_id="AP-NEW", lot_ids=(LOT_A,), pic=supply_with(other_plan(
        1_000, (LOT_B,))))
    assert events[0].total_doses == 500


@pytest.mark.parametrize("doses, accepted", [(1_000, True), (1_010, False)], ids=["whole-lot", "lot+1-vial"])
def test_a_plan_pinned_to_a_lot_still_counts_holdings_of_that_lot(doses, accepted):
    pic = supply_with(other_plan(1_000, (LOT_B,)))
    if accepted:
        assert drafted_events(line("79", doses), plan_id="AP-NEW", lot_ids=(LOT_A,), pic=pic)
    else:
        with pytest.raises(DomainError) as error:
            drafted_events(line("79", doses), plan_id="AP-NEW", lot_ids=(LOT_A,), pic=pic)
        assert (error.value.rule, error.value.field) == ("INV-15", "lines")


@pytest.mark.parametrize("doses, accepted", [(500, True), (510, False)], ids=["exactly-free", "free+1-vial"])
def test_a_plan_pinned_to_the_held_lot_is_charged_for_it(doses, accepted):
    pic = supply_with(other_plan(500, (LOT_A,)))
    attempt = lambda: drafted_events(line("79", doses), plan_id="AP-NEW", lot_ids=(LOT_A,), pic=pic)  # noqa: E731
    if accepted:
        assert attempt()
    else:
        with pytest.raises(DomainError):
            attempt()


@pytest.mark.parametrize("doses, accepted", [(500, True), (510, False)], ids=["spill-fits", "spill+1-vial"])
def test_an_unpinned_holding_spills_onto_a_pinned_lot_only_beyond_the_other_lots(doses, accepted):
    # The other plan holds 1,500 doses of any lot: lot B serves 1,000, so 500 must come from lot A.
    pic = supply_with(other_plan(1_500, ()))
    attempt = lambda: drafted_events(line("79", doses), plan_id="AP-NEW", lot_ids=(LOT_A,), pic=pic)  # noqa: E731
    if accepted:
        assert attempt()
    else:
        with pytest.raises(DomainError):
            attempt()


def test_an_unpinned_plan_counts_every_other_holding_as_before():
    pic = supply_with(other_plan(1_000, (LOT_B,)))
    assert drafted_events(line("79", 1_000), plan_id="AP-NEW", pic=pic)
    with pytest.raises(DomainError):
        drafted_events(line("79", 1_010), plan_id="AP-NEW", pic=pic)


def test_the_flow_serves_each_holding_only_from_its_own_lots():
    supply = {LOT_A: 100, LOT_B: 100, "LOT-C": 100}
    holdings = [Holding(150, frozenset({LOT_A})), Holding(100, frozenset()), Holding(50, frozenset({LOT_B}))]
    assert most_served(holdings, supply) == 250  # A gives 100 of 150; the rest fit
    assert committed_to((LOT_A,), holdings, supply) == 150  # B and C serve 150 of 300: 150 need lot A
    assert committed_to(("LOT-C",), holdings, supply) == 100


# -- four eyes on actor ids as the identity provider defines them -----------------------------------------------

@pytest.mark.parametrize("approver", ["Admin-Anh", "ADMIN-ANH", "admin-anh", " admin-anh"])
def test_the_submitter_in_other_letter_case_cannot_approve(approver):
    Scenario(decide=lambda s, c: plans.approve(s, c, picture()), evolve=plans.evolve,
             initial=plans.AllocationPlan.empty).given(*a_draft_of(), submitted("admin-anh")) \
        .when(plans.Decision(approver, datetime(2021, 8, 2, 10, tzinfo=UTC))) \
        .then_rejects(rule="INV-16", field="actor_id")
