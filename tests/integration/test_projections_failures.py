"""Projection runner failures: only what the record itself causes is dead-lettered, and only at commit.

Malformed headers are dead-lettered as ``undecodable`` and the partition moves on; a transient database
error (a statement timeout) is retried and the record applied, never dead-lettered; dead letters produced
before a commit that then fails are retried as copies with the same identity; our own events in the DLQ
raise ``vaxtrail_dead_lettered_own_events_total``, foreign garbage does not.
"""

from __future__ import annotations

from collections import Counter

import pytest
from prometheus_client import REGISTRY

from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from eventkit.projections.deadletter import DeadLetter, group_copies

from .kafka_helpers import read_topic, wait_for
from .projection_world import (
    NULL_MARKER,
    TICK,
    Behaviour,
    NullHeaderValues,
    World,
    counting_projection,
    run_until,
)


@pytest.fixture
def world(database, infra, topic):
    w = World.make(database, infra.kafka_bootstrap, topic)
    yield w
    w.close()


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, {"service": "test", "projection": "applications", **labels}) or 0.0


def dlq_headers(world: World) -> list[dict[str, bytes]]:
    return [dict(r.headers) for r in read_topic(world.bootstrap, world.dlq_topic)]


def test_records_with_malformed_headers_are_dead_lettered_as_undecodable_and_the_partition_moves_on(world):
    world.append("T-0", b"1")
    world.publish()
    valid = to_record(world.store.read_after(0)[0])
    world.produce_raw(b"T-0", valid.value, [(k, b"\xff\xfe" if k == "ce_type" else v) for k, v in valid.headers])
    world.produce_raw(b"T-0", valid.value, [(k, NULL_MARKER if k == "ce_time" else v) for k, v in valid.headers])
    world.produce_raw(b"T-0", b"\x00garbage", [(k, v) for k, v in valid.headers if k != "vaxtrail_hash"])
    world.append("T-0", b"2")
    world.publish()
    undecodable, own = metric("vaxtrail_dead_lettered_total", reason="undecodable"), metric(
        "vaxtrail_dead_lettered_own_events_total", event_type=TICK)

    runner = world.runner(counting_projection(world.events_topic, Behaviour()), app="malformed",
                          wrap_consumer=NullHeaderValues)
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications() == Counter({("T-0", "1"): 1, ("T-0", "2"): 1}),
             what="the partition to move past the malformed records")

    letters = [dict(h) for h in dlq_headers(world)]
    assert [h["vaxtrail_dlq_reason"] for h in letters] == [b"undecodable"] * 3
    assert [h["vaxtrail_dlq_offset"] for h in letters] == [b"1", b"2", b"3"]
    assert b"ce_type is not UTF-8" in letters[0]["vaxtrail_dlq_error"]
    assert b"ce_time has no value" in letters[1]["vaxtrail_dlq_error"]
    assert b"missing header vaxtrail_hash" in letters[2]["vaxtrail_dlq_error"]
    assert letters[1]["vaxtrail_dlq_null_headers"] == b"ce_time"
    assert all(h["vaxtrail_dlq_event_id"] == b"" and h["vaxtrail_dlq_own_event"] == b"false" for h in letters)
    assert metric("vaxtrail_dead_lettered_total", reason="undecodable") == undecodable + 3
    assert metric("vaxtrail_dead_lettered_own_events_total", event_type=TICK) == own, "garbage is not our event"


def test_a_statement_timeout_while_isolating_a_poison_record_is_retried_and_the_record_applied(world):
    world.append("T-0", b"1", b"poison", b"slow", b"2")
    world.publish()
    timeouts: list[str] = []

    def time_out_once(conn, event, payload: bytes) -> None:
        if payload == b"slow" and not timeouts:
            timeouts.append("raised")
            conn.execute("SET LOCAL statement_timeout = '20ms'")
            conn.execute("SELECT pg_sleep(5)")  # -> psycopg.errors.QueryCanceled, from the server

    behaviour = Behaviour(broken={b"poison"}, before=[time_out_once])
    own, retries = metric("vaxtrail_dead_lettered_own_events_total", event_type=TICK), metric(
        "vaxtrail_projection_retries_total", error="QueryCanceled")
    runner = world.runner(counting_projection(world.events_topic, behaviour), app="timeout")
    run_until(runner, lambda: world.applications()[("T-0", "2")] == 1, "the last record to be applied")

    assert timeouts == ["raised"]
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "slow"): 1, ("T-0", "2"): 1})
    letters = [DeadLetter.from_kafka(r) for r in read_topic(world.bootstrap, world.dlq_topic)]
    assert [(d.reason, d.source_offset) for d in letters] == [("apply-failed", 1)], "only the poison record"
    assert "cannot apply b'poison'" in letters[0].error and letters[0].own and letters[0].event_type == TICK
    assert metric("vaxtrail_projection_retries_total", error="QueryCanceled") == retries + 1
    assert metric("vaxtrail_dead_lettered_own_events_total", event_type=TICK) == own + 1


def test_dead_letters_produced_before_a_commit_that_fails_are_copies_with_one_identity(world):
    world.append("T-0", b"1", b"poison", b"2")
    world.publish()
    flushes: list[int] = []

    class KillTheTransactionOnFirstFlush:
        def __init__(self) -> None:
            self._producer = make_producer(world.bootstrap, client_id="dlq")

        def send(self, *args, **kwargs):
            return self._producer.send(*args, **kwargs)

        def flush(self, timeout=None):
            self._producer.flush(timeout=timeout)
            if not flushes:  # the dead letter is in Kafka; now the database commit will fail
                flushes.append(world.terminate("commit-fails"))

        def close(self, timeout=None):
            self._producer.close(timeout=timeout)

    dead_lettered = metric("vaxtrail_dead_lettered_total", reason="apply-failed")
    runner = world.runner(counting_projection(world.events_topic, Behaviour(broken={b"poison"})),
                          app="commit-fails", dlq_factory=KillTheTransactionOnFirstFlush)
    run_until(runner, lambda: world.applications()[("T-0", "2")] == 1, "the batch to commit on retry")

    assert flushes == [1], "the runner's transaction was not open while it produced the dead letter"
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "2"): 1})
    event_id = str(world.store.read_after(0)[1].event_id).encode()
    copies = dlq_headers(world)
    assert len(copies) == 2
    for headers in copies:
        assert (headers["vaxtrail_dlq_projection"], headers["vaxtrail_dlq_topic"], headers["vaxtrail_dlq_partition"],
                headers["vaxtrail_dlq_offset"], headers["vaxtrail_dlq_event_id"]) == (
            b"applications", world.events_topic.encode(), b"0", b"1", event_id)
    groups = group_copies(DeadLetter.from_kafka(r) for r in read_topic(world.bootstrap, world.dlq_topic))
    assert [len(g) for g in groups] == [2]
    assert metric("vaxtrail_dead_lettered_total", reason="apply-failed") == dead_lettered + 1, "counted at commit"
