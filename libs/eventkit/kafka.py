"""A thin layer over kafka-python: every producer, consumer and admin client VaxTrail makes is built here.

Keeping construction in one place means the client settings that matter for correctness (idempotent
producer with ``acks=all``; consumers that never auto-commit) cannot drift between services, and a hot
path could swap the client library behind these functions if benchmarks demand it.
"""

from __future__ import annotations

import logging

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

logging.getLogger("kafka").setLevel(logging.WARNING)


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


def make_consumer(bootstrap: str, *, group_id: str | None, client_id: str, max_poll_records: int = 500,
                  instance_id: str | None = None, **overrides) -> KafkaConsumer:
    """A consumer that never commits by itself: the database's tracking table is the truth.

    ``instance_id`` turns on static group membership (KIP-345): a worker restarted with the same id
    (e.g. the pod or host name) takes its old place at once instead of waiting for the session timeout.
    """
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
    return KafkaConsumer(**options)


def make_admin(bootstrap: str, *, client_id: str = "vaxtrail-admin", **overrides) -> KafkaAdminClient:
    options = dict(bootstrap_servers=bootstrap.split(","), client_id=client_id, request_timeout_ms=10_000)
    options.update(overrides)
    return KafkaAdminClient(**options)


def check_kafka(bootstrap: str, *, client_id: str = "vaxtrail-readyz") -> None:
    """Readiness check: raises unless the cluster answers a metadata request within a few seconds."""
    admin = make_admin(bootstrap, client_id=client_id, bootstrap_timeout_ms=3_000, request_timeout_ms=5_000)
    try:
        admin.describe_cluster()
    finally:
        admin.close()


def kafka_reachable(bootstrap: str, *, client_id: str = "vaxtrail-status") -> bool:
    """:func:`check_kafka` as a yes/no answer (for status commands and start-up polling)."""
    try:
        check_kafka(bootstrap, client_id=client_id)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
