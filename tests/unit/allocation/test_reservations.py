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
