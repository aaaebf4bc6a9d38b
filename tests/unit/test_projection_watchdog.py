"""The projection runner restarts a consumer that stays behind without returning records (no servers)."""

from __future__ import annotations

from kafka import TopicPartition

from eventkit.projections import Projection, ProjectionRunner
from eventkit.projections import consumer as consumer_care

PARTITION = TopicPartition("vaxtrail.immunization.v1", 0)


class StalledConsumer:
    def __init__(self, end: int, position: int) -> None:
        self.end, self.at, self.closed = end, position, False

    def assignment(self):
        return {PARTITION}

    def end_offsets(self, partitions):
        return {tp: self.end for tp in partitions}

    def position(self, tp):
        return self.at

    def close(self, autocommit=True):
        self.closed = True


def runner_with(consumer, monkeypatch, clock) -> ProjectionRunner:
    monkeypatch.setattr(consumer_care.time, "monotonic", lambda: clock[0])
    runner = ProjectionRunner(Projection("site_usage", (PARTITION.topic,), {}), None, lambda group: consumer,
                              lambda: None, service="inventory", dlq_topic="vaxtrail.inventory.dlq.v1")
    runner._consumer, runner._last_progress = consumer, clock[0]
    return runner


def test_a_consumer_behind_at_two_checks_without_records_is_restarted(monkeypatch):
    clock = [100.0]
    consumer = StalledConsumer(end=122, position=0)
    runner = runner_with(consumer, monkeypatch, clock)
    clock[0] = 106.0
    runner._restart_if_stalled()  # first sighting: records may just have arrived
    assert runner._consumer is consumer and not consumer.closed
    clock[0] = 112.0
    runner._restart_if_stalled()
    assert runner._consumer is None and consumer.closed  # the next poll builds a new one from DB offsets


def test_a_caught_up_consumer_is_left_alone(monkeypatch):
    clock = [100.0]
    consumer = StalledConsumer(end=122, position=122)
    runner = runner_with(consumer, monkeypatch, clock)
    for now in (106.0, 112.0, 118.0):
        clock[0] = now
        runner._restart_if_stalled()
    assert runner._consumer is consumer and not consumer.closed


def test_progress_between_checks_cancels_a_restart(monkeypatch):
    clock = [100.0]
    consumer = StalledConsumer(end=122, position=0)
    runner = runner_with(consumer, monkeypatch, clock)
    clock[0] = 106.0
    runner._restart_if_stalled()
    runner._last_progress, runner._behind_since = 108.0, None  # a poll returned records (as poll_once does)
    clock[0] = 112.0
    runner._restart_if_stalled()
    assert runner._consumer is consumer and not consumer.closed
