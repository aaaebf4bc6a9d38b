"""INV-20 across visits, at the handler level: a postponement or contraindication from visit 1 refuses a dose
at visit 2 on event-sourced state alone (in-memory store; no ``visit_view``, no read-model query at all)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.testing import InMemoryEventStore
from services.immunization.codec import build_codec
from services.immunization.domain import dose_gate, visit
from services.immunization.domain import events as ev
from services.immunization.handlers.commands import ImmunizationHandlers
from services.immunization.handlers.store import RECORD, SESSION, VISIT, Streams

from .builders import ADULT, COMMUNE, NOW, at, lot, plan, presentation

DAY1 = date(2021, 10, 15)
DAY2 = DAY1 + timedelta(days=3)  # a fever postpones for 7 days: still postponed
STAFF = CommandContext("vaccinator-1", "site_staff")
FEVER = ev.Vitals(Decimal("38.2"), 80, 120, 75, 16)
NORMAL = ev.Vitals(Decimal("36.8"), 78, 120, 75, 16)


class ReferenceFacts:
    """The reference facts of the site, lot and person — and deliberately nothing about earlier visits."""

    def plan(self, session_id: str):
        return plan(DAY1 if session_id == "SES-1" else DAY2, session_id=session_id)

    def site_or_unknown(self, site_id: str):
        return COMMUNE

    def person(self, person_id: str):
        return ADULT

    def positions(self, *projections: str) -> tuple[str, ...]:
        return ()

    def lot_at_site(self, lot_id: str, site):
        return lot("AZ")

    def presentation(self, presentation_id: str, version: int):
        return presentation("AZ")


def seed(streams: Streams, session_id: str, visit_id: str, day: date) -> None:
    """An open session with an AstraZeneca vial and P-1 checked in (appended as events, nothing projected)."""
    p = presentation("AZ")
    opened = [ev.SessionOpened(session_id, COMMUNE.location_id, (), at(day, 7)),
              ev.VialOpened(f"VIAL-{session_id}", COMMUNE.location_id, session_id, lot("AZ").lot_id,
                            p.doses_per_vial, at(day, 8), at(day, 14), p.presentation_id, 1)]
    for kind, aggregate_id, events in (
            (SESSION, session_id, opened),
            (VISIT, visit_id, [ev.PersonCheckedIn(visit_id, "P-1", session_id, at(day, 8, 30), "QR", True,
                                                  site_id=COMMUNE.location_id)])):
        streams.execute_one(kind, aggregate_id, lambda _, e=events: e, STAFF, request_hash=aggregate_id,
                            respond=lambda e: {})


def screen(handlers: ImmunizationHandlers, visit_id: str, day: date, vitals: ev.Vitals, **answers: str) -> dict:
    command = visit.Screen(visit_id, "screener-1", vitals, tuple(ev.ScreeningAnswer(k, v) for k, v in answers.items()),
                           None, at(day, 8, 45))
    return handlers.screen(command, STAFF, request_hash=f"screen-{visit_id}").response


@pytest.fixture
def world():
    streams = Streams(InMemoryEventStore(), build_codec(), "immunization-test")
    seed(streams, "SES-1", "V-1", DAY1)
    seed(streams, "SES-2", "V-2", DAY2)
    return streams, ImmunizationHandlers(streams, ReferenceFacts(), lambda: NOW)


def dose_at_visit_2(handlers: ImmunizationHandlers) -> DomainError:
    command = dose_gate.AdministerDose("D-1", "P-1", "V-2", "VIAL-SES-2", "PRIMARY", 1, at(DAY2, 9), "vaccinator-1")
    with pytest.raises(DomainError) as refused:
        handlers.administer_dose(command, STAFF, request_hash="dose")
    return refused.value


def test_a_person_postponed_at_visit_1_is_refused_at_visit_2_before_the_date_without_any_read_model(world):
    streams, handlers = world
    assert screen(handlers, "V-1", DAY1, FEVER)["postponed_until_date"] == str(DAY1 + timedelta(days=7))
    assert screen(handlers, "V-2", DAY2, NORMAL)["outcome"] == "ELIGIBLE"
    # The postponement went on the person's record in the screening's own append.
    assert streams.load(RECORD, "P-1").state.postponed_until("V-2") == DAY1 + timedelta(days=7)
    refused = dose_at_visit_2(handlers)
    assert (refused.rule, refused.field) == ("INV-20", "administered_at")
    assert streams.load(RECORD, "P-1").state.doses == ()


def test_a_platform_contraindicated_at_visit_1_is_never_given_at_visit_2_without_any_read_model(world):
    streams, handlers = world
    outcome = screen(handlers, "V-1", DAY1, NORMAL, ANAPHYLAXIS_PREVIOUS_DOSE="VIRAL_VECTOR")
    assert outcome["outcome"] == "CONTRAINDICATED"
    assert screen(handlers, "V-2", DAY2, NORMAL)["outcome"] == "ELIGIBLE"
    refused = dose_at_visit_2(handlers)
    assert (refused.rule, refused.field) == ("INV-20", "vial_opening_id")
    assert streams.load(RECORD, "P-1").state.doses == ()


def test_an_eligible_screening_leaves_the_record_alone_and_the_dose_is_given(world):
    streams, handlers = world
    before = len(streams.store.load("P-1"))
    screen(handlers, "V-2", DAY2, NORMAL)
    assert len(streams.store.load("P-1")) == before == 0
    command = dose_gate.AdministerDose("D-1", "P-1", "V-2", "VIAL-SES-2", "PRIMARY", 1, at(DAY2, 9), "vaccinator-1")
    handlers.administer_dose(command, STAFF, request_hash="dose")
    assert [d.dose_id for d in streams.load(RECORD, "P-1").state.doses] == ["D-1"]
