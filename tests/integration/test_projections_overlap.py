"""The worker loop overlaps decoding with the database, and the stream marks replace processed ids: what they
must never do - commit a batch after one that failed, apply a relay duplicate, or forget an event that was
applied by the per-event scheme before an upgrade."""

from __future__ import annotations

from collections import Counter

import psycopg
import pytest

from eventkit.projections import rebuild

from .kafka_helpers import wait_for
from .projection_world import Behaviour, World, counting_projection, run_until


@pytest.fixture
def world(database, infra, topic):
    w = World.make(database, infra.kafka_bootstrap, topic)
    yield w
    w.close()


def applied_in_order(world: World) -> list[str]:
    with world.pool.connection() as conn:
        return [r[0] for r in conn.execute("SELECT payload FROM applications ORDER BY ctid").fetchall()]


def test_no_batch_commits_after_one_that_failed_and_every_record_is_applied_once_in_order(world):
    world.append("T-0", *[str(n).encode() for n in range(1, 21)])
    world.publish()
    failures: list[str] = []

    def fail_once_on_seven(conn, event, payload: bytes) -> None:
        if payload == b"7" and not failures:
            failures.append("raised")
            conn.execute("SET LOCAL statement_timeout = '10ms'")
            conn.execute("SELECT pg_sleep(2)")  # a transient error: the batch rolls back and is retried

    behaviour = Behaviour(before=[fail_once_on_seven])
    runner = world.runner(counting_projection(world.events_topic, behaviour), app="overlap", batch_size=3)
    run_until(runner, lambda: len(applied_in_order(world)) >= 20, "every record applied")

    assert failures == ["raised"]
    assert applied_in_order(world) == [str(n) for n in range(1, 21)], "in order, each once: nothing committed " \
                                                                      "after the failed batch before its retry"


def test_a_relay_duplicate_is_skipped_by_the_stream_marks(world):
    world.append("T-0", b"1", b"2")
    world.append("T-1", b"3")
    world.publish()
    runner = world.runner(counting_projection(world.events_topic, Behaviour()), app="marks")
    wait_for(lambda: runner.poll_once(200) == 0 and sum(world.applications().values()) == 3, what="first copies")
    with world.pool.connection() as conn:
        conn.execute("UPDATE relay_cursor SET position = 0")  # the relay publishes everything again
        marks = conn.execute("SELECT stream, version FROM projection_streams WHERE projection = 'applications'"
                             " ORDER BY stream").fetchall()
    assert marks == [("T-0", 2), ("T-1", 1)], "one row per stream, at its highest version"
    world.publish()
    world.append("T-0", b"4")
    world.publish()
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "4")] == 1, what="the new event")
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "2"): 1, ("T-1", "3"): 1, ("T-0", "4"): 1})


def test_events_applied_before_the_upgrade_are_not_applied_again(world):
    world.append("T-0", b"1", b"2")
    world.publish()
    first, second = world.store.read_after(0)
    with psycopg.connect(world.database, autocommit=True) as conn:  # the per-event scheme applied both
        conn.execute("INSERT INTO applications (event_id, aggregate_id, payload) VALUES (%s, 'T-0', '1'),"
                     " (%s, 'T-0', '2')", (first.event_id, second.event_id))
        conn.execute("INSERT INTO processed_events (projection, event_id) VALUES ('applications', %s),"
                     " ('applications', %s)", (first.event_id, second.event_id))
        conn.execute("UPDATE relay_cursor SET position = 0")
    world.publish()  # duplicates at offsets the projection never tracked
    world.append("T-0", b"3")
    world.publish()
    projection = counting_projection(world.events_topic, Behaviour())
    runner = world.runner(projection, app="upgrade")
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "3")] == 1, what="the new event")
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "2"): 1, ("T-0", "3"): 1})

    rebuild(world.pool, projection)  # a rebuild forgets the old scheme's rows with everything else
    with psycopg.connect(world.database, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM processed_events").fetchone()[0] == 0
