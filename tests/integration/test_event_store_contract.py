"""The event store contract, run against the in-memory fake and the real PostgreSQL store alike."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from eventkit import db
from eventkit.envelope import GENESIS_HASH, CommandContext, EventDraft
from eventkit.errors import ConcurrencyConflict, IdempotencyKeyReused
from eventkit.store import AggregateChanges
from eventkit.store.base import MAX_EVENT_BYTES, EventTooLarge, PendingAppend, WrongAggregateKind
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


def ctx(key: str | None = None, request_hash: str = "") -> CommandContext:
    return CommandContext(actor_id="officer-7", actor_role="national_admin", idempotency_key=key,
                          request_hash=request_hash)


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
    first = store.append([stock("SITE:C", 0, 6)], ctx(key, "h1"), producer=PRODUCER,
                         respond=lambda events: {"event_id": str(events[0].event_id)})
    again = store.append([stock("SITE:C", 0, 6)], ctx(key, "h1"), producer=PRODUCER,
                         respond=lambda events: {"event_id": "must not be used"})
    assert not first.replayed and again.replayed
    assert again.response == first.response
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert len(store.load("SITE:C")) == 1
    assert store.replay(key, "h1").response == first.response


def test_an_idempotency_key_reused_for_another_request_is_refused(store):
    key = f"tablet-8:{uuid.uuid4()}"
    store.append([stock("SITE:D", 0, 6)], ctx(key, "h1"), producer=PRODUCER)
    with pytest.raises(IdempotencyKeyReused):
        store.append([stock("SITE:D", 1, 12)], ctx(key, "h2"), producer=PRODUCER)
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


def test_a_stream_has_one_kind_on_load_and_on_append(store):
    store.append([stock("LOT-7", 0, 10)], ctx(), producer=PRODUCER)
    with pytest.raises(WrongAggregateKind) as info:
        store.load("LOT-7", "shipment", field="shipment_id")
    assert (info.value.status, info.value.rule, info.value.field) == (422, "aggregate-kind", "shipment_id")
    assert [e.aggregate_version for e in store.load("LOT-7", "stock_item")] == [1]
    before = store.last_position()
    with pytest.raises(WrongAggregateKind):
        store.append([AggregateChanges("shipment", "LOT-7", 1, [received(1)], id_field="shipment_id")], ctx(),
                     producer=PRODUCER)
    assert store.last_position() == before


def test_many_streams_load_in_one_read_and_a_type_reads_in_position_order(store):
    store.append([stock("A", 0, 1), AggregateChanges("shipment", "S", 0, [received(2)])], ctx(), producer=PRODUCER)
    store.append([stock("B", 0, 3, 4), stock("A", 1, 5)], ctx(), producer=PRODUCER)
    many = store.load_many(["A", "B", "nobody"], "stock_item")
    assert {k: [e.payload for e in v] for k, v in many.items()} == {
        "A": [b"doses=1", b"doses=5"], "B": [b"doses=3", b"doses=4"]}
    with pytest.raises(WrongAggregateKind):
        store.load_many(["A", "S"], "stock_item")
    by_type = list(store.load_type("stock_item"))
    assert [e.payload for e in by_type] == [b"doses=1", b"doses=3", b"doses=4", b"doses=5"]
    assert [e.position for e in by_type] == sorted(e.position for e in by_type)


def test_an_exclusive_section_admits_one_holder_at_a_time(store):
    inside: list[str] = []
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store.exclusive("allocation:NAT-EPI"):
            inside.append("first")
            entered.set()
            release.wait(10)
            inside.append("first-out")

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(10)
    def follow() -> None:
        with store.exclusive("allocation:NAT-EPI"):
            inside.append("second")

    second = threading.Thread(target=follow)
    with store.exclusive("allocation:OTHER"):  # another name is not blocked
        inside.append("other")
    second.start()
    second.join(0.3)
    assert inside == ["first", "other"]  # the second holder of the same name waits
    release.set()
    holder.join(10)
    second.join(10)
    assert inside == ["first", "other", "first-out", "second"]


# -- append_many: many commands, one transaction, each on its own ------------------------------------------

def pending(key: str | None, *changes: AggregateChanges, request_hash: str = "") -> PendingAppend:
    return PendingAppend(list(changes), ctx(key, request_hash))


def test_append_many_writes_each_command_alone_and_a_stale_one_fails_alone(store):
    store.append([stock("NAT:LOT-X", 0, 100)], ctx(), producer=PRODUCER)
    outcomes = store.append_many([
        pending(None, stock("NAT:LOT-X", 1, 10)),             # X 1 -> 2
        pending(None, stock("NAT:LOT-Y", 0, 20)),             # Y new
        pending(None, stock("NAT:LOT-Z", 5, 40)),             # stale
        pending(None, stock("NAT:LOT-X", 2, 50)),             # decided after the first: written
        pending(None, stock("NAT:LOT-Y", 0, 30)),             # decided without the second: stale
    ], producer=PRODUCER)
    assert [type(o).__name__ for o in outcomes] == ["AppendResult", "AppendResult", "ConcurrencyConflict",
                                                    "AppendResult", "ConcurrencyConflict"]
    assert [e.payload for e in store.load("NAT:LOT-X")] == [b"doses=100", b"doses=10", b"doses=50"]
    assert store.load("NAT:LOT-Z") == [] and len(store.load("NAT:LOT-Y")) == 1
    positions = [e.position for e in store.read_after(0)]
    assert positions == sorted(positions) and len(positions) == 4


def test_append_many_fails_a_command_that_touched_a_stream_after_a_failed_one(store):
    """The third command's version matches the stream, but it was decided on the failed first one's state."""
    store.append([stock("NAT:LOT-T", 0, 100)], ctx(), producer=PRODUCER)
    outcomes = store.append_many([
        pending("key-failed", stock("NAT:LOT-T", 0, 1), request_hash="h"),   # stale: fails
        pending(None, stock("NAT:LOT-U", 0, 2)),                            # untouched: written
        pending(None, stock("NAT:LOT-T", 1, 3)),                            # after the failed one: fails too
    ], producer=PRODUCER)
    assert [type(o).__name__ for o in outcomes] == ["ConcurrencyConflict", "AppendResult", "ConcurrencyConflict"]
    assert len(store.load("NAT:LOT-T")) == 1
    assert store.replay("key-failed", "h") is None  # the failed command's key is free for its retry


def test_append_many_answers_a_used_key_as_a_replay_and_refuses_a_reused_one(store):
    first = store.append([stock("NAT:LOT-K", 0, 100)], ctx("dev-1|1", "h1"), producer=PRODUCER)
    outcomes = store.append_many([
        pending("dev-1|1", stock("NAT:LOT-K", 0, 100), request_hash="h1"),  # the same upload again
        pending("dev-1|2", stock("NAT:LOT-L", 0, 5), request_hash="h2"),
        pending("dev-1|1", stock("NAT:LOT-M", 0, 7), request_hash="other"),  # the key of another request
    ], producer=PRODUCER)
    assert outcomes[0].replayed and outcomes[0].events == first.events
    assert not outcomes[1].replayed and [e.aggregate_id for e in outcomes[1].events] == ["NAT:LOT-L"]
    assert isinstance(outcomes[2], IdempotencyKeyReused)
    assert store.load("NAT:LOT-M") == [] and len(store.load("NAT:LOT-K")) == 1


def test_append_many_of_commands_decided_apart_fails_only_the_stale_one(store):
    """Concurrent requests committed together (group commit) were each decided on their own: a failed
    command taints nothing."""
    store.append([stock("NAT:LOT-G", 0, 100)], ctx(), producer=PRODUCER)
    outcomes = store.append_many([pending(None, stock("NAT:LOT-G", 0, 1)), pending(None, stock("NAT:LOT-G", 1, 2))],
                                 producer=PRODUCER, chained=False)
    assert [type(o).__name__ for o in outcomes] == ["ConcurrencyConflict", "AppendResult"]
    assert [e.payload for e in store.load("NAT:LOT-G")] == [b"doses=100", b"doses=2"]


def test_replay_many_answers_each_key_in_one_read(store):
    first = store.append([stock("NAT:LOT-R", 0, 100)], ctx("dev-9|1", "h1"), producer=PRODUCER)
    answers = store.replay_many([("dev-9|1", "h1"), ("dev-9|2", "h2"), ("dev-9|1", "other")])
    assert answers[0].replayed and answers[0].events == first.events and answers[0].response == first.response
    assert answers[1] is None and isinstance(answers[2], IdempotencyKeyReused)
