"""Check-in (identity and presence) and observation (INV-29)."""

from __future__ import annotations

from datetime import date, timedelta

from eventkit.testing import Scenario
from services.immunization.domain import events as ev
from services.immunization.domain import session, visit
from services.immunization.domain.reference import PersonRef

from .builders import ADULT, COMMUNE, NOW, at, open_session

DAY = date(2021, 10, 15)
CHECKED_IN = ev.PersonCheckedIn("V-1", "P-1", "SES-1", at(DAY, 8), "QR", True, site_id=COMMUNE.location_id)


def checking_in(person=ADULT, session_state=None):
    state = session_state or open_session(DAY)
    return Scenario(decide=lambda s, c: visit.check_in(s, c, state, person, now=NOW), evolve=visit.evolve,
                    initial=visit.Visit.empty)


def test_a_verified_presence_code_checks_in_an_approved_assigned_person():
    checking_in().when(visit.CheckIn("V-1", "SES-1", "P-1", "QR", at(DAY, 8), True)).then(CHECKED_IN)


def test_without_a_presence_code_an_attributed_override_reason_is_required():
    checking_in().when(visit.CheckIn("V-1", "SES-1", "P-1", "ID_DOCUMENT", at(DAY, 8), False)).then_rejects(
        rule="presence", field="presence_code")
    [event] = visit.check_in(visit.Visit.empty(), visit.CheckIn("V-1", "SES-1", "P-1", "ID_DOCUMENT", at(DAY, 8),
                                                                False, "no smartphone", "vaccinator-9"),
                             open_session(DAY), ADULT, now=NOW)
    assert (event.presence_code_verified, event.presence_override_reason, event.presence_override_by) == (
        False, "no smartphone", "vaccinator-9")


def test_rejects_a_person_who_is_not_approved_or_not_assigned():
    command = visit.CheckIn("V-1", "SES-1", "P-1", "QR", at(DAY, 8), True)
    checking_in(PersonRef("P-1", False, "760", None)).when(command).then_rejects(rule="identity")
    checking_in(PersonRef("P-1", True, "", None)).when(command).then_rejects(rule="identity")
    checking_in(None).when(command).then_rejects(rule="identity")


def test_rejects_a_check_in_at_a_session_that_is_not_open():
    checking_in(session_state=session.Session.empty()).when(
        visit.CheckIn("V-1", "SES-1", "P-1", "QR", at(DAY, 8), True)).then_rejects(rule="session-state")


def observing(dose_at):
    return Scenario(decide=lambda s, c: visit.complete_observation(s, c, dose_at, now=NOW), evolve=visit.evolve,
                    initial=visit.Visit.empty)


def test_rejects_an_observation_completed_10_minutes_after_a_09_00_dose():
    observing([at(DAY, 9)]).given(CHECKED_IN).when(
        visit.CompleteObservation("V-1", at(DAY, 9, 10), "NO_REACTION")).then_rejects(rule="INV-29", field="ended_at")


def test_an_observation_of_30_minutes_completes():
    observing([at(DAY, 9)]).given(CHECKED_IN).when(
        visit.CompleteObservation("V-1", at(DAY, 9, 30), "NO_REACTION")).then(
        ev.ObservationCompleted("V-1", "P-1", at(DAY, 9), at(DAY, 9) + timedelta(minutes=30), "NO_REACTION"))


def test_rejects_an_observation_without_a_dose_at_the_visit():
    observing([]).given(CHECKED_IN).when(visit.CompleteObservation("V-1", at(DAY, 10), "NO_REACTION")).then_rejects(
        rule="INV-29", field="visit_id")
