"""The relay: publishes the event store to Kafka in position order (the outbox pattern's second half).

Loop: read the events after the stored cursor, send them all with the idempotent producer, ``flush``,
check that every send was acknowledged, and only then move the cursor. A crash anywhere in between
re-sends from the old cursor: consumers may see an event twice (they skip it by event id) but never
miss one, and the first copy of every event is in position order. The cursor never moves backwards
(``greatest``), so a relay that read an old batch cannot undo another's progress.

One active relay per service: :meth:`Relay.run` first takes a session-level advisory lock
(``pg_try_advisory_lock``) on a dedicated connection and holds it while it publishes; a relay that does
not get it waits ``leader_retry_seconds`` and tries again (a worker can run several replicas: one
publishes, the others stand by). The leader's lock connection is also the one it ``LISTEN``s on and moves
the cursor through: it is checked before every batch, so a leader whose lock connection dies (the lock is
then free for another relay) stops publishing at the next batch boundary, cannot move the cursor, and
steps back for ``leader_retry_seconds`` before it tries to lead again. Both sides of that connection run
TCP keepalives, so a vanished leader host frees the lock in about ten seconds, not hours.

The store ``NOTIFY``s on commit, so the leader wakes at once instead of polling (it still polls every
``idle_seconds`` as a safety net).
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

LEADER_LOCK_CLASS = 7_100_003
"""First key of the relay's advisory lock; the second is ``hashtext(relay name)``."""
_ADVANCE = (
    "INSERT INTO relay_cursor (name, position) VALUES (%s, %s)"
    " ON CONFLICT (name) DO UPDATE SET position = greatest(relay_cursor.position, excluded.position)"
)
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}


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
        leader_retry_seconds: float = 2.0,
        route=None,
    ) -> None:
        """``route(item) -> (topic, KafkaRecord)`` publishes another outbox than the event store (the partner
        feeds: records for many topics, :mod:`services.partner.feeds`); the default sends each stored event
        to ``topic``. ``store`` then needs only ``read_after(position, limit)`` and ``last_position()``."""
        self._store = store
        self._pool = pool
        self._producer_factory = producer_factory
        self._producer = None
        self.topic = topic
        self._service = service
        self._name = name
        self._batch_size = batch_size
        self._send_timeout = send_timeout
        self._leader_retry = leader_retry_seconds
        self._lock_conn: psycopg.Connection | None = None
        self._route = route or (lambda event: (self.topic, to_record(event)))

    @property
    def is_leader(self) -> bool:
        """True while :meth:`run` holds the leader lock."""
        return self._lock_conn is not None

    def cursor(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT position FROM relay_cursor WHERE name = %s", (self._name,)).fetchone()
        return row[0] if row else 0

    def _advance(self, position: int) -> None:
        if self._lock_conn is not None:  # only the leader's session moves the cursor
            self._lock_conn.execute(_ADVANCE, (self._name, position))
            return
        with self._pool.connection() as conn:
            conn.execute(_ADVANCE, (self._name, position))

    def publish_batch(self) -> int:
        """Publish the next batch after the cursor; returns how many events were published (0 = caught up).

        Under :meth:`run`, raises at once if the leader lock connection is gone.
        """
        if self._lock_conn is not None:
            self._lock_conn.execute("SELECT 1")  # still the leader? (a dead session has released the lock)
        cursor = self.cursor()
        events = self._store.read_after(cursor, self._batch_size)
        if not events:
            metrics.RELAY_LAG.labels(self._service).set(0)
            return 0
        if self._producer is None:
            self._producer = self._producer_factory()
        futures = []
        for event in events:
            topic, record = self._route(event)
            futures.append(self._producer.send(topic, key=record.key, value=record.value, headers=record.headers))
        self._producer.flush(timeout=self._send_timeout)
        for future in futures:
            future.get(timeout=self._send_timeout)  # raises if the broker did not acknowledge
        self._advance(events[-1].position)
        metrics.RELAY_PUBLISHED.labels(self._service).inc(len(events))
        metrics.RELAY_LAG.labels(self._service).set(max(0, self._store.last_position() - events[-1].position))
        return len(events)

    def run(self, stop: threading.Event, *, idle_seconds: float = 1.0, max_backoff: float = 10.0) -> None:
        """Lead and publish until ``stop`` is set; on errors back off, drop the producer and the lock, retry."""
        backoff = 0.2
        metrics.RELAY_LEADER.labels(self._service).set(0)
        while not stop.is_set():
            try:
                if self._lock_conn is None and not self._lead():
                    stop.wait(self._leader_retry)
                    continue
                while not stop.is_set() and self.publish_batch():
                    pass
                backoff = 0.2
                for _ in self._lock_conn.notifies(timeout=idle_seconds, stop_after=1):
                    pass
            except Exception:  # noqa: BLE001 - any failure: nothing was acknowledged past the cursor
                leading = self.is_leader
                log.exception("relay batch failed; retrying from the cursor", extra={"service": self._service})
                self._close_producer()
                self._resign()
                stop.wait(max(backoff, self._leader_retry if leading else 0.0))  # let a stand-by take over
                backoff = min(max_backoff, backoff * 2)
        self._close_producer()
        self._resign()

    def _lead(self) -> bool:
        """Try to take the leader lock on a new dedicated connection; True if this relay now leads."""
        conn = psycopg.connect(self._pool.conninfo, autocommit=True, application_name=f"{self._service}-relay",
                               **_KEEPALIVES)
        try:
            # The server side must notice a vanished client too, or its session would keep the lock for hours.
            for setting, value in (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                                   ("tcp_keepalives_count", 3)):
                conn.execute("SELECT set_config(%s, %s, false)", (setting, str(value)))
            locked = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                                  (LEADER_LOCK_CLASS, f"relay:{self._name}")).fetchone()[0]
            if not locked:
                conn.close()
                return False
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except BaseException:
            conn.close()
            raise
        self._lock_conn = conn
        metrics.RELAY_LEADER.labels(self._service).set(1)
        log.info("relay %s leads: publishing %s", self._name, self.topic, extra={"service": self._service})
        return True

    def _resign(self) -> None:
        if self._lock_conn is not None:
            self._lock_conn.close()  # ends the session: the lock is released
            self._lock_conn = None
            metrics.RELAY_LEADER.labels(self._service).set(0)
            log.info("relay %s stopped leading", self._name, extra={"service": self._service})

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
