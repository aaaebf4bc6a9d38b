"""The lot review an AEFI classified A2 (vaccine quality defect) opens: a national suspension naming the AEFI,
ended by the ordinary release / recall decisions; once per classification and lot."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from eventkit.testing import Scenario
from services.inventory.domain import lots
from services.inventory.handlers.aggregates import LOT

from .builders import NOW, World, lot

REVIEW = lots.OpenLotReview("ABV5300", "AEFI-7", "A2")
SUSPENDED_FOR_REVIEW = lots.LotSuspended("ABV5300", "NATIONAL", "",
                                         "lot review: AEFI AEFI-7 classified A2 (vaccine quality defect)",
                                         "AEFI-LOT-REVIEW", "AEFI:AEFI-7", NOW)


def reviewing() -> Scenario:
    return Scenario(decide=lambda state, command: lots.open_lot_review(state, command, now=NOW),
                    evolve=lots.evolve_lot, initial=lots.Lot.empty)


def test_an_a2_classification_suspends_a_released_lot_nationally_naming_the_aefi():
    reviewing().given(lot().registered).when(REVIEW).then(SUSPENDED_FOR_REVIEW)


def test_a_lot_already_suspended_or_recalled_nationally_gets_no_second_decision():
    for state in (lots.LotSuspended, lots.LotRecalled):
        standing = state("ABV5300", "NATIONAL", "", "signal", "MOH", "MOH-1", NOW - timedelta(days=1))
        reviewing().given(lot().registered, standing).when(REVIEW).then()


def test_a_lot_suspended_only_in_a_province_is_still_suspended_nationally():
    provincial = lots.LotSuspended("ABV5300", "PROVINCE", "79", "signal", "MOH", "MOH-1", NOW - timedelta(days=1))
    reviewing().given(lot().registered, provincial).when(REVIEW).then(SUSPENDED_FOR_REVIEW)


def test_an_unknown_lot_has_nothing_to_suspend():
    reviewing().when(REVIEW).then()


def test_the_review_is_never_dated_before_the_latest_national_decision():
    later = NOW + timedelta(hours=1)
    released = lots.LotReleased("ABV5300", "NATIONAL", "", "cleared", "MOH", "MOH-2", later)
    [suspended] = reviewing().given(lot().registered, replace(released, decided_at=NOW - timedelta(days=2)),
                                    released).when(REVIEW).then(replace(SUSPENDED_FOR_REVIEW, decided_at=later))
    assert suspended.decided_at == later


def test_a_release_ends_the_review_through_the_ordinary_decision():
    reviewed = lots.evolve_lot(lot(), SUSPENDED_FOR_REVIEW)
    release = lots.ChangeLotStatus("release", "ABV5300", "NATIONAL", "", "lot cleared by NICVB", "MOH", "MOH-9", NOW)
    [released] = lots.change_lot_status(reviewed, release, now=NOW)
    assert lots.evolve_lot(reviewed, released).status() == lots.RELEASED


def test_the_same_review_retried_with_its_key_appends_once():
    world = World()
    world.seed()
    key = "lot-review|0f6b3c1e-0000-4000-8000-000000000001|ABV5300"
    first = world.handle(REVIEW, key)
    before = world.count()
    again = world.handle(REVIEW, key)
    assert len(first.events) == 1 and again.replayed and world.count() == before
    state, _ = world.es.load(LOT, lots.lot_aggregate_id("ABV5300"))
    assert state.status() == lots.SUSPENDED
