"""Every immunization event round-trips through its protobuf message unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from eventkit import access
from services.immunization.codec import build_codec
from services.immunization.domain import events as ev

from .builders import given

T = datetime(2021, 10, 15, 2, 30, tzinfo=UTC)
EXAMPLES = [
    ev.SessionOpened("SES-1", "S-1", (ev.StaffMember("v-1", "VACCINATOR"),), T),
    ev.SessionClosed("SES-1", "S-1", (), T),
    ev.PersonCheckedIn("V-1", "P-1", "SES-1", T, "ID_DOCUMENT", False, "no phone", "vaccinator-1", "S-1"),
    ev.ScreeningCompleted("V-1", "P-1", "s-1", ev.Vitals(Decimal("38.2"), 90, 120, 80, 16, 97),
                          (ev.ScreeningAnswer("ACUTE_ILLNESS", "YES"),), 8, "POSTPONED", date(2021, 10, 22),
                          "RECOVERY_FROM_ACUTE_ILLNESS", (), "QD-4355-2021-09-10", T, "SES-1", "S-1"),
    ev.ScreeningCompleted("V-2", "P-2", "s-1", ev.Vitals(), (), None, "ELIGIBLE", None, "", ("MRNA",), "R", T),
    ev.VialOpened("VIAL-1", "S-1", "SES-1", "LOT-1", 10, T, T, "AZ-10", 1),
    ev.VialDiscarded("VIAL-1", T, 7, 3, "EMPTY", "S-1", "LOT-1", "SES-1"),
    ev.VialRegistered("SES-1", "VIAL-1", "S-1", T),
    ev.VialDoseDrawn("VIAL-1", "D-1", "P-1", "V-1", "SES-1", "S-1", "LOT-1", T),
    given(date(2021, 10, 15)),
    ev.DoseNotAdministered("P-1", "V-1", "CONTRAINDICATED", "SES-1", T),
    ev.DoseRecordedHistorical("H-1", "P-1", "210", "ABV", date(2021, 7, 1), "FR", "PAPER_CARD", False, "PRIMARY", 1),
    ev.DoseEnteredInError("D-1", "E-1", "wrong person", "P-1", T),
    ev.DoseCorrected("D-1", "E-1", (ev.FieldChange("body_site", "LEFT_DELTOID", "RIGHT_DELTOID"),), "arm", "P-1", T),
    ev.ObservationCompleted("V-1", "P-1", T, T, "NO_REACTION"),
    ev.AefiReported("A-1", "P-1", ("D-1",), ("LOT-1",), T, ("rash",), True, ("HOSPITALISATION",), "RECOVERED",
                    "HOSPITAL", "officer-1", None, T, ("S-1",)),
    ev.AefiInvestigationOpened("A-1", "DISTRICT", T, T, "officer-1"),
    ev.AefiClassified("A-1", "PROVINCE", T, "A2", "particles", T, ("LOT-1",), True, "council-1"),
    ev.NextDoseRecommended("P-1", "PRIMARY", 2, date(2021, 11, 12), date(2021, 12, 10), None, ("ASTRAZENECA",),
                           "VN-SCHEDULE-2021-10-01", T),
    access.PersonalDataAccessed("officer-760", "district_officer", "CARE", "P-1", "GET /v1/persons/<person_id>/doses"),
]


def test_every_registered_event_type_has_an_example():
    assert {type(e) for e in EXAMPLES} == {*ev.ALL_EVENTS, access.PersonalDataAccessed}
    assert build_codec().type_of(access.PersonalDataAccessed) == "vaxtrail.audit.v1.PersonalDataAccessed"


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_round_trip(event):
    codec = build_codec()
    assert codec.decode(codec.event_type(event), codec.encode(event)) == event
