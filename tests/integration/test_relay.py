"""The relay publishes the store to Kafka in position order and survives being killed at any moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventkit import db
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.kafka_record import from_record
from eventkit.relay import Relay
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
