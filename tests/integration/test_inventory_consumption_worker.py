"""The consumption process manager on its own, against the real PostgreSQL (no broker needed): a dose the
site's books cannot cover appends one ConsumptionDiscrepancyDetected and counts in the metric; applying the
same immunization event again (as a rebuild does) appends and counts nothing more."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import REGISTRY

from eventkit import db
from eventkit.codec import decode_message
from eventkit.envelope import CommandContext, EventDraft
from eventkit.settings import Settings
from eventkit.store.base import AggregateChanges
from eventkit.testing import InMemoryEventStore
from services.inventory.bootstrap import MIGRATIONS
from services.inventory.codec import build_codec
from services.inventory.projections import consumption_projection
from vaxtrail.immunization.v1 import events_pb2 as immunization

DOSE = "vaxtrail.immunization.v1.DoseAdministered"


def immunization_event(message):
    store = InMemoryEventStore()
    draft = EventDraft(message.DESCRIPTOR.full_name, message.SerializeToString(), datetime(2021, 8, 15, tzinfo=UTC))
    return store.append([AggregateChanges("dose", message.dose_id, 0, [draft])],
                        CommandContext(actor_id="vaccinator-1", actor_role="vaccinator"),
                        producer="immunization-test").events[0]


def discrepancies() -> float:
    return REGISTRY.get_sample_value("vaxtrail_inventory_consumption_discrepancies_total",
                                     {"reason": "UNKNOWN_SITE"}) or 0.0


def test_a_dose_at_an_unknown_site_is_flagged_once_even_when_applied_twice(database):
    db.migrate(database, MIGRATIONS)
    settings = Settings(service="inventory", database_url=database, kafka_bootstrap="unused:0")
    projection = consumption_projection(settings, build_codec())
    given = Timestamp()
    given.FromDatetime(datetime(2021, 8, 15, 9, 30, tzinfo=UTC))
    event = immunization_event(immunization.DoseAdministered(
        dose_id="DOSE-1", person_id="P-1", site_id="S-99-999-01", lot_id="ABV5300", administered_at=given))
    message = decode_message(DOSE, event.payload)
    before = discrepancies()

    for _ in range(2):  # the second time is a replay (e.g. after `vaxtrail rebuild inventory consumption`)
        with psycopg.connect(database) as conn, conn.transaction():
            projection.handlers[DOSE](conn, event, message)

    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT event_type, aggregate_id, causation_id FROM events").fetchall()
        usage = conn.execute("SELECT doses_administered FROM site_usage").fetchall()
    assert rows == [("vaxtrail.inventory.v1.ConsumptionDiscrepancyDetected", "S-99-999-01/ABV5300",
                     str(event.event_id))]
    assert discrepancies() == before + 1
    assert usage == [(2,)]  # site usage is a read model: its rebuild truncates it first
