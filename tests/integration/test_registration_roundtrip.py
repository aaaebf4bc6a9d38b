"""Whatever registration's store accepts, every projection that consumes its topic can apply (issue 9).

One case per event type registration's codec registers (PersonalDataAccessed included): hypothesis builds
events within what the API's field types let through (``overrides`` bound the integers and shape the
corrections exactly as the request models and domain do), and each is applied, through a Kafka record, by
every projection of EVERY service that consumes ``vaxtrail.registration.v1`` - found through each service's
``bootstrap.WIRING.projections`` (never built by hand: the other services change on their own branches) and
each against its own service's migrated database.
"""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import strategies as st

from eventkit import access, db
from eventkit.projections import Projection
from eventkit.settings import Settings
from eventkit.topics import event_topic
from services.registration.codec import REGISTRATION_EVENTS, build_codec
from services.registration.domain import events as ev
from services.registration.domain.person import CORRECTABLE

from .roundtrip import DAYS, IDS, TEXT, check_every_projection_applies

TOPIC = event_topic("registration")
CODEC = build_codec()
SERVICES = sorted(p.parent.name for p in (Path(__file__).parents[2] / "services").glob("*/bootstrap.py"))
COUNT = st.integers(0, 2**31 - 1)
# Reasons are eventkit Text (tab and line breaks allowed), up to 500 characters.
REASONS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")) | st.sampled_from("\t\n\r"),
                  max_size=500)


def corrected_value(field: str) -> st.SearchStrategy[str]:
    """A corrected value as ``person.correct`` stores it (re-validated and normalised like a registration)."""
    if field == "date_of_birth":
        return DAYS.map(date.isoformat)
    if field == "date_of_birth_estimated":
        return st.sampled_from(["true", "false"])
    return TEXT


FIELD_CHANGES = st.sampled_from(CORRECTABLE).flatmap(
    lambda field: st.builds(ev.FieldChange, st.just(field), corrected_value(field), corrected_value(field)))

OVERRIDES = {
    "changes": FIELD_CHANGES,                   # each item of PersonDetailsCorrected.changes
    "reason": REASONS,
    "dose_number": st.integers(1, 10),          # AppointmentRequest.dose_number: Quantity, at most 10
    "capacity": st.integers(1, 2**31 - 1),      # a planned session's persons (allocation's Quantity)
    "upload_line": COUNT,                       # a CSV line number
    # person.merge refuses a person merged into itself: the two ids of a PersonsMerged always differ
    "surviving_person_id": IDS.map(lambda i: f"S-{i}"),
    "merged_person_id": IDS.map(lambda i: f"M-{i}"),
    **{name: COUNT for name in ("rows", "registered", "invalid", "duplicates_in_file", "already_registered")},
}  # every other field takes the harness's widest strategy (any printable text, 1900-2099, int32)

_BORN = ev.PersonRegistered(
    "P-1", "079185000001", "CITIZEN_ID", "Nguyễn Thị Lan", date(1985, 3, 14), False, "FEMALE", "+84912345678",
    ev.Address("79", "760", "26743", "12 Lê Lợi"), "", "APP", "citizen-lan", "ACTOR", "VN", "citizen-lan", "SELF",
    "", 0, datetime(2021, 7, 20, tzinfo=UTC))


def history(event) -> list:
    """What Kafka delivers before ``event`` for the same person: the registration (and, for a revocation or a
    cancellation, what it undoes), so handlers that update existing rows are exercised too."""
    if isinstance(event, ev.PersonRegistered):
        return []
    people = [getattr(event, name) for name in ("person_id", "surviving_person_id", "merged_person_id")
              if hasattr(event, name)]
    earlier = [dataclasses.replace(_BORN, person_id=p, registered_at=event.occurred_at) for p in people]
    if isinstance(event, ev.PriorityGroupRevoked):
        earlier.append(ev.PriorityGroupAssigned(event.person_id, event.group_code, event.catalogue_version, "roster",
                                                date(2021, 3, 1), event.occurred_at))
    if isinstance(event, ev.AppointmentCancelled):
        earlier.append(ev.AppointmentScheduled(event.appointment_id, event.person_id, event.session_id,
                                               event.site_id, event.slot_start, event.slot_end, event.series,
                                               event.dose_number, event.occurred_at))
    return earlier


@dataclass(frozen=True)
class Consumer:
    service: str
    database_url: str
    projections: tuple[Projection, ...]


@pytest.fixture(scope="module")
def consumers(infra) -> Iterator[list[Consumer]]:
    """Every service whose projections consume the registration topic, each with its own migrated database."""
    found, databases = [], []
    try:
        for service in SERVICES:
            wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
            name = f"test_roundtrip_{service}_{uuid.uuid4().hex[:8]}"
            settings = Settings(service=service, database_url=infra.database_url(name),
                                kafka_bootstrap=infra.kafka_bootstrap)
            projections = tuple(p for p in wiring.projections(settings, wiring.codec()) if TOPIC in p.topics)
            if not projections:
                continue
            db.ensure_database(infra.server_url, name)
            databases.append(name)
            db.migrate(settings.database_url, wiring.migrations)
            found.append(Consumer(service, settings.database_url, projections))
        yield found
    finally:
        for name in databases:
            db.drop_database(infra.server_url, name)


def test_the_consumers_include_registration_and_the_services_known_to_read_its_topic(consumers):
    names = {(c.service, p.name) for c in consumers for p in c.projections}
    assert {("registration", "people"), ("allocation", "demand"), ("immunization", "registration_reference"),
            ("certificate", "canonical_records")} <= names


@pytest.mark.parametrize("event_class", [*REGISTRATION_EVENTS, access.PersonalDataAccessed],
                         ids=lambda c: c.__name__)
def test_every_projection_on_the_registration_topic_applies_every_event_the_api_can_produce(consumers, event_class):
    event_type = CODEC.type_of(event_class)
    for consumer in consumers:
        for projection in consumer.projections:  # handled or explicitly ignored: never dead-lettered as unknown
            assert event_type in projection.handlers or event_type in projection.ignored, (
                f"{consumer.service}/{projection.name} neither handles nor ignores {event_type}")
        check_every_projection_applies(consumer.database_url, consumer.projections, CODEC, event_class,
                                       overrides=OVERRIDES, history=history)
