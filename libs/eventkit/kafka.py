"""A thin layer over kafka-python: every producer, consumer and admin client VaxTrail makes is built here.

Keeping construction in one place means the client settings that matter for correctness (idempotent
producer with ``acks=all``; consumers that never auto-commit) cannot drift between services, and a hot
path could swap the client library behind these functions if benchmarks demand it. It is also where a
client bug is worked around once for everyone: :class:`GroupConsumer` (the consumer stall, below).
"""

from __future__ import annotations

import logging
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.structs import MemberState

logging.getLogger("kafka").setLevel(logging.WARNING)
log = logging.getLogger("eventkit.kafka")


def make_producer(bootstrap: str, *, client_id: str, linger_ms: int = 5, **overrides) -> KafkaProducer:
    """An idempotent producer: ``acks=all``, retries, at most 5 requests in flight (order is kept)."""
    options = dict(
        bootstrap_servers=bootstrap.split(","),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        max_in_flight_requests_per_connection=5,
        linger_ms=linger_ms,
        batch_size=256 * 1024,
        retries=2**31 - 1,
        delivery_timeout_ms=120_000,
        request_timeout_ms=30_000,
    )
    options.update(overrides)
    return KafkaProducer(**options)


class GroupConsumer(KafkaConsumer):
    """A ``KafkaConsumer`` whose ``poll()`` never leaves a group rebalance half done.

    kafka-python 3.0.12 (``BaseCoordinator.join_group_async``) applies a JoinGroup + SyncGroup round trip
    only while a ``poll()`` waits for it. When the round trip outlives the poll that started it (a 500 ms
    poll on a loaded 2-core machine), the result lands with nobody waiting and is never applied: if the
    rebalance was asked for by the group leader's metadata check (partitions appeared), finishing the round
    trip also clears that request, so the consumer stays ``REBALANCING`` for good - every partition still
    assigned, none fetchable when a rebalance listener is set, no heartbeat, no error. If it was asked for
    otherwise, the next poll throws the finished round trip away and starts another rebalance, and under
    load this can repeat for seconds. That was the projection runner's "stall" (docs/architecture.md,
    "Assignment and stall guards"; ``tools/consumer_stall_repro.py`` reproduces it against the local
    broker). Not yet reported upstream as of 3.0.12; drop this class once a fixed release is pinned.

    The workaround: before each poll, a group-managed consumer that is rebalancing (or asked to) waits
    for the rebalance to finish, up to ``join_wait_ms``; one left ``REBALANCING`` with nothing asking for a
    rebalance any more joins again. So a join is always applied, at the cost of at most one more rebalance.
    """

    def __init__(self, *topics, join_wait_ms: int = 10_000, **configs) -> None:
        super().__init__(*topics, **configs)
        self.join_wait_ms = join_wait_ms

    def poll(self, timeout_ms=0, max_records=None, update_offsets=True):
        if not self._closed and self.config["group_id"] is not None and self._subscription.partitions_auto_assigned():
            finish_rebalance(self._coordinator, self.group_metadata().state, wait_ms=self.join_wait_ms)
        return super().poll(timeout_ms=timeout_ms, max_records=max_records, update_offsets=update_offsets)


def finish_rebalance(coordinator, state: str, *, wait_ms: int) -> bool:
    """Wait (up to ``wait_ms``) for the group rebalance ``coordinator`` is in or asked for to be applied.

    ``state`` is the member state (``KafkaConsumer.group_metadata().state``). True when the consumer is a
    stable member afterwards (or was already), False if the rebalance is still going on after ``wait_ms``.
    """
    rejoin = coordinator.need_rejoin()
    if state == MemberState.STABLE and not rejoin:
        return True
    if not rejoin:  # a rebalance round trip finished that no poll applied, and nothing will ask again
        log.info("kafka consumer group %s: rebalance finished but never applied (kafka-python); joining again",
                 coordinator.group_id)
        coordinator.request_rejoin()
    return coordinator.ensure_active_group(timeout_ms=wait_ms)


def make_consumer(bootstrap: str, *, group_id: str | None, client_id: str, max_poll_records: int = 500,
                  instance_id: str | None = None, **overrides) -> GroupConsumer:
    """A consumer that never commits by itself: the database's tracking table is the truth.

    ``instance_id`` turns on static group membership (KIP-345): a worker restarted with the same id
    (e.g. the pod or host name) takes its old place at once instead of waiting for the session timeout.
    It is a :class:`GroupConsumer`: its polls finish any group rebalance they start.
    """
    return GroupConsumer(**consumer_options(bootstrap, group_id=group_id, client_id=client_id,
                                            max_poll_records=max_poll_records, instance_id=instance_id,
                                            **overrides))


def consumer_options(bootstrap: str, *, group_id: str | None, client_id: str, max_poll_records: int = 500,
                     instance_id: str | None = None, **overrides) -> dict:
    """The keyword arguments :func:`make_consumer` builds its consumer with (also for a plain
    ``KafkaConsumer`` in the stall reproduction and its test)."""
    options = dict(
        bootstrap_servers=bootstrap.split(","),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_poll_records,
        isolation_level="read_committed",
        fetch_max_wait_ms=100,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
    )
    if group_id is not None and instance_id is not None:
        options["group_instance_id"] = f"{group_id}:{instance_id}"
    options.update(overrides)
    return options


def topic_partitions(consumer: KafkaConsumer, topics, timeout: float = 60.0, *,
                     missing=lambda topic: TimeoutError(f"no partition metadata for {topic}")) -> list:
    """Every ``TopicPartition`` of ``topics`` as ``consumer``'s metadata knows them (waiting for each topic's up to
    ``timeout`` seconds; then raises ``missing(topic)``)."""
    from kafka import TopicPartition

    partitions = []
    for topic in topics:
        deadline = time.monotonic() + timeout
        while not (numbers := consumer.partitions_for_topic(topic)):
            if time.monotonic() > deadline:
                raise missing(topic)
            time.sleep(0.1)
        partitions += [TopicPartition(topic, p) for p in sorted(numbers)]
    return partitions


def make_admin(bootstrap: str, *, client_id: str = "vaxtrail-admin", **overrides) -> KafkaAdminClient:
    options = dict(bootstrap_servers=bootstrap.split(","), client_id=client_id, request_timeout_ms=10_000)
    options.update(overrides)
    return KafkaAdminClient(**options)


def check_kafka(bootstrap: str, *, client_id: str = "vaxtrail-readyz", **security) -> None:
    """Readiness check: raises unless the cluster answers a metadata request within a few seconds."""
    admin = make_admin(bootstrap, client_id=client_id, bootstrap_timeout_ms=3_000, request_timeout_ms=5_000,
                       **security)
    try:
        admin.describe_cluster()
    finally:
        admin.close()


def kafka_reachable(bootstrap: str, *, client_id: str = "vaxtrail-status", **security) -> bool:
    """:func:`check_kafka` as a yes/no answer (for status commands and start-up polling)."""
    try:
        check_kafka(bootstrap, client_id=client_id, **security)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
