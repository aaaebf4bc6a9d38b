"""Helpers of the analysts' tests (replay, export, report): a read model's rows, whether a projection has
caught up with its topics, and the environment ``vaxtrail`` commands read for one service."""

from __future__ import annotations

import psycopg
from kafka import TopicPartition
from psycopg import sql

from eventkit.kafka import make_consumer

from .kafka_helpers import wait_for


def rows(database_url: str, schema: str, table: str) -> list[tuple]:
    """Every row of ``schema.table``, sorted (text form, so any column type compares)."""
    with psycopg.connect(database_url) as conn:
        fetched = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table))).fetchall()
    return sorted(fetched, key=lambda row: tuple(str(v) for v in row))


def snapshot(database_url: str, schema: str, tables) -> dict[str, list[tuple]]:
    return {table: rows(database_url, schema, table) for table in tables}


def end_offsets(bootstrap: str, topics) -> dict[tuple[str, int], int]:
    consumer = make_consumer(bootstrap, group_id=None, client_id="analysts-test")
    try:
        parts = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        return {(tp.topic, tp.partition): o for tp, o in consumer.end_offsets(parts).items()}
    finally:
        consumer.close()


def tracked(database_url: str, projection: str, schema: str = "public") -> dict[tuple[str, int], int]:
    with psycopg.connect(database_url) as conn:
        found = conn.execute(sql.SQL('SELECT topic, partition, "offset" FROM {} WHERE projection = %s').format(
            sql.Identifier(schema, "projection_tracking")), (projection,)).fetchall()
    return {(t, p): o for t, p, o in found}


def wait_relayed(database_url: str, timeout: float = 120.0) -> None:
    """Wait until the service's relay has published every event its store holds."""
    def done() -> bool:
        with psycopg.connect(database_url) as conn:
            stored = conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0]
            cursor = conn.execute("SELECT coalesce(max(position), 0) FROM relay_cursor").fetchone()[0]
        return cursor >= stored
    wait_for(done, timeout=timeout, what="the relay to publish every stored event")


def wait_caught_up(database_url: str, bootstrap: str, projection: str, topics, timeout: float = 120.0) -> None:
    """Wait until the service's relay has published its events and the live projection has applied every
    record then on its topics."""
    wait_relayed(database_url, timeout)
    def done() -> bool:
        ends, seen = end_offsets(bootstrap, topics), tracked(database_url, projection)
        return all(seen.get(tp, -1) + 1 >= end for tp, end in ends.items() if end)
    wait_for(done, timeout=timeout, what=f"{projection} to catch up with {', '.join(topics)}")


def cli_env(monkeypatch, tmp_path, *, bootstrap: str, **database_urls: str) -> None:
    """The variables a ``vaxtrail`` command reads, for services running under the test suite."""
    monkeypatch.setenv("VAXTRAIL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("KAFKA_BOOTSTRAP", bootstrap)
    for service, url in database_urls.items():
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", url)


def publish(bootstrap: str, topic: str, items, *, producer: str = "registration/test", copies: int = 1) -> list:
    """Produce ``(aggregate_type, aggregate_id, message)`` items as a relay would; returns the StoredEvents.

    ``copies`` > 1 sends each record that many times (the relay's at-least-once duplicates).
    """
    from datetime import UTC, datetime

    from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
    from eventkit.kafka import make_producer
    from eventkit.kafka_record import to_record

    sender = make_producer(bootstrap, client_id="analysts-tests")
    events, futures = [], []
    try:
        for position, (aggregate_type, aggregate_id, message) in enumerate(items, start=1):
            now = datetime.now(UTC)
            unsigned = StoredEvent(
                position=position, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name,
                aggregate_type=aggregate_type, aggregate_id=aggregate_id, aggregate_version=1, occurred_at=now,
                recorded_at=now, producer=producer, actor_id=f"actor-of-{aggregate_id}", actor_role="citizen",
                correlation_id=str(uuid7()), causation_id="", idempotency_key=None,
                payload=message.SerializeToString(deterministic=True), prev_hash=GENESIS_HASH, hash=b"")
            event = StoredEvent(**{**unsigned.__dict__, "hash": compute_hash(GENESIS_HASH, unsigned)})
            record = to_record(event)
            for _ in range(copies):
                futures.append(sender.send(topic, key=record.key, value=record.value, headers=record.headers))
            events.append(event)
        sender.flush()
        for future in futures:
            future.get(timeout=30)
    finally:
        sender.close(timeout=5)
    return events
