"""``vaxtrail dlq list`` / ``replay``: a dead letter of a broken handler is applied once after the fix, and a
second replay does nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from eventkit.projections import Projection, rebuild
from eventkit.settings import Settings
from vaxtrail_cli.commands import dlq
from vaxtrail_cli.main import main

from .kafka_helpers import read_topic, wait_for
from .projection_world import TICK, Behaviour, World, counting_projection


@pytest.fixture
def world(database, infra, topic):
    w = World.make(database, infra.kafka_bootstrap, topic)
    yield w
    w.close()


class Wiring:
    """Stands in for ``services.<name>.bootstrap.WIRING``: finds the service's projections by name."""

    def __init__(self, *projections: Projection) -> None:
        self._projections = {p.name: p for p in projections}

    def projection(self, settings: Settings, name: str) -> Projection:
        return self._projections[name]


def vaxtrail(capsys, *argv: str) -> tuple[int, list[list[str]]]:
    code = main(list(argv))
    lines = capsys.readouterr().out.splitlines()
    return code, [line.split("\t") for line in lines if not line.startswith("#")]


def test_replay_applies_a_fixed_handlers_dead_letters_exactly_once_and_a_second_replay_does_nothing(
        world, monkeypatch, capsys):
    behaviour = Behaviour(broken={b"poison"})
    projection = counting_projection(world.events_topic, behaviour)
    world.append("T-0", b"1", b"poison", b"2")
    world.publish()
    runner = world.runner(projection, app="runner")
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "2")] == 1, what="the batch")
    poison = world.store.read_after(0)[1]
    settings = Settings(service="registration", database_url=world.database, kafka_bootstrap=world.bootstrap)
    monkeypatch.setattr(dlq, "load_service", lambda service: (settings, Wiring(projection)))
    cli = ("--topic", world.dlq_topic)

    code, rows = vaxtrail(capsys, "dlq", "list", "registration", *cli)
    assert code == 0 and rows[0] == list(dlq.COLUMNS)
    assert rows[1][:8] == [f"{world.events_topic}/0/1", "applications", "apply-failed", TICK, str(poison.event_id),
                           "yes", "1", "pending"]
    assert "cannot apply b'poison' yet" in rows[1][8]

    code, rows = vaxtrail(capsys, "dlq", "replay", "registration", *cli)  # not fixed yet: stays pending
    assert code == 1 and [r[0] for r in rows] == ["failed"]
    assert world.applications()[("T-0", "poison")] == 0

    behaviour.broken.clear()  # the fix is deployed
    code, rows = vaxtrail(capsys, "dlq", "replay", "registration", "--projection", "applications", *cli)
    assert code == 0 and [r[:3] for r in rows] == [["applied", f"{world.events_topic}/0/1", "applications"]]
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "poison"): 1, ("T-0", "2"): 1})

    code, rows = vaxtrail(capsys, "dlq", "replay", "registration", *cli)
    assert code == 0 and rows == []
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "poison"): 1, ("T-0", "2"): 1})
    code, rows = vaxtrail(capsys, "dlq", "list", "registration", *cli)
    assert rows[1][7] == "replayed:applied"
    # the runner, still consuming, does not apply it again either (nothing new on its partition)
    assert runner.poll_once(200) == 0 and world.applications()[("T-0", "poison")] == 1
    assert len(read_topic(world.bootstrap, world.dlq_topic)) == 1


def test_replay_skips_an_event_the_projection_applied_meanwhile(world, monkeypatch, capsys):
    behaviour = Behaviour(broken={b"poison"})
    projection = counting_projection(world.events_topic, behaviour)
    world.append("T-0", b"poison", b"1")
    world.publish()
    runner = world.runner(projection, app="runner")
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "1")] == 1, what="the batch")
    settings = Settings(service="registration", database_url=world.database, kafka_bootstrap=world.bootstrap)
    monkeypatch.setattr(dlq, "load_service", lambda service: (settings, Wiring(projection)))
    cli = ("--topic", world.dlq_topic)

    # The relay publishes the poison event again (at-least-once) and the fixed runner applies that copy.
    behaviour.broken.clear()
    with world.pool.connection() as conn:
        conn.execute("UPDATE relay_cursor SET position = 0")
    world.publish()
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "poison")] == 1,
             what="the duplicate to be applied")
    code, rows = vaxtrail(capsys, "dlq", "replay", "registration", *cli)
    assert code == 0 and [r[0] for r in rows] == ["already-applied"]
    assert world.applications() == Counter({("T-0", "1"): 1, ("T-0", "poison"): 1})


def test_after_a_rebuild_replay_leaves_a_record_the_runner_has_not_reached_to_the_runner(world, monkeypatch, capsys):
    behaviour = Behaviour(broken={b"poison"})
    projection = counting_projection(world.events_topic, behaviour)
    world.append("T-0", b"poison", b"1")
    world.publish()
    runner = world.runner(projection, app="runner")
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications()[("T-0", "1")] == 1, what="the batch")
    settings = Settings(service="registration", database_url=world.database, kafka_bootstrap=world.bootstrap)
    monkeypatch.setattr(dlq, "load_service", lambda service: (settings, Wiring(projection)))

    behaviour.broken.clear()
    rebuild(world.pool, projection)  # the runner will replay the topic from offset 0 itself, in order
    code, rows = vaxtrail(capsys, "dlq", "replay", "registration", "--topic", world.dlq_topic)
    assert code == 0 and [r[0] for r in rows] == ["left-to-runner"]
    assert world.applications() == Counter()
    wait_for(lambda: runner.poll_once(200) == 0 and world.applications() == Counter(
        {("T-0", "poison"): 1, ("T-0", "1"): 1}), what="the runner to replay the rebuilt projection")
