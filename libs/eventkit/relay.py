"""The relay: publishes the event store to Kafka in position order (the outbox pattern's second half).

Loop: read the events after the stored cursor, send them all with the idempotent producer, ``flush``,
check that every send was acknowledged, and only then move the cursor. A crash anywhere in between
re-sends from the old cursor: consumers may see an event twice (they skip it by event id) but never
miss one, and the first copy of every event is in position order. The store ``NOTIFY``s on commit, so
the relay wakes at once instead of polling (it still polls every ``idle_seconds`` as a safety net).
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from psycopg_pool import ConnectionPool

from eventkit import metrics
from eventkit.kafka_record import to_record
from eventkit.store.postgres import NOTIFY_CHANNEL, PostgresEventStore

log = logging.getLogger(__name__)


class Relay:
    def __init__(
        self,
        store: PostgresEventStore,
        pool: ConnectionPool,
        producer_factory,
        *,
        topic: str,
        service: str,
        name: str = "kafka",
        batch_size: int = 500,
        send_timeout: float = 60.0,
    ) -> None:
        self._store = store
        self._pool = pool
        self._producer_factory = producer_factory
        self._producer = None
        self.topic = topic
        self._service = service
        self._name = name
        self._batch_size = batch_size
        self._send_timeout = send_timeout

    def cursor(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT position FROM relay_cursor WHERE name = %s", (self._name,)).fetchone()
        return row[0] if row else 0

    def _advance(self, position: int) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO relay_cursor (name, position) VALUES (%s, %s)"
                " ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                (self._name, position),
            )

    def publish_batch(self) -> int:
        """Publish the next batch after the cursor; returns how many events were published (0 = caught up)."""
        cursor = self.cursor()
        events = self._store.read_after(cursor, self._batch_size)
        if not events:
            metrics.RELAY_LAG.labels(self._service).set(0)
            return 0
        if self._producer is None:
            self._producer = self._producer_factory()
        futures = []
        for event in events:
            record = to_record(event)
            futures.append(self._producer.send(self.topic, key=record.key, value=record.value, headers=record.headers))
        self._producer.flush(timeout=self._send_timeout)
        for future in futures:
            future.get(timeout=self._send_timeout)  # raises if the broker did not acknowledge
        self._advance(events[-1].position)
        metrics.RELAY_PUBLISHED.labels(self._service).inc(len(events))
        metrics.RELAY_LAG.labels(self._service).set(max(0, self._store.last_position() - events[-1].position))
        return len(events)

    def run(self, stop: threading.Event, *, idle_seconds: float = 1.0, max_backoff: float = 10.0) -> None:
        """Publish until ``stop`` is set; on errors back off, drop the producer and retry from the cursor."""
        backoff = 0.2
        listener = None
        while not stop.is_set():
            try:
                if listener is None:
                    listener = psycopg.connect(self._pool.conninfo, autocommit=True)
                    listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                while not stop.is_set() and self.publish_batch():
                    pass
                backoff = 0.2
                for _ in listener.notifies(timeout=idle_seconds, stop_after=1):
                    pass
            except Exception:  # noqa: BLE001 - any failure: nothing was acknowledged past the cursor
                log.exception("relay batch failed; retrying from the cursor", extra={"service": self._service})
                self._close_producer()
                if listener is not None:
                    listener.close()
                    listener = None
                stop.wait(backoff)
                backoff = min(max_backoff, backoff * 2)
        self._close_producer()
        if listener is not None:
            listener.close()

    def _close_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=5)
            except Exception:  # noqa: BLE001
                log.warning("closing the relay producer failed", exc_info=True)
            self._producer = None


def wait_until_published(relay: Relay, store: PostgresEventStore, timeout: float = 30.0) -> None:
    """Test and CLI helper: block until the relay cursor reaches the store's last position."""
    deadline = time.monotonic() + timeout
    target = store.last_position()
    while relay.cursor() < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"relay cursor {relay.cursor()} did not reach {target} in {timeout}s")
        time.sleep(0.05)
