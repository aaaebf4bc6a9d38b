"""Every registration event round-trips through its protobuf message."""

from __future__ import annotations

import pytest

from eventkit import access
from services.registration.codec import REGISTRATION_EVENTS, build_codec
from services.registration.domain import events as ev
from services.registration.domain import person

from .builders import NOW, REFS, register

CODEC = build_codec()
SAMPLES = [
    *person.register(person.Person(), register(priority_group="G1", priority_evidence="hospital roster"), REFS,
                     now=NOW),
    ev.PersonDetailsCorrected("P-1", (ev.FieldChange("phone", "+84912345678", "+84987654321"),), "typo", "", NOW),
    ev.PersonsMerged("P-1", "P-2", "same person", NOW),
    ev.PriorityGroupRevoked("P-1", "G1", "NQ-21-2021", "", "left the hospital", NOW),
    ev.RegistrationApproved("P-1", "officer-79", "79", "", NOW),
    ev.RegistrationApproved("P-2", "vaccinator-s1", "79", "walk-in", NOW, "SITE_WALK_IN_DELEGATION", "S-79-760-01",
                            "SES-1"),
    ev.RegistrationRejected("P-1", "officer-79", "79", "not resident", NOW),
    ev.PersonAssignedToDistrict("P-1", "DHC-79-760", "wave-1", "79", "760", NOW),
    ev.AppointmentScheduled("APT-1", "P-1", "SES-1", "S-1", NOW, NOW, "PRIMARY", 1, NOW, ""),
    ev.AppointmentCancelled("APT-1", "P-1", "SES-1", "S-1", NOW, NOW, "PRIMARY", 1, "ill", NOW),
    ev.NationalIdClaimed("P-1", "CITIZEN_ID", "REGISTRATION", NOW),
    ev.NationalIdReleased("P-1", "CORRECTION", NOW),
    ev.SessionSeatReserved("SES-1", "APT-1", 40, NOW),
    ev.SessionSeatReleased("SES-1", "APT-1", NOW),
    ev.BulkUploadCompleted("U-1", "ORG-VNPT", "ab" * 32, 10, 7, 2, 1, 0, NOW),
    access.PersonalDataAccessed("officer-79", "province_officer", "CARE", "P-1", "GET /v1/persons/<person_id>"),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_event_round_trips(event):
    assert CODEC.decode(CODEC.event_type(event), CODEC.encode(event)) == event


def test_every_registration_event_type_has_a_sample():
    assert {type(e) for e in SAMPLES} >= set(REGISTRATION_EVENTS)


def test_personal_data_accessed_is_eventkits_one_definition_of_audits_message():
    assert CODEC.type_of(access.PersonalDataAccessed) == "vaxtrail.audit.v1.PersonalDataAccessed"
    assert not hasattr(ev, "PersonalDataAccessed")
