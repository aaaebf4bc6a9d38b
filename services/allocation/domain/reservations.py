"""Second-dose reserves: doses held back at a store for the second doses of a unit's first-dose cohort.

One reserve per (holding store, unit, presentation). ``recompute`` sets it to what the cohort still needs:
first doses given - second doses given - second doses already allocated to the unit, never below zero. It
emits the difference (``DosesReservedForSecondDose`` when the need grew, ``ReservationReleased`` when it
shrank) and nothing when it is unchanged. Plans from the holding store cannot use the reserve for first
doses (INV-18, checked by :func:`services.allocation.domain.plans.check_stock`).

Reserves follow the doses (issue 17): each PRIMARY first or second dose given, or entered in error, recomputes
the reserves of its unit and product (:func:`to_follow`) - by the reserve worker, not only on request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


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
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class Reserve:
    reservation_id: str = ""
    doses: int = 0
    held_at_location_id: str = ""
    presentation_id: str = ""
    unit_id: str = ""
    cohort: str = ""

    @classmethod
    def empty(cls) -> Reserve:
        return cls()


def evolve(state: Reserve, event: object) -> Reserve:
    if isinstance(event, DosesReservedForSecondDose | ReservationReleased):
        delta = event.doses if isinstance(event, DosesReservedForSecondDose) else -event.doses
        return Reserve(event.reservation_id, state.doses + delta, event.held_at_location_id, event.presentation_id,
                       event.unit_id, event.cohort)
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


def to_follow(reserves: Iterable[Reserve], unit_id: str, presentation_id: str,
              series_doses: int) -> list[tuple[str | None, str]]:
    """The reserves a dose of ``presentation_id`` given in ``unit_id`` changes, as (holding store, cohort): every
    reserve of that unit and product wherever it is held, or - when it has none yet - the national store's (the
    default of ``POST /v1/second-dose-reserves``; ``None`` = the national store). None for a one-dose product."""
    if series_doses < 2:
        return []
    held = sorted((r.held_at_location_id, r.cohort) for r in reserves
                  if r.unit_id == unit_id and r.presentation_id == presentation_id)
    return held or [(None, "")]
