"""Projection runner: exactly-once effect across kills, dead-lettering, explicit ignores, rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from prometheus_client import REGISTRY

from eventkit import db
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.projections import rebuild
from eventkit.relay import Relay
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore

from .kafka_helpers import read_topic, wait_for
from .procs.projection_proc import NOISE, TICK, make_runner, tally_projection

PROC = Path(__file__).parent / "procs" / "projection_proc.py"


@pytest.fixture
def setup(database, infra, topic):
    with psycopg.connect(database) as conn:
        conn.execute("CREATE TABLE tally (aggregate_id text PRIMARY KEY, total bigint NOT NULL, events int NOT NULL)")
    pool = db.make_pool(database, max_size=4)
    store = PostgresEventStore(pool, service="test")
    events_topic, dlq = topic(partitions=3), topic(partitions=1)
    relay = Relay(store, pool, lambda: make_producer(infra.kafka_bootstrap, client_id="t"), topic=events_topic,
                  service="test")
    yield store, pool, relay, events_topic, dlq
    pool.close()


def append(store: PostgresEventStore, aggregate: str, *payloads: bytes, event_type: str = TICK) -> None:
    version = len(store.load(aggregate))
    drafts = [EventDraft(event_type, p, datetime.now(UTC)) for p in payloads]
    store.append([AggregateChanges("ticker", aggregate, version, drafts)],
                 CommandContext(actor_id="clock", actor_role="test"), producer="test/1")


def publish_all(relay: Relay) -> None:
    while relay.publish_batch():
        pass


def tally(pool) -> dict[str, tuple[int, int]]:
    with pool.connection() as conn:
        return {a: (t, n) for a, t, n in conn.execute("SELECT aggregate_id, total, events FROM tally")}


def expected_tally(aggregates: int, per_aggregate: int) -> dict[str, tuple[int, int]]:
    return {f"T-{a}": (sum(range(1, per_aggregate + 1)), per_aggregate) for a in range(aggregates)}


def drain(runner, pool, expected, timeout=180.0):
    wait_for(lambda: runner.poll_once(200) == 0 and tally(pool) == expected, timeout=timeout,
             what="the projection to converge")


def test_killing_the_runner_at_any_moment_applies_each_event_exactly_once(setup, database, infra):
    store, pool, relay, events_topic, dlq = setup
    for a in range(8):
        append(store, f"T-{a}", *[str(i).encode() for i in range(1, 101)])
    publish_all(relay)
    append(store, "T-0", str(1).encode(), event_type=NOISE)  # ignored on purpose
    publish_all(relay)
    # duplicates from an at-least-once relay: publish the whole store a second time
    with pool.connection() as conn:
        conn.execute("UPDATE relay_cursor SET position = 0")
    publish_all(relay)

    def applied() -> int:
        return sum(n for _, n in tally(pool).values())

    for _ in range(4):
        proc = subprocess.Popen([sys.executable, str(PROC), database, infra.kafka_bootstrap, events_topic, dlq],
                                env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = applied()
        wait_for(lambda b=before: applied() > b or applied() == 800, timeout=180, what="progress")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    runner = make_runner(database, infra.kafka_bootstrap, events_topic, dlq)
    try:
        drain(runner, pool, expected_tally(8, 100))
    finally:
        runner.close()
    assert read_topic(infra.kafka_bootstrap, dlq) == [], "nothing should have been dead-lettered"


def test_undecodable_unknown_and_failing_records_are_dead_lettered_and_the_partition_moves_on(setup, database, infra):
    store, pool, relay, events_topic, dlq = setup
    append(store, "T-0", b"1", b"poison", b"2")
    append(store, "T-0", b"9", event_type="vaxtrail.test.v1.Unexpected")
    publish_all(relay)
    producer = make_producer(infra.kafka_bootstrap, client_id="garbage")
    producer.send(events_topic, key=b"T-0", value=b"\x00garbage", headers=[("ce_id", b"x")]).get(timeout=30)
    producer.close()
    append(store, "T-0", b"3")
    publish_all(relay)

    def dead_lettered() -> dict[str, float]:
        return {reason: REGISTRY.get_sample_value("vaxtrail_dead_lettered_total",
                                                  {"service": "test", "projection": "tally", "reason": reason}) or 0.0
                for reason in ("apply-failed", "undecodable", "unknown-event-type")}

    before = dead_lettered()
    runner = make_runner(database, infra.kafka_bootstrap, events_topic, dlq)
    try:
        drain(runner, pool, {"T-0": (6, 3)})
    finally:
        runner.close()
    reasons = sorted(dict(r.headers)["vaxtrail_dlq_reason"].decode() for r in read_topic(infra.kafka_bootstrap, dlq))
    assert reasons == ["apply-failed", "undecodable", "unknown-event-type"]
    assert {reason: count - before[reason] for reason, count in dead_lettered().items()} == dict.fromkeys(reasons, 1.0)


def test_rebuild_empties_the_read_model_and_replays_from_offset_zero(setup, database, infra):
    store, pool, relay, events_topic, dlq = setup
    for a in range(3):
        append(store, f"T-{a}", *[str(i).encode() for i in range(1, 11)])
    publish_all(relay)
    runner = make_runner(database, infra.kafka_bootstrap, events_topic, dlq, pool=pool)
    try:
        drain(runner, pool, expected_tally(3, 10))
        with pool.connection() as conn:
            conn.execute("UPDATE tally SET total = -1")  # a corrupted read model
        rebuild(pool, tally_projection(events_topic))
        assert tally(pool) == {}
        drain(runner, pool, expected_tally(3, 10))
    finally:
        runner.close()
