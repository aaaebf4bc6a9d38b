"""A walk-in registered on the spot at a site is approved there, under the site's standing delegation, and
assigned to the site's district centre in the same decision; anyone else waits for the province."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from eventkit.errors import DomainError
from services.registration.domain import appointments, person, walk_in
from services.registration.domain import events as ev

from .builders import NOW, REFS, register

SITE = "S-79-760-01"
CENTRE_760 = person.DistrictCentre("DHC-79-760", "79", "760", source_event_id="evt-centre-760")
SESSION = appointments.PlannedSession("SES-760-0720", SITE, "DHC-79-760", NOW - timedelta(hours=1),
                                      NOW + timedelta(hours=7), 100)


def walked_in(**overrides) -> person.Person:
    command = register(channel="ON_SITE", registered_by="vaccinator-s1", account_id="", site_id=SITE, **overrides)
    [registered] = person.register(person.Person(), command, REFS, now=NOW - timedelta(minutes=10))
    return person.evolve(person.Person(), registered)


def decide(state: person.Person, session=SESSION, centre=CENTRE_760, now=NOW) -> list:
    return walk_in.approve_walk_in(state, session, centre, "vaccinator-s1", "walk-in", now=now, zone=REFS.zone)


def refused(state: person.Person, **kwargs) -> tuple[str, str]:
    with pytest.raises(DomainError) as caught:
        decide(state, **kwargs)
    return caught.value.rule, caught.value.field


def test_a_walk_in_is_approved_under_the_named_delegation_and_assigned_to_the_sites_centre():
    approved, assigned = decide(walked_in())
    assert approved == ev.RegistrationApproved("P-NGUYEN-THI-LAN", "vaccinator-s1", "79", "walk-in", NOW,
                                               "SITE_WALK_IN_DELEGATION", SITE, "SES-760-0720")
    assert assigned == ev.PersonAssignedToDistrict("P-NGUYEN-THI-LAN", "DHC-79-760", "WALK_IN", "79", "760", NOW,
                                                   "evt-centre-760")
    state = person.evolve(person.evolve(walked_in(), approved), assigned)
    assert (state.status, state.district.district_health_centre_id) == (person.APPROVED, "DHC-79-760")


def test_only_a_registration_made_at_the_sessions_site_is_approved_by_it():
    assert refused(person.evolve(person.Person(), person.register(person.Person(), register(), REFS,
                                                                  now=NOW)[0])) == (walk_in.RULE, "person_id")
    assert refused(walked_in(), session=replace(SESSION, site_id="S-79-760-02")) == (walk_in.RULE, "person_id")


def test_a_walk_in_is_approved_in_the_visit_they_were_registered_in():
    assert refused(walked_in(), now=NOW + timedelta(days=1)) == (walk_in.RULE, "person_id")
    # the same campaign day in Vietnam, though another date in UTC (registered 23:50 UTC = 06:50 ICT)
    late = NOW.replace(hour=23, minute=50) - timedelta(days=1)
    command = register(channel="ON_SITE", registered_by="vaccinator-s1", account_id="", site_id=SITE)
    state = person.evolve(person.Person(), person.register(person.Person(), command, REFS, now=late)[0])
    [approved, _] = decide(state, now=NOW)
    assert approved.delegation_rule == walk_in.SITE_WALK_IN_DELEGATION


def test_a_resident_of_another_province_waits_for_their_own_province():
    hanoi = ev.Address("01", "001", "00001", "1 Tràng Tiền")
    assert refused(walked_in(address=hanoi, national_id="001185000001")) == (walk_in.RULE, "person_id")


def test_an_unknown_session_or_centre_is_refused_naming_the_session():
    assert refused(walked_in(), session=None) == (walk_in.RULE, "session_id")
    assert refused(walked_in(), centre=None) == (walk_in.RULE, "session_id")
    assert refused(walked_in(), centre=replace(CENTRE_760, active=False)) == (walk_in.RULE, "session_id")


def test_a_registration_already_decided_is_not_decided_again():
    state = person.evolve(walked_in(), person.reject(walked_in(), "officer-79", "duplicate", now=NOW))
    assert refused(state) == ("approval-state", "person_id")
