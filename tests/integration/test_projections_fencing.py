"""Projection runners that race: a zombie on the same partition, a first rebuild during a batch.

The interleavings are forced, not hoped for: a :class:`Gate` stops one runner inside its batch
transaction, and the test waits until the other party is either blocked on a lock in PostgreSQL
(``pg_stat_activity``) or has gone past the point where it could have been blocked, before it releases.
"""

from __future__ import annotations

from collections import Counter

import pytest

from eventkit.projections import rebuild

from .kafka_helpers import wait_for
from .projection_world import Behaviour, Gate, World, counting_projection, in_thread


@pytest.fixture
def world(database, infra, topic):
    w = World.make(database, infra.kafka_bootstrap, topic)
    yield w
    w.close()


def ticks(*numbers: int) -> Counter:
    return Counter({("T-0", str(n)): 1 for n in numbers})


def test_two_runners_on_one_partition_apply_each_record_exactly_once(world):
    world.append("T-0", *[str(n).encode() for n in range(1, 11)])
    world.publish()
    gate = Gate()
    entered_second: list[bytes] = []
    spy = Behaviour(before=[lambda conn, event, payload: entered_second.append(payload)])
    # Two consumer groups poll the same records, like a zombie that still holds what it polled; both write
    # the same read model, tracking rows and processed ids (one projection name).
    first = world.runner(counting_projection(world.events_topic, Behaviour(before=[gate])), app="first", group="a")
    second = world.runner(counting_projection(world.events_topic, spy), app="second", group="b")

    gate.arm()  # the first runner stops inside its batch transaction, at its first record
    first_thread, first_outcome = in_thread(lambda: wait_for(lambda: first.poll_once(200), what="a first batch"))
    assert gate.entered.wait(90), "the first runner never reached its handler"
    # The second runner must wait for the first's tracking row - or, without fencing, it applies them too.
    second_thread, second_outcome = in_thread(lambda: wait_for(lambda: second.poll_once(200), what="a batch"))
    blocked = wait_for(lambda: world.blocked_on_lock("second") or entered_second or second_outcome,
                       what="the second runner to block on the first's lock or to apply")
    gate.release()
    first_thread.join(60)
    second_thread.join(60)

    assert "error" not in first_outcome and "error" not in second_outcome
    assert entered_second == [], "the second runner applied records the first was applying"
    assert "projection_tracking" in blocked
    wait_for(lambda: second.poll_once(200) == 0 and first.poll_once(200) == 0, what="both runners idle")
    assert world.applications() == ticks(*range(1, 11))


def test_a_first_rebuild_during_a_batch_waits_for_it_and_no_event_is_lost(world):
    world.append("T-0", b"1", b"2", b"3", b"4", b"5")
    world.publish()
    gate = Gate()
    projection = counting_projection(world.events_topic, Behaviour(before=[gate]))
    runner = world.runner(projection, app="runner", batch_size=5)
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications() == ticks(1, 2, 3, 4, 5),
             what="the first events to be applied")
    world.append("T-0", b"6", b"7", b"8", b"9", b"10")
    world.publish()

    gate.arm()  # the next batch stops inside its transaction, before its first change to the read model
    batch_thread, batch = in_thread(lambda: wait_for(lambda: runner.poll_once(200), what="the second batch"))
    assert gate.entered.wait(90), "the runner never reached its handler"
    rebuild_pool = world.named_pool("rebuild")
    rebuild_thread, rebuilt = in_thread(lambda: rebuild(rebuild_pool, projection))  # the first rebuild ever
    wait_for(lambda: world.blocked_on_lock("rebuild") or rebuilt, what="the rebuild to block or finish")
    gate.release()
    batch_thread.join(60)
    rebuild_thread.join(60)
    assert "error" not in batch and "error" not in rebuilt

    # A rebuild replays from offset 0: every event ends up applied exactly once.
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications() == ticks(*range(1, 11)), timeout=60,
             what="the rebuilt read model to hold every event once")
