"""Readable test data for the registration unit tests: reference data, valid IDs and commands."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.testing import InMemoryEventStore
from services.registration import bootstrap
from services.registration.bootstrap import load_references
from services.registration.codec import build_codec
from services.registration.domain import events as ev
from services.registration.domain.commands import RegisterPerson
from services.registration.domain.validation import citizen_id_century_digit
from services.registration.handlers import Deps

REFS = load_references()
NOW = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)
IDENTITY_KEY = b"k" * 32


def citizen_id(province: str = "79", sex: str = "FEMALE", born: date = date(1985, 3, 14), serial: int = 1) -> str:
    """A well-formed 12-digit citizen ID: 0 + province, sex/century digit, birth year, serial."""
    return f"0{province}{citizen_id_century_digit(sex, born)}{born:%y}{serial:06d}"


def register(person_id: str = "P-NGUYEN-THI-LAN", **overrides) -> RegisterPerson:
    fields = dict(
        person_id=person_id, national_id_kind="CITIZEN_ID", national_id=citizen_id(), full_name="Nguyễn Thị Lan",
        date_of_birth=date(1985, 3, 14), sex="FEMALE", address=ev.Address("79", "760", "26743", "12 Lê Lợi"),
        channel="APP", registered_by="citizen-lan", phone="0912345678", account_id="citizen-lan",
        relationship="SELF")
    fields.update(overrides)
    return RegisterPerson(**fields)


def bus(store=None, *, centres=(), sessions=(), clock=lambda: NOW) -> CommandBus:
    """The registration command bus as bootstrap builds it, over the in-memory store and fake read models."""
    centres_by_id = {c.location_id: c for c in centres}
    sessions_by_id = {s.session_id: s for s in sessions}
    deps = Deps(REFS, IDENTITY_KEY, district_centre=centres_by_id.get, planned_session=sessions_by_id.get,
                clock=clock)
    return bootstrap.bus(EventSourcing(store or InMemoryEventStore(), build_codec(), producer="registration/test"),
                         deps)
