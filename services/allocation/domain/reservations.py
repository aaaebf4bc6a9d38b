"""Second-dose reserves: doses held back at a store for the second doses of a unit's first-dose cohort.

One reserve per (holding store, unit, presentation). ``recompute`` sets it to what the cohort still needs:
first doses given - second doses given - second doses already allocated to the unit, never below zero. It
emits the difference (``DosesReservedForSecondDose`` when the need grew, ``ReservationReleased`` when it
shrank) and nothing when it is unchanged. Plans from the holding store cannot use the reserve for first
doses (INV-18, checked by :func:`services.allocation.domain.plans.check_stock`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DomainError


def reservation_id(held_at_location_id: str, unit_id: str, presentation_id: str) -> str:
    return f"reserve:{held_at_location_id}:{unit_id}:{presentation_id}"


@dataclass(frozen=True)
class DosesReservedForSecondDose:
    reservation_id: str
    unit_id: str
    presentation_id: str
    doses: int
    cohort: str
    held_at_location_id: str
    first_doses_given: int
    second_doses_given: int
    occurred_at: datetime


@dataclass(frozen=True)
class ReservationReleased:
    reservation_id: str
    unit_id: str
    presentation_id: str
    doses: int
    cohort: str
    held_at_location_id: str
    first_doses_given: int
    second_doses_given: int
    occurred_at: datetime


@dataclass(frozen=True)
class Reserve:
    reservation_id: str = ""
    doses: int = 0

    @classmethod
    def empty(cls) -> Reserve:
        return cls()


def evolve(state: Reserve, event: object) -> Reserve:
    if isinstance(event, DosesReservedForSecondDose):
        return replace(state, reservation_id=event.reservation_id, doses=state.doses + event.doses)
    if isinstance(event, ReservationReleased):
        return replace(state, reservation_id=event.reservation_id, doses=state.doses - event.doses)
    raise TypeError(f"Reserve cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class RecomputeReserve:
    held_at_location_id: str
    unit_id: str
    presentation_id: str
    cohort: str
    first_doses_given: int
    second_doses_given: int
    second_doses_allocated: int
    series_doses: int


def recompute(state: Reserve, command: RecomputeReserve, now: datetime) -> list:
    if command.series_doses < 2:
        raise DomainError(f"{command.presentation_id} completes its series in one dose; nothing to reserve",
                          field="presentation_id", rule="INV-18")
    need = max(0, command.first_doses_given - command.second_doses_given - command.second_doses_allocated)
    delta = need - state.doses
    rid = reservation_id(command.held_at_location_id, command.unit_id, command.presentation_id)
    fields = (rid, command.unit_id, command.presentation_id, abs(delta), command.cohort,
              command.held_at_location_id, command.first_doses_given, command.second_doses_given, now)
    if delta > 0:
        return [DosesReservedForSecondDose(*fields)]
    if delta < 0:
        return [ReservationReleased(*fields)]
    return []
