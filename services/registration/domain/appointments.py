"""Appointments: a person's slot in a planned session, within the session's capacity.

The appointment lives in the person's stream (one active appointment per person, checked on the person's
version); the capacity lives in a per-session seat ledger (aggregate ``session-seats/<session_id>``), so two
people racing for the last seat cannot both get it. Sessions come from allocation's ``SessionPlanned``
(local read model) and are passed in as :class:`PlannedSession`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DomainError
from services.registration.domain import events as ev
from services.registration.domain.person import APPROVED, Person, require_active

SERIES = ("PRIMARY", "ADDITIONAL", "BOOSTER")


@dataclass(frozen=True)
class PlannedSession:
    session_id: str
    site_id: str
    district_health_centre_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    target_series: str = ""
    target_dose_numbers: tuple[int, ...] = ()
    source_event_id: str = ""


@dataclass(frozen=True)
class SessionSeats:
    session_id: str = ""
    reserved: frozenset[str] = frozenset()

    @classmethod
    def empty(cls) -> SessionSeats:
        return cls()


def evolve_seats(state: SessionSeats, event: object) -> SessionSeats:
    if isinstance(event, ev.SessionSeatReserved):
        return replace(state, session_id=event.session_id, reserved=state.reserved | {event.appointment_id})
    if isinstance(event, ev.SessionSeatReleased):
        return replace(state, reserved=state.reserved - {event.appointment_id})
    raise TypeError(f"SessionSeats cannot apply {type(event).__name__}")


def schedule(person: Person, seats: SessionSeats, session: PlannedSession | None, appointment_id: str,
             series: str, dose_number: int, *, now: datetime, replacing: str = "") -> tuple[object, object]:
    """(AppointmentScheduled for the person, SessionSeatReserved for the session)."""
    require_active(person)
    if person.status != APPROVED or person.district is None:
        raise DomainError("only an approved person assigned to a district gets an appointment", field="person_id",
                          rule="approval-state")
    if person.appointment is not None and not replacing:
        raise DomainError(f"person already has appointment {person.appointment.appointment_id}; reschedule it",
                          field="person_id", rule="appointment-active")
    if session is None:
        raise DomainError("no such planned session", field="session_id", rule="session-planned")
    if session.district_health_centre_id != person.district.district_health_centre_id:
        raise DomainError("the session belongs to another district health centre", field="session_id",
                          rule="session-district")
    if session.starts_at <= now:
        raise DomainError("the session has already started", field="session_id", rule="session-planned")
    if series not in SERIES or dose_number < 1:
        raise DomainError("series is PRIMARY, ADDITIONAL or BOOSTER with a dose number >= 1", field="series",
                          rule="appointment-series")
    if (session.target_series and session.target_series != series) or (
            session.target_dose_numbers and dose_number not in session.target_dose_numbers):
        raise DomainError("the session does not give this series / dose", field="series", rule="appointment-series")
    if len(seats.reserved) >= session.capacity:
        raise DomainError(f"session {session.session_id} is full ({session.capacity} seats)", field="session_id",
                          rule="session-capacity")
    return (
        ev.AppointmentScheduled(appointment_id, person.person_id, session.session_id, session.site_id,
                                session.starts_at, session.ends_at, series, dose_number, now, replacing,
                                session.source_event_id),
        ev.SessionSeatReserved(session.session_id, appointment_id, session.capacity, now),
    )


def cancel(person: Person, reason: str, *, now: datetime) -> tuple[ev.AppointmentCancelled, ev.SessionSeatReleased]:
    require_active(person)
    booked = person.appointment
    if booked is None:
        raise DomainError("the person has no appointment", field="person_id", rule="appointment-active")
    if not reason.strip():
        raise DomainError("a cancellation needs a reason", field="reason", rule="appointment-reason")
    return (
        ev.AppointmentCancelled(booked.appointment_id, person.person_id, booked.session_id, booked.site_id,
                                booked.slot_start, booked.slot_end, booked.series, booked.dose_number,
                                reason.strip(), now),
        ev.SessionSeatReleased(booked.session_id, booked.appointment_id, now),
    )
