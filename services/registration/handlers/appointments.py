"""Handlers for appointments: book, cancel, reschedule.

The appointment lives in the person's stream and the capacity in the session's seat ledger
(``session-seats/<session>``); both are loaded in the transaction, so two people racing for the last seat
cannot both get it (one append conflicts: 409 INV-37), and a reschedule moves the seat atomically.
"""

from __future__ import annotations

from eventkit.aggregates import Reply, Transaction
from eventkit.errors import DomainError
from services.registration.domain import appointments
from services.registration.domain.commands import (
    CancelAppointment,
    RescheduleAppointment,
    ScheduleAppointment,
)
from services.registration.handlers.base import PERSON, SEATS, Deps, load_person, person_reply, seats_id


def schedule_appointment(tx: Transaction, command: ScheduleAppointment, deps: Deps) -> Reply:
    state = load_person(tx, command.person_id)
    seats = tx.load(SEATS, seats_id(command.session_id))
    booked, reserved = appointments.schedule(state, seats, deps.planned_session(command.session_id),
                                             command.appointment_id, command.series, command.dose_number,
                                             now=deps.clock())
    tx.append(PERSON, command.person_id, [booked])
    tx.append(SEATS, seats_id(command.session_id), [reserved])
    return person_reply(command.person_id, appointment_id=booked.appointment_id)


def cancel_appointment(tx: Transaction, command: CancelAppointment, deps: Deps) -> Reply:
    cancelled, released = appointments.cancel(load_person(tx, command.person_id), command.reason, now=deps.clock())
    tx.append(PERSON, command.person_id, [cancelled])
    tx.append(SEATS, seats_id(cancelled.session_id), [released])
    return person_reply(command.person_id, appointment_id=cancelled.appointment_id)


def reschedule_appointment(tx: Transaction, command: RescheduleAppointment, deps: Deps) -> Reply:
    state, now = load_person(tx, command.person_id), deps.clock()
    cancelled, released = appointments.cancel(state, command.reason, now=now)
    if cancelled.session_id == command.session_id:
        raise DomainError("the appointment is already in this session", field="session_id",
                          rule="appointment-active")
    seats = tx.load(SEATS, seats_id(command.session_id))
    booked, reserved = appointments.schedule(
        state, seats, deps.planned_session(command.session_id), command.appointment_id, cancelled.series,
        cancelled.dose_number, now=now, replacing=cancelled.appointment_id)
    tx.append(PERSON, command.person_id, [cancelled, booked])
    tx.append(SEATS, seats_id(cancelled.session_id), [released])
    tx.append(SEATS, seats_id(command.session_id), [reserved])
    return person_reply(command.person_id, appointment_id=booked.appointment_id)
