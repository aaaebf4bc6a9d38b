"""The consumer stall, reproduced against the real broker: a rebalance that outlives the poll that started it.

kafka-python 3.0.12 applies a group's JoinGroup + SyncGroup round trip only while a ``poll()`` waits for it.
When the group leader sees new partitions it asks for a rebalance; if the round trip finishes after the poll
returned, that request is already cleared and the result is never applied: the consumer stays
``REBALANCING`` with its old partitions assigned and - because it has a rebalance listener, as the projection
runner does - none of them fetchable. On a loaded 2-core machine a 500 ms poll was short enough; here
``poll(timeout_ms=0)`` makes the race certain. ``eventkit.kafka.GroupConsumer`` finishes a rebalance before
it polls (docs/architecture.md, "Assignment and stall guards"; ``tools/consumer_stall_repro.py``).
"""

from __future__ import annotations

import time
import uuid

from kafka import KafkaConsumer
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import MemberState

from eventkit.kafka import consumer_options, make_admin, make_consumer, make_producer

from .kafka_helpers import wait_for

FAST_METADATA = {"metadata_max_age_ms": 250}  # the leader notices the new partitions within a quarter second


class RunnerLikeListener(ConsumerRebalanceListener):
    """The projection runner seeks in its listener; having one is what makes kafka-python gate revoked
    partitions (``pending_revocation``) until the rebalance is applied."""

    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        pass


class Feed:
    """Produces to ``topic`` and counts what ``consumer`` polls."""

    def __init__(self, bootstrap: str, topic: str, consumer) -> None:
        self.bootstrap, self.topic, self.consumer = bootstrap, topic, consumer
        self.producer = make_producer(bootstrap, client_id="test-stall-feed")
        self.sent = self.received = 0

    def send(self, count: int = 1) -> None:
        for _ in range(count):
            self.producer.send(self.topic, key=uuid.uuid4().bytes, value=b"dose")
        self.producer.flush()
        self.sent += count

    def poll(self, timeout_ms: int) -> int:
        got = sum(len(batch) for batch in self.consumer.poll(timeout_ms=timeout_ms).values())
        self.received += got
        return got

    def steady(self) -> None:
        """Join, then read a first 20 records with ordinary polls."""
        self.consumer.subscribe([self.topic], listener=RunnerLikeListener())
        self.consumer.topics()  # the leader's metadata snapshot before the first join (as the runner does)
        self.send(20)
        wait_for(lambda: self.poll(500) >= 0 and self.received == self.sent, timeout=60,
                 what="the first 20 records")

    def grow_partitions(self, count: int) -> None:
        admin = make_admin(self.bootstrap)
        try:
            admin.create_partitions({self.topic: count})
        finally:
            admin.close()

    def short_polls(self) -> bool:
        """One step of a busy loop: a record produced, a poll that gives no time to wait, some work."""
        self.send()
        self.poll(0)
        time.sleep(0.1)
        return True

    def close(self) -> None:
        self.consumer.close(autocommit=False)
        self.producer.close()


def test_eventkits_consumer_applies_a_leader_rebalance_that_outlives_its_polls(infra, topic):
    name = topic(partitions=2)
    feed = Feed(infra.kafka_bootstrap, name, make_consumer(
        infra.kafka_bootstrap, group_id=f"test-stall-{uuid.uuid4().hex[:8]}", client_id="test-stall",
        instance_id="test", **FAST_METADATA))
    try:
        feed.steady()
        feed.grow_partitions(4)

        wait_for(lambda: feed.short_polls() and len(feed.consumer.assignment()) == 4
                 and feed.consumer.group_metadata().state == MemberState.STABLE,
                 timeout=60, interval=0, what="the rebalance applied: 4 partitions assigned")
        wait_for(lambda: feed.poll(500) >= 0 and feed.received == feed.sent, timeout=60,
                 what="every record read, from the old partitions and the new")
        assert {tp.partition for tp in feed.consumer.assignment()} == {0, 1, 2, 3}
    finally:
        feed.close()


def test_kafka_python_alone_leaves_that_rebalance_unapplied(infra, topic):
    """Why GroupConsumer exists. If this fails after a kafka-python upgrade, the upstream bug is fixed:
    drop GroupConsumer's workaround (eventkit/kafka.py) and this test."""
    name = topic(partitions=2)
    feed = Feed(infra.kafka_bootstrap, name, KafkaConsumer(**consumer_options(
        infra.kafka_bootstrap, group_id=f"test-stall-{uuid.uuid4().hex[:8]}", client_id="test-stall",
        instance_id="test", **FAST_METADATA)))
    try:
        feed.steady()
        generation = feed.consumer.group_metadata().generation_id
        feed.grow_partitions(4)
        wait_for(lambda: feed.short_polls() and feed.consumer.group_metadata().generation_id > generation,
                 timeout=60, interval=0, what="the leader's rebalance round trip (a new generation)")
        received = feed.received
        for _ in range(20):  # two more seconds of producing and polling
            feed.short_polls()

        assert feed.consumer.group_metadata().state == MemberState.REBALANCING
        assert len(feed.consumer.assignment()) == 2  # the old partitions, never replaced by the new assignment
        assert feed.received == received < feed.sent  # the stall: nothing returned while the topic grows
    finally:
        feed.close()
