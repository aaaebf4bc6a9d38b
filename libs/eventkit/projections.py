"""Projection runner: Kafka topics -> a read model in the service's own database, exactly once in effect.

A :class:`Projection` names its topics, the event types it applies (``handlers``) and the ones it skips on
purpose (``ignored``); any other type, and any record that cannot be decoded or applied, is dead-lettered.

Per poll, one PostgreSQL transaction holds the read-model changes, the new (topic, partition, offset)
tracking rows and the ids of the events applied. Kafka offsets are committed afterwards as a hint only:
on start and after every rebalance the runner seeks each partition to the offset the database recorded.
So a kill at any moment loses nothing (uncommitted work is re-read) and applies nothing twice (records at
or below the tracked offset, and event ids already processed - the relay may publish an event twice - are
skipped).

Poison records: the batch is first applied in one go; if anything raises, it is rolled back and applied
again record by record inside savepoints, and the records that still fail go to the service's
dead-letter topic (with the error in headers and a metric) before the transaction that moves past them
commits. The partition never blocks. Database connection errors are not poison: the batch is retried.

:func:`rebuild` empties a projection's tables and tracking in one transaction and bumps its generation;
a running runner notices the new generation and replays from offset 0.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from psycopg import sql
from psycopg_pool import ConnectionPool

from eventkit import metrics
from eventkit.envelope import StoredEvent
from eventkit.kafka_record import NotAnEvent, from_record

log = logging.getLogger(__name__)

Handler = Callable[[psycopg.Connection, StoredEvent, Any], None]
Decoder = Callable[[str, bytes], Any]


@dataclass(frozen=True)
class Projection:
    """A read model: ``handlers`` maps event type -> ``handler(conn, event, message)``."""

    name: str
    topics: tuple[str, ...]
    handlers: Mapping[str, Handler]
    ignored: frozenset[str] = frozenset()
    tables: tuple[str, ...] = ()
    decoder: Decoder | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class _RebuildStarted(Exception):
    """The projection was rebuilt since this runner last looked: drop the batch and seek back."""


class _Poison(Exception):
    """A record this projection cannot take (raised inside the per-record savepoint)."""


def rebuild(pool: ConnectionPool, projection: Projection) -> None:
    """Empty the read model and its tracking; the runner replays the topics from offset 0."""
    with pool.connection() as conn, conn.transaction():
        conn.execute(
            "INSERT INTO projection_generation (projection, generation) VALUES (%s, 1)"
            " ON CONFLICT (projection) DO UPDATE SET generation = projection_generation.generation + 1",
            (projection.name,),
        )
        for table in projection.tables:
            conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
        conn.execute("DELETE FROM projection_tracking WHERE projection = %s", (projection.name,))
        conn.execute("DELETE FROM processed_events WHERE projection = %s", (projection.name,))


class ProjectionRunner:
    def __init__(
        self,
        projection: Projection,
        pool: ConnectionPool,
        consumer_factory: Callable[[str], Any],
        dlq_producer_factory: Callable[[], Any],
        *,
        service: str,
        dlq_topic: str,
        batch_size: int = 500,
        stall_seconds: float = 5.0,
    ) -> None:
        self.projection = projection
        self._pool = pool
        self._consumer_factory = consumer_factory
        self._dlq_factory = dlq_producer_factory
        self._dlq = None
        self._service = service
        self._dlq_topic = dlq_topic
        self._batch_size = batch_size
        self._consumer = None
        self._generation: int | None = None
        self._stall_seconds = stall_seconds
        self._last_progress = time.monotonic()
        self._last_stall_check = 0.0
        self._behind_since: float | None = None

    # -- positions -------------------------------------------------------------------------------------
    def tracked(self, conn: psycopg.Connection | None = None) -> dict[tuple[str, int], int]:
        query = 'SELECT topic, partition, "offset" FROM projection_tracking WHERE projection = %s'
        if conn is not None:
            rows = conn.execute(query, (self.projection.name,)).fetchall()
        else:
            with self._pool.connection() as c:
                rows = c.execute(query, (self.projection.name,)).fetchall()
        return {(t, p): o for t, p, o in rows}

    def _current_generation(self, conn: psycopg.Connection) -> int:
        row = conn.execute(
            "SELECT generation FROM projection_generation WHERE projection = %s FOR SHARE", (self.projection.name,)
        ).fetchone()
        return row[0] if row else 0

    def _seek_to_tracked(self, partitions) -> None:
        tracked = self.tracked()
        for tp in partitions:
            offset = tracked.get((tp.topic, tp.partition))
            if offset is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, offset + 1)
        log.info("projection %s: assigned %s", self.projection.name,
                 ", ".join(f"{tp.topic}/{tp.partition}@{tracked.get((tp.topic, tp.partition), -1) + 1}"
                           for tp in sorted(partitions)) or "nothing")

    # -- the loop --------------------------------------------------------------------------------------
    def start(self) -> None:
        runner = self

        class _Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                pass

            def on_partitions_assigned(self, assigned):
                runner._seek_to_tracked(assigned)

        self._consumer = self._consumer_factory(f"{self._service}.{self.projection.name}")
        self._last_progress, self._behind_since = time.monotonic(), None
        self._await_metadata()
        self._consumer.subscribe(topics=list(self.projection.topics), listener=_Listener())
        with self._pool.connection() as conn:
            self._generation = self._current_generation(conn)

    def _await_metadata(self, timeout: float = 60.0) -> None:
        """Know every partition of every topic before joining the group.

        A group leader assigns only the partitions in its metadata cache; with kafka-python, a consumer that
        joins before the cache holds its topics logs "No partition metadata for topic ..." and was seen to
        leave a partition unassigned for good (a person's registration never reached the certificate
        service's read model). Fetching the metadata first makes the first assignment complete.
        """
        deadline = time.monotonic() + timeout
        for topic in self.projection.topics:
            while not self._consumer.partitions_for_topic(topic):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no partition metadata for {topic} after {timeout:.0f}s; does it exist?")
                time.sleep(0.1)

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Poll and apply one batch; returns the number of records consumed (applied, skipped or dead-lettered)."""
        if self._consumer is None:
            self.start()
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=self._batch_size)
        self._report_lag()
        if not batches:
            self._check_generation()
            self._restart_if_stalled()
            return 0
        self._last_progress = time.monotonic()
        self._behind_since = None
        records = [r for tp in sorted(batches, key=lambda t: (t.topic, t.partition)) for r in batches[tp]]
        if not self._apply(records):
            return 0
        self._consumer.commit()  # a hint: the database tracking table is the truth
        return len(records)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.poll_once()
            except psycopg.OperationalError:
                log.exception("projection %s: database unavailable; retrying", self.projection.name)
                self._reset_consumer()
                stop.wait(1.0)
            except Exception:  # noqa: BLE001 - never die silently; restart the consumer from tracking
                log.exception("projection %s: batch failed; restarting from tracked offsets", self.projection.name)
                self._reset_consumer()
                stop.wait(1.0)
        self.close()

    def close(self) -> None:
        self._reset_consumer()
        if self._dlq is not None:
            self._dlq.close(timeout=5)
            self._dlq = None

    def _reset_consumer(self) -> None:
        if self._consumer is not None:
            try:
                self._consumer.close(autocommit=False)
            except Exception:  # noqa: BLE001
                log.warning("closing consumer failed", exc_info=True)
            self._consumer = None

    def _restart_if_stalled(self) -> None:
        """Restart the consumer when it returns nothing while its partitions are behind.

        Seen on a loaded 2-core machine: a kafka-python consumer with every partition assigned stopped
        returning records while its topics grew (no error logged), and a read model fell behind for good.
        At most every ``stall_seconds`` of silence, ask the broker for the partitions' end offsets; if some
        are ahead of our position at two checks in a row with no record in between, close the consumer - the
        next poll builds a new one, which seeks to the offsets the database tracked, so nothing is lost or
        applied twice.
        """
        now = time.monotonic()
        if now - self._last_progress < self._stall_seconds or now - self._last_stall_check < self._stall_seconds:
            return
        self._last_stall_check = now
        assigned = list(self._consumer.assignment())
        if not assigned:
            return
        ends = self._consumer.end_offsets(assigned)
        behind = {tp: ends[tp] - self._consumer.position(tp) for tp in assigned
                  if ends.get(tp) is not None and ends[tp] > self._consumer.position(tp)}
        if not behind:
            self._behind_since = None
            return
        if self._behind_since is None:  # records may just have arrived: look again one interval later
            self._behind_since = now
            return
        if now - self._behind_since >= self._stall_seconds:
            self._behind_since = None
            log.warning("projection %s: no records for %.0f s while %d partition(s) are %d record(s) behind;"
                        " restarting its consumer", self.projection.name, now - self._last_progress,
                        len(behind), sum(behind.values()))
            metrics.PROJECTION_RESTARTS.labels(self._service, self.projection.name).inc()
            self._reset_consumer()

    def _check_generation(self) -> bool:
        """True if a rebuild happened since we last looked (then partitions were re-sought)."""
        with self._pool.connection() as conn:
            generation = self._current_generation(conn)
        if generation != self._generation:
            self._generation = generation
            self._seek_to_tracked(self._consumer.assignment())
            return True
        return False

    def _apply(self, records) -> bool:
        try:
            return self._apply_batch(records, isolate=False)
        except _RebuildStarted:
            self._check_generation()  # seeks back to the (now empty) tracked offsets
            return False
        except psycopg.OperationalError:
            raise
        except Exception:  # noqa: BLE001 - find the poison record(s) one by one
            log.warning("projection %s: batch failed, isolating records", self.projection.name, exc_info=True)
            return self._apply_batch(records, isolate=True)

    def _apply_batch(self, records, *, isolate: bool) -> bool:
        name = self.projection.name
        dead: list[tuple[Any, str, str]] = []
        with self._pool.connection() as conn, conn.transaction():
            if self._current_generation(conn) != self._generation:
                raise _RebuildStarted
            tracked = self.tracked(conn)
            fresh = [r for r in records if r.offset > tracked.get((r.topic, r.partition), -1)]
            decoded: list[tuple[Any, StoredEvent | None, str | None]] = []
            for record in fresh:
                try:
                    decoded.append((record, from_record(record.key, record.value, record.headers or []), None))
                except NotAnEvent as exc:
                    decoded.append((record, None, f"not-an-event: {exc}"))
            ids = [e.event_id for _, e, _ in decoded if e is not None]
            seen = {
                row[0]
                for row in conn.execute(
                    "SELECT event_id FROM processed_events WHERE projection = %s AND event_id = ANY(%s)", (name, ids)
                )
            } if ids else set()
            applied: list = []
            # Fast path: pipeline mode queues every statement without waiting for its result (one network
            # round trip per batch instead of one per event); a failure surfaces at the end of the block and
            # sends the batch to the isolating path, whose per-record savepoints run unpipelined.
            with contextlib.nullcontext() if isolate else conn.pipeline():
                self._apply_records(conn, decoded, seen, applied, dead, isolate=isolate)
            if applied:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO processed_events (projection, event_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        [(name, i) for i in applied],
                    )
            last: dict[tuple[str, int], int] = {}
            for record in records:
                key = (record.topic, record.partition)
                last[key] = max(last.get(key, -1), record.offset)
            with conn.cursor() as cur:
                cur.executemany(
                    'INSERT INTO projection_tracking (projection, topic, partition, "offset") VALUES (%s, %s, %s, %s)'
                    ' ON CONFLICT (projection, topic, partition) DO UPDATE SET "offset" ='
                    ' greatest(projection_tracking."offset", excluded."offset")',
                    [(name, t, p, o) for (t, p), o in last.items()],
                )
            if dead:
                self._dead_letter(dead)  # durable in Kafka before we commit past these records
        metrics.PROJECTION_APPLIED.labels(self._service, name).inc(len(applied))
        return True

    def _apply_records(self, conn, decoded, seen: set, applied: list, dead: list, *, isolate: bool) -> None:
        for record, event, error in decoded:
            if event is None:
                dead.append((record, "undecodable", error))
                continue
            if event.event_id in seen:
                continue
            seen.add(event.event_id)
            try:
                if isolate:
                    with conn.transaction():
                        self._apply_one(conn, event)
                else:
                    self._apply_one(conn, event)
                applied.append(event.event_id)
            except _Poison as exc:
                dead.append((record, "unknown-event-type", str(exc)))
            except Exception as exc:  # noqa: BLE001
                if not isolate:
                    raise
                dead.append((record, "apply-failed", "".join(traceback.format_exception_only(exc)).strip()))

    def _apply_one(self, conn: psycopg.Connection, event: StoredEvent) -> None:
        projection = self.projection
        handler = projection.handlers.get(event.event_type)
        if handler is None:
            if event.event_type in projection.ignored:
                return
            raise _Poison(f"{projection.name} neither handles nor ignores {event.event_type}")
        message = projection.decoder(event.event_type, event.payload) if projection.decoder else event.payload
        handler(conn, event, message)

    def _dead_letter(self, dead: Sequence[tuple[Any, str, str]]) -> None:
        if self._dlq is None:
            self._dlq = self._dlq_factory()
        futures = []
        for record, reason, error in dead:
            headers = list(record.headers or []) + [
                ("vaxtrail_dlq_projection", self.projection.name.encode()),
                ("vaxtrail_dlq_reason", reason.encode()),
                ("vaxtrail_dlq_error", error[:4000].encode()),
                ("vaxtrail_dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
            ]
            futures.append(self._dlq.send(self._dlq_topic, key=record.key, value=record.value, headers=headers))
            metrics.DEAD_LETTERED.labels(self._service, self.projection.name, reason).inc()
            log.error(
                "dead-lettered %s/%s/%s for %s: %s %s",
                record.topic, record.partition, record.offset, self.projection.name, reason, error,
            )
        self._dlq.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)

    def _report_lag(self) -> None:
        consumer = self._consumer
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            metrics.PROJECTION_LAG.labels(self._service, self.projection.name, tp.topic).set(
                max(0, high - consumer.position(tp))
            )


__all__ = ["Projection", "ProjectionRunner", "rebuild"]
