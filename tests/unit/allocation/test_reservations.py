"""Second-dose reserves follow first doses given minus second doses given or already allocated (INV-18)."""

from __future__ import annotations

from datetime import UTC, datetime

from eventkit.testing import Scenario
from services.allocation.domain import reservations

NOW = datetime(2021, 8, 2, 9, 0, tzinfo=UTC)
RID = "reserve:NAT-EPI:79:MODERNA-10"


def command(first: int, second: int, allocated: int = 0, series_doses: int = 2):
    return reservations.RecomputeReserve("NAT-EPI", "79", "MODERNA-10", "2021-08 wave 3", first, second, allocated,
                                         series_doses)


def scenario() -> Scenario:
    return Scenario(decide=lambda s, c: reservations.recompute(s, c, NOW), evolve=reservations.evolve,
                    initial=reservations.Reserve.empty)


def reserved(doses: int, first: int, second: int):
    return reservations.DosesReservedForSecondDose(RID, "79", "MODERNA-10", doses, "2021-08 wave 3", "NAT-EPI",
                                                   first, second, NOW)


def test_reserves_what_first_doses_given_still_need():
    scenario().when(command(25_000, 5_000, 4_000)).then(reserved(16_000, 25_000, 5_000))


def test_releases_the_part_no_longer_needed_once_second_doses_are_given():
    scenario().given(reserved(16_000, 25_000, 5_000)).when(command(25_000, 20_000)).then(
        reservations.ReservationReleased(RID, "79", "MODERNA-10", 11_000, "2021-08 wave 3", "NAT-EPI", 25_000,
                                         20_000, NOW))


def test_an_unchanged_need_records_nothing():
    scenario().given(reserved(16_000, 25_000, 5_000)).when(command(25_000, 5_000, 4_000)).then()


def test_a_single_dose_product_has_nothing_to_reserve():
    scenario().when(command(100, 0, series_doses=1)).then_rejects(rule="INV-18", field="presentation_id")


def held(store: str, unit: str = "79", presentation: str = "MODERNA-10", cohort: str = "wave 3"):
    return reservations.evolve(reservations.Reserve.empty(), reservations.DosesReservedForSecondDose(
        reservations.reservation_id(store, unit, presentation), unit, presentation, 10, cohort, store, 10, 0, NOW))


def test_a_dose_recomputes_every_reserve_of_its_unit_and_product_wherever_it_is_held():
    reserves = [held("NAT-EPI"), held("CDC-79", cohort="wave 4"), held("NAT-EPI", unit="01"),
                held("NAT-EPI", presentation="PFIZER-6")]
    assert reservations.to_follow(reserves, "79", "MODERNA-10", 2) == [("CDC-79", "wave 4"), ("NAT-EPI", "wave 3")]


def test_a_dose_of_a_unit_without_a_reserve_opens_the_national_stores():
    assert reservations.to_follow([held("NAT-EPI", unit="01")], "79", "MODERNA-10", 2) == [(None, "")]


def test_a_one_dose_product_keeps_no_reserve():
    assert reservations.to_follow([], "79", "JANSSEN-5", 1) == []
