"""Whatever immunization's store accepts, every projection that consumes its topic can apply (issue 9).

One case per event type immunization's codec registers (its events and the PersonalDataAccessed it records
for staff reads). Hypothesis builds events within what the API's request types accept (``overrides``
bound the fields the API bounds more tightly than the harness) and applies each, as a consumer receives it
from Kafka, through every projection of every service whose wiring consumes ``vaxtrail.immunization.v1``
- immunization's own views, inventory's consumption, allocation's doses, registration's citizen record,
certificate's canonical records, ... - each against that service's own database, migrated with its own
migrations. The consumers are found through each service's ``bootstrap.WIRING`` only (never their modules:
they change on their own branches).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import psycopg
import pytest
from hypothesis import strategies as st

import services
from eventkit import access
from eventkit.db import drop_database, ensure_database, migrate
from eventkit.settings import Settings
from eventkit.topics import event_topic
from services.immunization.codec import build_codec
from services.immunization.domain import events as ev
from tests.unit.immunization.builders import given

from .roundtrip import (
    IDS,
    assert_batch_matches_handlers,
    check_batch_matches_handlers,
    check_every_projection_applies,
    through_kafka,
)

TOPIC = event_topic("immunization")
CODEC = build_codec()
EVENT_CLASSES = [*ev.ALL_EVENTS, access.PersonalDataAccessed]

# The API's bounds where they are tighter than the harness's (immunization/api/models.py, and the reference
# facts that reach events from inventory's presentations); every other field is as wide as the wire allows.
COUNT = st.integers(0, 2**31 - 1)
OVERRIDES = {
    "dose_number": st.integers(1, 20),                      # DoseRequest / HistoricalDoseRequest: Quantity <= 20
    "doses_in_vial": st.integers(1, 2**31 - 1),             # a presentation's doses per vial: Quantity
    "doses_drawn": COUNT,
    "residual_doses": COUNT,                                # DiscardVialRequest: Count
    "device_sequence": COUNT,                               # BatchItemModel.sequence: Count
    "pregnancy_weeks": st.none() | st.integers(0, 45),
    "pulse_per_minute": st.integers(0, 300),
    "systolic_mmhg": st.integers(0, 300),
    "diastolic_mmhg": st.integers(0, 200),
    "respiratory_rate_per_minute": st.integers(0, 100),
    "spo2_percent": st.integers(0, 100),
    "temperature_celsius": st.none() | st.decimals(30, 45, places=2),
    "volume_ml": st.decimals(Decimal("0.01"), 2, places=2),  # DoseRequest.volume_ml (or the presentation's)
    "country": st.from_regex(r"[A-Z]{2}", fullmatch=True),
    "purpose": st.sampled_from(access.PURPOSES),
    "subject_person_id": IDS,
}


def _service_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(services.__path__) if m.ispkg)


@pytest.fixture(scope="module")
def consumers(infra) -> Iterator[list[tuple[str, str, list]]]:
    """(service, its migrated database, its projections of the immunization topic) for every consumer."""
    found, created = [], []
    try:
        for name in _service_names():
            wiring = importlib.import_module(f"services.{name}.bootstrap").WIRING
            database = f"roundtrip_{name}_{uuid.uuid4().hex[:8]}"
            url = infra.database_url(database)
            settings = Settings(service=name, database_url=url, kafka_bootstrap="unused:9092")
            projections = [p for p in wiring.projections(settings, wiring.codec()) if TOPIC in p.topics]
            if not projections:
                continue
            ensure_database(infra.server_url, database)
            created.append(database)
            migrate(url, wiring.migrations)
            found.append((name, url, projections))
        yield found
    finally:
        for database in created:
            drop_database(infra.server_url, database)


def test_the_consumers_of_the_immunization_topic_are_every_service_that_reads_it(consumers):
    assert {name for name, _, _ in consumers} >= {"immunization", "inventory", "allocation", "registration",
                                                  "certificate"}


def test_every_event_type_the_codec_registers_is_checked():
    registered = {CODEC.type_of(cls) for cls in EVENT_CLASSES}
    assert len(registered) == len(EVENT_CLASSES) and all(dataclasses.is_dataclass(c) for c in EVENT_CLASSES)


@pytest.mark.parametrize("event_class", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_every_projection_of_every_consumer_applies_every_event_the_api_can_produce(consumers, event_class):
    event_type = CODEC.type_of(event_class)
    for _, url, projections in consumers:
        # handled or explicitly ignored by each: otherwise the runner would dead-letter it
        assert [p.name for p in projections if event_type not in p.handlers and event_type not in p.ignored] == []
        check_every_projection_applies(url, projections, CODEC, event_class, overrides=OVERRIDES)



FEW = {  # ids drawn from a few values, so that a sequence's events meet on the same visit, dose, person, vial
    "person_id": st.sampled_from(["P-1", "P-2"]), "visit_id": st.sampled_from(["V-1", "V-2"]),
    "session_id": st.sampled_from(["S-1", "S-2"]), "dose_id": st.sampled_from(["D-1", "D-2", "D-3"]),
    "vial_opening_id": st.sampled_from(["VO-1", "VO-2"]), "aefi_id": st.sampled_from(["A-1", "A-2"]),
    "series": st.sampled_from(["PRIMARY", "BOOSTER"]), "vaccine_code": st.sampled_from(["AZ", "PF"]),
    "product": st.sampled_from(["AZ", "PF"]),
}


def test_immunization_views_applied_as_a_batch_leave_the_tables_the_handlers_leave(consumers):
    [(url, projections)] = [(url, projections) for name, url, projections in consumers if name == "immunization"]
    [views] = [p for p in projections if p.name == "immunization_views"]
    classes = [c for c in ev.ALL_EVENTS if CODEC.type_of(c) in views.handlers]
    check_batch_matches_handlers(url, views, CODEC, classes, overrides=OVERRIDES | FEW, max_examples=60)
    doses = [ev.DoseAdministered, ev.DoseRecordedHistorical, ev.DoseEnteredInError, ev.DoseCorrected]
    check_batch_matches_handlers(url, views, CODEC, doses, overrides=OVERRIDES | FEW, max_examples=60)


def test_a_batch_refreshes_a_next_dose_before_a_dose_voided_under_another_persons_id(consumers):
    """The one case where deferring next-dose refreshes to the end of a batch could differ from the handlers:
    P-1's dose D-1 is voided by an event naming P-2, so the handlers never refresh P-1 again."""
    [(url, projections)] = [(url, projections) for name, url, projections in consumers if name == "immunization"]
    [views] = [p for p in projections if p.name == "immunization_views"]
    dose = given(date(2021, 8, 21), dose_id="D-1")
    voided = ev.DoseEnteredInError(dose_id="D-1", reverses_event_id="E-1", reason="wrong person", person_id="P-2",
                                   recorded_at=datetime(2021, 8, 22, tzinfo=UTC))
    events = [through_kafka(CODEC.event_type(e), CODEC.encode(e), dose.administered_at, stream)
              for e, stream in [(dose, "person/P-1"), (voided, "person/P-2")]]
    with psycopg.connect(url) as conn:
        assert_batch_matches_handlers(conn, [views], events)
        with conn.transaction(force_rollback=True):
            views.batch(conn, [(e, CODEC.decode(e.event_type, e.payload)) for e in events])
            kept = conn.execute("SELECT person_id FROM next_dose_view WHERE person_id = %s", (dose.person_id,))
            assert kept.fetchall() == [(dose.person_id,)], "P-1's next dose, as the handlers left it"
