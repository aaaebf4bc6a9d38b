"""The event store contract, run against the in-memory fake and the real PostgreSQL store alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from eventkit import db
from eventkit.envelope import GENESIS_HASH, CommandContext, EventDraft
from eventkit.errors import ConcurrencyConflict, IdempotencyKeyReused
from eventkit.store import AggregateChanges
from eventkit.store.base import MAX_EVENT_BYTES, EventTooLarge
from eventkit.store.memory import InMemoryEventStore
from eventkit.store.postgres import PostgresEventStore

PRODUCER = "inventory/test"


@pytest.fixture(params=["memory", "postgres"])
def store(request):
    if request.param == "memory":
        yield InMemoryEventStore()
        return
    url = request.getfixturevalue("database")
    pool = db.make_pool(url, max_size=4)
    try:
        yield PostgresEventStore(pool, service="test")
    finally:
        pool.close()


def ctx(key: str | None = None) -> CommandContext:
    return CommandContext(actor_id="officer-7", actor_role="national_admin", idempotency_key=key)


def received(doses: int) -> EventDraft:
    return EventDraft("vaxtrail.inventory.v1.DoseReceived", f"doses={doses}".encode(), datetime.now(UTC))


def stock(item: str, expected: int, *doses: int) -> AggregateChanges:
    return AggregateChanges("stock_item", item, expected, [received(d) for d in doses])


def test_appends_and_loads_a_stream_in_version_order(store):
    store.append([stock("NAT:LOT-ABV5300", 0, 1000, 500)], ctx(), producer=PRODUCER)
    store.append([stock("NAT:LOT-ABV5300", 2, 200)], ctx(), producer=PRODUCER)
    events = store.load("NAT:LOT-ABV5300")
    assert [e.aggregate_version for e in events] == [1, 2, 3]
    assert [e.payload for e in events] == [b"doses=1000", b"doses=500", b"doses=200"]
    assert events[0].actor_id == "officer-7" and events[0].producer == PRODUCER


def test_rejects_a_stale_expected_version_and_writes_nothing(store):
    store.append([stock("NAT:LOT-1", 0, 100)], ctx(), producer=PRODUCER)
    before = store.last_position()
    with pytest.raises(ConcurrencyConflict) as info:
        store.append([stock("NAT:LOT-1", 0, 100)], ctx(), producer=PRODUCER)
    assert info.value.rule == "INV-37"
    assert store.last_position() == before
    assert len(store.load("NAT:LOT-1")) == 1


def test_a_conflict_on_one_aggregate_writes_none_of_the_others(store):
    store.append([stock("SITE:A", 0, 10)], ctx(), producer=PRODUCER)
    with pytest.raises(ConcurrencyConflict):
        store.append([stock("SITE:B", 0, 10), stock("SITE:A", 0, 10)], ctx(), producer=PRODUCER)
    assert store.load("SITE:B") == []


def test_same_idempotency_key_returns_the_first_result_and_appends_nothing(store):
    key = f"tablet-7:{uuid.uuid4()}"
    first = store.append([stock("SITE:C", 0, 6)], ctx(key), producer=PRODUCER, request_hash="h1",
                         respond=lambda events: {"event_id": str(events[0].event_id)})
    again = store.append([stock("SITE:C", 0, 6)], ctx(key), producer=PRODUCER, request_hash="h1",
                         respond=lambda events: {"event_id": "must not be used"})
    assert not first.replayed and again.replayed
    assert again.response == first.response
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert len(store.load("SITE:C")) == 1
    assert store.replay(key, "h1").response == first.response


def test_an_idempotency_key_reused_for_another_request_is_refused(store):
    key = f"tablet-8:{uuid.uuid4()}"
    store.append([stock("SITE:D", 0, 6)], ctx(key), producer=PRODUCER, request_hash="h1")
    with pytest.raises(IdempotencyKeyReused):
        store.append([stock("SITE:D", 1, 12)], ctx(key), producer=PRODUCER, request_hash="h2")
    assert len(store.load("SITE:D")) == 1


def test_events_form_a_sha256_hash_chain_per_aggregate(store):
    store.append([stock("SITE:E", 0, 1, 2)], ctx(), producer=PRODUCER)
    store.append([stock("SITE:F", 0, 3)], ctx(), producer=PRODUCER)
    store.append([stock("SITE:E", 2, 4)], ctx(), producer=PRODUCER)
    chain = store.load("SITE:E")
    assert chain[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert all(e.verify_hash() for e in chain)
    assert store.load("SITE:F")[0].prev_hash == GENESIS_HASH


def test_read_after_returns_committed_events_in_position_order(store):
    store.append([stock("SITE:G", 0, 1)], ctx(), producer=PRODUCER)
    start = store.last_position()
    store.append([stock("SITE:H", 0, 1, 2)], ctx(), producer=PRODUCER)
    store.append([stock("SITE:G", 1, 3)], ctx(), producer=PRODUCER)
    tail = store.read_after(start)
    assert [e.payload for e in tail] == [b"doses=1", b"doses=2", b"doses=3"]
    assert [e.position for e in tail] == sorted(e.position for e in tail)
    assert store.read_after(start, limit=2) == tail[:2]


def test_postgres_refuses_updates_and_deletes_of_events(database):
    pool = db.make_pool(database, max_size=2)
    try:
        PostgresEventStore(pool).append([stock("SITE:I", 0, 5)], ctx(), producer=PRODUCER)
        with pool.connection() as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute("UPDATE events SET payload = 'x'")
            conn.rollback()
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute("DELETE FROM events")
    finally:
        pool.close()


def test_an_event_too_large_for_kafka_is_refused_and_nothing_is_written(store):
    store.append([stock("SITE:J", 0, 1)], ctx(), producer=PRODUCER)
    huge = EventDraft("vaxtrail.inventory.v1.DoseReceived", b"x" * (MAX_EVENT_BYTES + 1), datetime.now(UTC))
    with pytest.raises(EventTooLarge):
        store.append([AggregateChanges("stock_item", "SITE:K", 0, [huge]), stock("SITE:J", 1, 2)], ctx(),
                     producer=PRODUCER)
    assert store.load("SITE:K") == [] and len(store.load("SITE:J")) == 1
