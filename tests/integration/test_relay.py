"""The relay publishes the store to Kafka in position order, survives being killed at any moment, runs as one
leader per service with stand-bys, and never moves its cursor backwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from eventkit import db
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.kafka_record import from_record
from eventkit.relay import LEADER_LOCK_CLASS, Relay
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore

from .kafka_helpers import read_topic, wait_for

PROC = Path(__file__).parent / "procs" / "relay_proc.py"


@pytest.fixture
def store_pool(database):
    pool = db.make_pool(database, max_size=4)
    yield PostgresEventStore(pool, service="test"), pool
    pool.close()


def append_ticks(store: PostgresEventStore, aggregates: int, rounds: int, start_round: int = 0) -> None:
    for r in range(start_round, start_round + rounds):
        for a in range(aggregates):
            draft = EventDraft("vaxtrail.test.v1.Tick", str(r).encode(), datetime.now(UTC))
            store.append([AggregateChanges("ticker", f"T-{a}", r, [draft])],
                         CommandContext(actor_id="clock", actor_role="test"), producer="test/1")


def assert_complete_and_ordered(store: PostgresEventStore, records: list) -> None:
    stored = store.read_after(0, limit=1_000_000)
    events = [from_record(r.key, r.value, r.headers) for r in records]
    assert {e.event_id for e in events} == {e.event_id for e in stored}, "an event was lost"
    by_id = {e.event_id: e for e in stored}
    for event in events:
        assert event == by_id[event.event_id], "a published envelope differs from the stored one"
    per_partition: dict[int, list[int]] = {}
    first_seen: set = set()
    for record, event in zip(records, events, strict=True):
        if event.event_id in first_seen:
            continue  # a re-send after a crash; consumers skip it by event id
        first_seen.add(event.event_id)
        per_partition.setdefault(record.partition, []).append(event.position)
    for positions in per_partition.values():
        assert positions == sorted(positions), "first copies are not in position order"


def test_publishes_every_event_with_its_envelope_in_position_order(store_pool, infra, topic):
    store, pool = store_pool
    name = topic(partitions=3)
    append_ticks(store, aggregates=5, rounds=4)
    relay = Relay(store, pool, lambda: make_producer(infra.kafka_bootstrap, client_id="t"), topic=name,
                  service="test", batch_size=7)
    while relay.publish_batch():
        pass
    assert relay.cursor() == store.last_position()
    records = read_topic(infra.kafka_bootstrap, name)
    assert len(records) == 20
    assert all(r.key == from_record(r.key, r.value, r.headers).aggregate_id.encode() for r in records)
    headers = dict(records[0].headers)
    assert headers["ce_specversion"] == b"1.0" and headers["content-type"] == b"application/protobuf"
    assert_complete_and_ordered(store, records)


def test_killing_the_relay_at_any_moment_loses_and_reorders_nothing(store_pool, infra, topic, database):
    store, pool = store_pool
    name = topic(partitions=3)
    append_ticks(store, aggregates=10, rounds=60)
    relay = Relay(store, pool, lambda: None, topic=name, service="test")

    def start():
        return subprocess.Popen([sys.executable, str(PROC), database, infra.kafka_bootstrap, name],
                                env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    kills = 0
    for round_ in range(5):
        proc = start()
        before = relay.cursor()
        wait_for(lambda b=before: relay.cursor() > b, what="the relay to make progress")
        proc.send_signal(signal.SIGKILL)  # mid-stream: the cursor moved, more is pending
        proc.wait()
        kills += 1
        append_ticks(store, aggregates=10, rounds=5, start_round=60 + 5 * round_)
    proc = start()
    try:
        wait_for(lambda: relay.cursor() == store.last_position(), timeout=180, what="the relay to catch up")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert kills == 5
    assert_complete_and_ordered(store, read_topic(infra.kafka_bootstrap, name))


class CountingProducer:
    """A real producer that counts what it sent, per relay."""

    def __init__(self, producer, sent: dict[str, int], who: str) -> None:
        self._producer, self._sent, self._who = producer, sent, who

    def send(self, *args, **kwargs):
        self._sent[self._who] += 1
        return self._producer.send(*args, **kwargs)

    def flush(self, timeout=None):
        self._producer.flush(timeout=timeout)

    def close(self, timeout=None):
        self._producer.close(timeout=timeout)


def leader_backends(database: str) -> list[int]:
    with psycopg.connect(database, autocommit=True) as conn:
        return [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted",
            (LEADER_LOCK_CLASS,))]


def test_only_the_leader_publishes_and_a_standby_takes_over_when_the_leaders_lock_connection_dies(
        store_pool, infra, topic, database):
    store, pool = store_pool
    name = topic(partitions=3)
    sent = {"first": 0, "second": 0}

    def relay(who: str, retry: float) -> Relay:
        return Relay(store, pool, lambda: CountingProducer(make_producer(infra.kafka_bootstrap, client_id=who), sent, who),
                     topic=name, service="test", batch_size=7, leader_retry_seconds=retry)

    # The first relay steps back for a minute after losing its lock, so the take-over is deterministic.
    relays = {"first": relay("first", 60.0), "second": relay("second", 0.05)}
    stops = {who: threading.Event() for who in relays}
    threads = {who: threading.Thread(target=r.run, args=(stops[who],), kwargs={"idle_seconds": 0.2}, daemon=True)
               for who, r in relays.items()}
    threads["first"].start()
    wait_for(lambda: relays["first"].is_leader, what="the first relay to lead")
    threads["second"].start()
    try:
        append_ticks(store, aggregates=5, rounds=4)
        wait_for(lambda: relays["first"].cursor() == store.last_position(), what="the leader to publish")
        assert sent == {"first": 20, "second": 0} and not relays["second"].is_leader

        [leader] = leader_backends(database)
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (leader,))
        wait_for(lambda: not relays["first"].is_leader, what="the old leader to notice it lost the lock")
        wait_for(lambda: relays["second"].is_leader, what="the stand-by to take over")
        append_ticks(store, aggregates=5, rounds=4, start_round=4)
        wait_for(lambda: relays["second"].cursor() == store.last_position(), what="the new leader to publish")
        assert sent == {"first": 20, "second": 20}, "the old leader published after losing its lock"
        assert len(leader_backends(database)) == 1
    finally:
        for who in relays:
            stops[who].set()
        for thread in threads.values():
            thread.join(timeout=30)
    assert_complete_and_ordered(store, read_topic(infra.kafka_bootstrap, name))


def test_a_relay_that_read_an_old_batch_cannot_move_the_cursor_back(store_pool, infra, topic):
    store, pool = store_pool
    name = topic()
    append_ticks(store, aggregates=2, rounds=3)
    stale_batch = store.read_after(0, limit=2)  # what a paused zombie relay read before the others moved on

    class StaleStore:
        def read_after(self, position, limit=500):
            return stale_batch

        def last_position(self):
            return store.last_position()

    def producer():
        return make_producer(infra.kafka_bootstrap, client_id="t")

    current = Relay(store, pool, producer, topic=name, service="test")
    while current.publish_batch():
        pass
    assert current.cursor() == store.last_position() == 6
    zombie = Relay(StaleStore(), pool, producer, topic=name, service="test")
    assert zombie.publish_batch() == 2
    assert current.cursor() == 6
