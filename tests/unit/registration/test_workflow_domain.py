"""Priority groups from the versioned catalogue (INV-31), approval, district assignment and appointments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from eventkit.errors import DomainError
from services.registration.domain import appointments, person
from services.registration.domain import events as ev

from .builders import NOW, REFS, register

CATALOGUES = REFS.catalogues
CENTRE_760 = person.DistrictCentre("DHC-79-760", "79", "760")


def a_person(**overrides) -> person.Person:
    return person.evolve(person.Person(), person.register(person.Person(), register(**overrides), REFS, now=NOW)[0])


def approved_and_assigned() -> person.Person:
    state = person.evolve(a_person(), person.approve(a_person(), "officer-79", "", now=NOW))
    return person.evolve(state, person.assign_district(state, CENTRE_760, "", now=NOW))


def test_both_2021_catalogues_are_versioned_by_effective_date():
    assert (CATALOGUES.active(date(2021, 2, 15)).version, len(CATALOGUES.active(date(2021, 2, 15)).groups)) == \
        ("QD-1210-2021", 11)
    assert (CATALOGUES.active(date(2021, 7, 1)).version, len(CATALOGUES.active(date(2021, 7, 1)).groups)) == \
        ("NQ-21-2021", 9)


def test_assigns_a_group_of_the_catalogue_in_force_with_evidence():
    event = person.decide_group(a_person(), "G4", None, "school letter 2021/15", date(2021, 7, 1), CATALOGUES, now=NOW)
    assert (event.group_code, event.catalogue_version, event.evidence) == ("G4", "NQ-21-2021", "school letter 2021/15")


@pytest.mark.parametrize("code, version, evidence, day, field", [
    ("G12", None, "letter", date(2021, 7, 1), "group_code"),               # G12 in a 9-group catalogue
    ("G10", None, "letter", date(2021, 7, 1), "group_code"),               # G10 only existed under 1210
    ("G1", "QD-1210-2021", "letter", date(2021, 7, 1), "catalogue_version"),  # not the version in force
    ("G1", None, " ", date(2021, 7, 1), "evidence"),
    ("G1", None, "letter", date(2021, 8, 1), "effective_date"),            # after NOW: future
])
def test_rejects_groups_outside_the_active_catalogue_under_inv_31(code, version, evidence, day, field):
    with pytest.raises(DomainError) as caught:
        person.decide_group(a_person(), code, version, evidence, day, CATALOGUES, now=NOW)
    assert (caught.value.rule, caught.value.field) == ("INV-31", field)


def test_an_eleven_group_code_is_valid_on_a_date_when_decision_1210_was_in_force():
    event = person.decide_group(a_person(), "G10", None, "outbreak area list", date(2021, 2, 20), CATALOGUES, now=NOW)
    assert event.catalogue_version == "QD-1210-2021"


def test_a_registration_is_decided_once_and_a_rejection_needs_a_reason():
    state = a_person()
    approved = person.evolve(state, person.approve(state, "officer-79", "", now=NOW))
    with pytest.raises(DomainError, match="already decided"):
        person.reject(approved, "officer-79", "duplicate", now=NOW)
    with pytest.raises(DomainError) as caught:
        person.reject(state, "officer-79", "", now=NOW)
    assert caught.value.field == "reason"


def test_district_assignment_needs_approval_and_a_centre_of_the_same_province():
    with pytest.raises(DomainError, match="approved"):
        person.assign_district(a_person(), CENTRE_760, "", now=NOW)
    state = person.evolve(a_person(), person.approve(a_person(), "officer-79", "", now=NOW))
    with pytest.raises(DomainError) as caught:
        person.assign_district(state, person.DistrictCentre("DHC-01-001", "01", "001"), "", now=NOW)
    assert caught.value.field == "district_health_centre_id"
    assert person.assign_district(state, CENTRE_760, "wave-3", now=NOW).district_code == "760"


def session(capacity: int = 2, centre: str = "DHC-79-760") -> appointments.PlannedSession:
    start = NOW + timedelta(days=2)
    return appointments.PlannedSession("SES-760-0722", "S-79-760-01", centre, start, start + timedelta(hours=4),
                                       capacity, "PRIMARY", (1,))


def test_books_a_seat_and_refuses_a_full_session():
    state = approved_and_assigned()
    booked, seat = appointments.schedule(state, appointments.SessionSeats(), session(), "APT-1", "PRIMARY", 1, now=NOW)
    assert (booked.session_id, seat.appointment_id, seat.capacity) == ("SES-760-0722", "APT-1", 2)
    full = appointments.SessionSeats("SES-760-0722", frozenset({"APT-A", "APT-B"}))
    with pytest.raises(DomainError) as caught:
        appointments.schedule(state, full, session(), "APT-2", "PRIMARY", 1, now=NOW)
    assert (caught.value.rule, caught.value.field) == ("session-capacity", "session_id")


def test_refuses_sessions_of_another_centre_past_sessions_and_a_second_active_appointment():
    state = approved_and_assigned()
    seats = appointments.SessionSeats()
    with pytest.raises(DomainError, match="another district"):
        appointments.schedule(state, seats, session(centre="DHC-79-761"), "APT-1", "PRIMARY", 1, now=NOW)
    with pytest.raises(DomainError, match="started"):
        appointments.schedule(state, seats, replace(session(), starts_at=NOW), "APT-1", "PRIMARY", 1, now=NOW)
    booked, _ = appointments.schedule(state, seats, session(), "APT-1", "PRIMARY", 1, now=NOW)
    with pytest.raises(DomainError, match="reschedule"):
        appointments.schedule(person.evolve(state, booked), seats, session(), "APT-2", "PRIMARY", 1, now=NOW)


def test_cancelling_gives_the_seat_back():
    state = approved_and_assigned()
    booked, seat = appointments.schedule(state, appointments.SessionSeats(), session(), "APT-1", "PRIMARY", 1, now=NOW)
    cancelled, released = appointments.cancel(person.evolve(state, booked), "travelling", now=NOW)
    seats = appointments.evolve_seats(appointments.evolve_seats(appointments.SessionSeats(), seat), released)
    assert cancelled.appointment_id == "APT-1" and seats.reserved == frozenset()
    assert person.evolve(person.evolve(state, booked), cancelled).appointment is None


def test_a_registration_with_a_group_assigns_it_in_the_same_decision():
    produced = person.register(person.Person(), register(priority_group="G4", priority_evidence="staff list"),
                               REFS, now=NOW)
    assert [type(e) for e in produced] == [ev.PersonRegistered, ev.PriorityGroupAssigned]
