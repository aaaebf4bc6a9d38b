"""Whatever the five services publish, the audit service's projections apply, in whatever order it arrives.

1. Every projection of the audit service handles every event type its topic can carry: the five service logs
   take every type of their topic (nothing ignored, nothing dead-lettered). The per-service round trips
   (``test_<service>_roundtrip.py``) also run every one of those types, built within what each API allows,
   through the audit projections, since they discover consumers through every ``bootstrap.WIRING``.
2. By property (hypothesis): for every message type of every topic, arbitrary messages (any field set or
   not, ids and text as the API types allow) go through protobuf, an envelope, a Kafka record and back, and
   the audit log applies them.
3. By property: a batch of events from all five logs - several aggregates, some with chains of several
   versions - applied in two different arrival orders (each aggregate's events kept in order, as Kafka keeps
   them) leaves the same rows in every audit table, so a trail never depends on arrival order.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from datetime import datetime

import psycopg
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventkit.codec import topic_event_types
from eventkit.db import drop_database, ensure_database, migrate
from eventkit.envelope import GENESIS_HASH, StoredEvent
from eventkit.settings import Settings
from services.audit import bootstrap
from services.audit.projections.log import LOGGED_SERVICES, message_classes

from .audit_world import envelope, log_event
from .roundtrip import IDS, MOMENTS, TEXT

AUDIT_TABLES = {"audit_events": "event_id", "audit_links": "key, event_id", "audit_findings": "event_id"}


@pytest.fixture(scope="module")
def audit_db(infra) -> Iterator[str]:
    name = f"roundtrip_audit_{uuid.uuid4().hex[:8]}"
    ensure_database(infra.server_url, name)
    url = infra.database_url(name)
    migrate(url, bootstrap.MIGRATIONS)
    try:
        yield url
    finally:
        drop_database(infra.server_url, name)


@functools.cache
def projections():
    settings = Settings(service="audit", database_url="postgresql://unused/none", kafka_bootstrap="unused:0")
    return {p.name: p for p in bootstrap.WIRING.projections(settings, bootstrap.WIRING.codec())}


def test_the_audit_log_handles_every_type_the_five_topics_carry():
    found = projections()
    log = found["audit_log"]
    assert log.topics == tuple(f"vaxtrail.{service}.v1" for service in LOGGED_SERVICES)
    assert set(log.handlers) == set().union(*(topic_event_types(s) for s in LOGGED_SERVICES)) and not log.ignored
    assert found["audit_checkpoints"].topics == ("vaxtrail.audit.v1",)


# -- arbitrary messages -----------------------------------------------------------------------------------
def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def field_strategy(field: FieldDescriptor, depth: int) -> st.SearchStrategy:
    if field.message_type is not None:
        if field.message_type.full_name == "google.protobuf.Timestamp":
            return MOMENTS.map(_timestamp)
        if depth > 2:
            return st.none()
        return messages(message_factory.GetMessageClass(field.message_type), depth + 1)
    kinds = {FieldDescriptor.TYPE_STRING: IDS if field.name.endswith(("_id", "_ids")) else TEXT,
             FieldDescriptor.TYPE_BOOL: st.booleans(), FieldDescriptor.TYPE_BYTES: st.binary(max_size=40),
             FieldDescriptor.TYPE_INT32: st.integers(-(2**31), 2**31 - 1),
             FieldDescriptor.TYPE_INT64: st.integers(-(2**63), 2**63 - 1),
             FieldDescriptor.TYPE_DOUBLE: st.floats(allow_nan=False), FieldDescriptor.TYPE_FLOAT: st.floats(width=32)}
    return kinds[field.type]


def messages(cls, depth: int = 0) -> st.SearchStrategy:
    fields = {}
    for field in cls.DESCRIPTOR.fields:
        one = field_strategy(field, depth)
        fields[field.name] = st.none() | (st.lists(one, max_size=3) if field.is_repeated else one)

    def build(values: dict):
        kept = {k: v for k, v in values.items() if v is not None}
        kept = {k: [x for x in v if x is not None] if isinstance(v, list) else v for k, v in kept.items()}
        return cls(**kept)

    return st.fixed_dictionaries(fields).map(build)


TYPES = [(service, cls) for service in LOGGED_SERVICES for cls in message_classes(service)]


@pytest.mark.parametrize(("service", "message_class"), TYPES, ids=[f"{s}:{c.__name__}" for s, c in TYPES])
def test_the_audit_log_applies_every_message_of_every_topic(audit_db, service, message_class):
    with psycopg.connect(audit_db) as conn:
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(messages(message_class), IDS)
        def applies(message, aggregate_id: str) -> None:
            with conn.transaction(force_rollback=True):
                log_event(conn, envelope(service, message, 7, aggregate_id, 1, GENESIS_HASH))
                row = conn.execute("SELECT chain_ok, service, position FROM audit_events").fetchone()
                assert row == (True, service, 7)

        applies()


# -- arrival order ----------------------------------------------------------------------------------------
LINKED = [(s, c) for s, c in TYPES if c.__name__ in (
    "DoseAdministered", "VialOpened", "ShipmentDispatched", "CertificateIssued", "AppointmentScheduled",
    "SessionStockDispensed", "DoseReceived", "PersonCheckedIn", "AllocationReleased", "PersonalDataAccessed")]


@st.composite
def histories(draw) -> list[tuple[str, StoredEvent]]:
    """Events of several aggregates across the logs, each aggregate a valid chain of 1-3 versions."""
    events, position = [], 0
    for number in range(draw(st.integers(2, 6))):
        service, cls = draw(st.sampled_from(LINKED))
        prev = GENESIS_HASH
        for version in range(1, draw(st.integers(1, 3)) + 1):
            position += draw(st.integers(1, 3))
            event = envelope(service, draw(messages(cls)), position, f"aggregate-{number}", version, prev)
            events.append((service, event))
            prev = event.hash
    return events


def rows(conn: psycopg.Connection) -> dict[str, list]:
    columns = {"audit_events": "event_id, service, position, event_type, aggregate_id, aggregate_version, chain_ok,"
                               " keys, payload_sha256, hash", "audit_links": "key, event_id",
               "audit_findings": "service, event_id, reason"}
    return {table: conn.execute(f"SELECT {columns[table]} FROM {table} ORDER BY {order}").fetchall()
            for table, order in AUDIT_TABLES.items()}


def test_the_audit_tables_do_not_depend_on_arrival_order(audit_db):
    with psycopg.connect(audit_db) as conn:
        @settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(histories(), st.randoms(use_true_random=False))
        def same(history, random) -> None:
            by_aggregate: dict[str, list] = {}
            for service, event in history:
                by_aggregate.setdefault(event.aggregate_id, []).append((service, event))
            shuffled, queues = [], [list(q) for q in by_aggregate.values()]
            while queues:  # interleave the aggregates at random, each one's events in order (as Kafka does)
                queue = random.choice(queues)
                shuffled.append(queue.pop(0))
                queues = [q for q in queues if q]
            results = []
            for order in (history, shuffled):
                with conn.transaction(force_rollback=True):
                    for _, event in order:
                        log_event(conn, event)
                    results.append(rows(conn))
            assert results[0] == results[1]
            assert all(row[6] for row in results[0]["audit_events"])  # every chain link verifies

        same()
