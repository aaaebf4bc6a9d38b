"""The write side as bootstrap builds it, on an in-memory store, with reference facts from ``builders``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from eventkit.aggregates import AggregateSpec, EventSourcing
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.testing import InMemoryEventStore
from services.immunization import bootstrap
from services.immunization.codec import build_codec
from services.immunization.domain import events as ev
from services.immunization.domain.reference import PersonRef, Site
from services.immunization.handlers import REGISTER, SESSION, VIAL, VISIT, Deps

from .builders import ADULT, COMMUNE, NOW, at, lot, plan, presentation

STAFF = CommandContext("vaccinator-1", "vaccinator")


class ReferenceFacts:
    """The reference facts of one commune site, one AstraZeneca lot and person P-1 — and deliberately nothing
    about earlier visits (those are on the person's record). ``days`` maps a session id to its day."""

    def __init__(self, days: dict[str, date], people: dict[str, PersonRef] | None = None, site: Site = COMMUNE):
        self.days, self.people, self.site = days, people if people is not None else {"P-1": ADULT}, site

    def plan(self, session_id: str):
        day = self.days.get(session_id)
        return plan(day, self.site, session_id=session_id) if day else None

    def site_or_unknown(self, site_id: str):
        return self.site

    def person(self, person_id: str):
        return self.people.get(person_id)

    def positions(self, *projections: str) -> tuple[str, ...]:
        return ()

    def lot_at_site(self, lot_id: str, site):
        return lot("AZ")

    def presentation(self, presentation_id: str, version: int):
        return presentation("AZ")

    def person_from_qr(self, token: str) -> str | None:
        return token.removeprefix("QR-") if token.startswith("QR-") else None

    def person_from_document(self, kind: str, number: str) -> str | None:
        return None

    def presence_code(self, person_id: str, session_id: str) -> str:
        return "123456"

    def qr_token(self, person_id: str) -> str:
        return f"QR-{person_id}"


def write_side(facts: ReferenceFacts, clock: Callable[[], datetime] = lambda: NOW) -> CommandBus:
    """The bus as ``bootstrap.bus`` builds it: the real COMMANDS table on an in-memory store."""
    es = EventSourcing(InMemoryEventStore(), build_codec(), producer="immunization/test")
    return bootstrap.bus(es, Deps(facts, clock))


def given(bus: CommandBus, spec: AggregateSpec, aggregate_id: str, *events) -> None:
    """Events already on a stream (appended as they are, nothing decided or projected)."""
    bus.es.execute(STAFF, lambda tx: tx.append(spec, aggregate_id, list(events)) and None)


def open_session_with_vial(bus: CommandBus, session_id: str, visit_id: str, day: date, person_id: str = "P-1"):
    """An open session with an AstraZeneca vial ``VIAL-<session>`` (its own stream, in the session's register)
    and ``person_id`` checked in."""
    p = presentation("AZ")
    vial_id = f"VIAL-{session_id}"
    given(bus, SESSION, session_id, ev.SessionOpened(session_id, COMMUNE.location_id, (), at(day, 7)))
    given(bus, VIAL, vial_id, ev.VialOpened(vial_id, COMMUNE.location_id, session_id, lot("AZ").lot_id,
                                            p.doses_per_vial, at(day, 8), at(day, 14), p.presentation_id, 1))
    given(bus, REGISTER, f"{session_id}/vials", ev.VialRegistered(session_id, vial_id, COMMUNE.location_id,
                                                                  at(day, 8)))
    given(bus, VISIT, visit_id, ev.PersonCheckedIn(visit_id, person_id, session_id, at(day, 8, 30), "QR", True,
                                                   site_id=COMMUNE.location_id))
