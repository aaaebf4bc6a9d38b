"""INV-20 across visits, at the handler level: a postponement or contraindication from visit 1 refuses a dose
at visit 2 on event-sourced state alone (in-memory store; no ``visit_view``, no read-model query at all)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from eventkit.errors import DomainError
from services.immunization.domain import dose_gate, visit
from services.immunization.domain import events as ev
from services.immunization.handlers import RECORD

from .builders import at
from .fakes import STAFF, ReferenceFacts, open_session_with_vial, write_side

DAY1 = date(2021, 10, 15)
DAY2 = DAY1 + timedelta(days=3)  # a fever postpones for 7 days: still postponed
FEVER = ev.Vitals(Decimal("38.2"), 80, 120, 75, 16)
NORMAL = ev.Vitals(Decimal("36.8"), 78, 120, 75, 16)


def screen(bus, visit_id: str, day: date, vitals: ev.Vitals, **answers: str) -> dict:
    command = visit.Screen(visit_id, "screener-1", vitals, tuple(ev.ScreeningAnswer(k, v) for k, v in answers.items()),
                           None, at(day, 8, 45))
    return bus.handle(command, STAFF).response


@pytest.fixture
def bus():
    bus = write_side(ReferenceFacts({"SES-1": DAY1, "SES-2": DAY2}))
    open_session_with_vial(bus, "SES-1", "V-1", DAY1)
    open_session_with_vial(bus, "SES-2", "V-2", DAY2)
    return bus


def record_of(bus, person_id: str = "P-1"):
    return bus.es.load(RECORD, person_id)[0]


def dose_at_visit_2(bus) -> DomainError:
    command = dose_gate.AdministerDose("D-1", "", "V-2", "VIAL-SES-2", "PRIMARY", 1, at(DAY2, 9), "vaccinator-1")
    with pytest.raises(DomainError) as refused:
        bus.handle(command, STAFF)
    return refused.value


def test_a_person_postponed_at_visit_1_is_refused_at_visit_2_before_the_date_without_any_read_model(bus):
    assert screen(bus, "V-1", DAY1, FEVER)["postponed_until_date"] == str(DAY1 + timedelta(days=7))
    assert screen(bus, "V-2", DAY2, NORMAL)["outcome"] == "ELIGIBLE"
    # The postponement went on the person's record in the screening's own append.
    assert record_of(bus).postponed_until("V-2") == DAY1 + timedelta(days=7)
    refused = dose_at_visit_2(bus)
    assert (refused.rule, refused.field) == ("INV-20", "administered_at")
    assert record_of(bus).doses == ()


def test_a_platform_contraindicated_at_visit_1_is_never_given_at_visit_2_without_any_read_model(bus):
    outcome = screen(bus, "V-1", DAY1, NORMAL, ANAPHYLAXIS_PREVIOUS_DOSE="VIRAL_VECTOR")
    assert outcome["outcome"] == "CONTRAINDICATED"
    assert screen(bus, "V-2", DAY2, NORMAL)["outcome"] == "ELIGIBLE"
    refused = dose_at_visit_2(bus)
    assert (refused.rule, refused.field) == ("INV-20", "vial_opening_id")
    assert record_of(bus).doses == ()


def test_an_eligible_screening_leaves_the_record_alone_and_the_dose_is_given(bus):
    screen(bus, "V-2", DAY2, NORMAL)
    assert bus.es.store.load("P-1") == []
    command = dose_gate.AdministerDose("D-1", "", "V-2", "VIAL-SES-2", "PRIMARY", 1, at(DAY2, 9), "vaccinator-1")
    bus.handle(command, STAFF)
    assert [d.dose_id for d in record_of(bus).doses] == ["D-1"]
