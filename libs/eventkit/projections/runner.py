"""The projection runner's loop: poll a batch, apply it in one transaction, commit Kafka offsets as a hint.

One batch = one PostgreSQL transaction, in this order (see :mod:`eventkit.projections.model` for the
locks):

1. the generation row ``FOR SHARE`` (a rebuild since the runner last looked drops the batch and re-seeks);
2. the tracking rows of the batch's partitions ``FOR UPDATE``, re-read: records at or below them are
   skipped, so a second runner on the same partition (a zombie) cannot apply what the first committed;
3. sort the records (:func:`~eventkit.projections.batch.sort_records`), decide which events are new by
   their streams' version marks and apply them (:func:`~eventkit.projections.batch.apply_events`), first
   in one go (the projection's ``batch`` handler, if it has one), and if a record-caused error occurs,
   again record by record in savepoints, so that only the failing records are dead;
4. advance the tracking rows (and the stream marks, once per stream);
5. only then, and only if there are dead records: check deferred constraints, produce the dead letters to
   the DLQ and wait for every acknowledgement - the last thing before ``COMMIT``. Nothing reaches the DLQ
   before the work that moves past it has succeeded; if ``COMMIT`` itself fails, the batch is retried and
   its dead letters are produced again with the same identity headers, which ``vaxtrail dlq`` de-duplicates.

Transient database errors (:mod:`eventkit.projections.failures`) anywhere in a batch roll it back; the
consumer is rewound to the batch's first records and the batch is retried with back-off
(``vaxtrail_projection_retries_total``). They are never dead-lettered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg_pool import ConnectionPool

from eventkit import metrics
from eventkit.projections import deadletter
from eventkit.projections.batch import Sorted, apply_events, describe, sort_records
from eventkit.projections.consumer import ConsumerCare
from eventkit.projections.deadletter import DeadRecord
from eventkit.projections.dedupe import has_legacy_rows
from eventkit.projections.failures import is_transient
from eventkit.projections.model import (
    Projection,
    advance_tracking,
    ensure_generation,
    lock_tracking,
    share_generation,
)

log = logging.getLogger("eventkit.projections")


class _RebuildStarted(Exception):
    """The projection was rebuilt since this runner last looked: drop the batch and seek back."""


class _NeedsIsolation(Exception):
    """The batch failed in one go because of a record (not a transient error): retry record by record."""


@dataclass(frozen=True)
class _Outcome:
    applied: int
    dead: Sequence[DeadRecord]


class ProjectionRunner(ConsumerCare):
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
        max_backoff: float = 10.0,
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
        self._max_backoff = max_backoff
        self._last_progress = time.monotonic()
        self._last_stall_check = 0.0
        self._behind_since: float | None = None
        self._legacy = False  # processed_events still holds rows of this projection (see dedupe.py)

    # -- positions -------------------------------------------------------------------------------------
    def tracked(self) -> dict[tuple[str, int], int]:
        """Committed tracking offsets of this projection, by (topic, partition)."""
        with self._pool.connection() as conn:
            rows = conn.execute('SELECT topic, partition, "offset" FROM projection_tracking WHERE projection = %s',
                                (self.projection.name,)).fetchall()
        return {(t, p): o for t, p, o in rows}

    def _read_generation(self) -> int:
        """The current generation; creates the row (generation 0) if missing, so that every batch can lock it."""
        name = self.projection.name
        with self._pool.connection() as conn:
            row = conn.execute("SELECT generation FROM projection_generation WHERE projection = %s",
                               (name,)).fetchone()
            if row is not None and row[0] == self._generation:
                return row[0]
            self._legacy = has_legacy_rows(conn, name)
            if row is not None:
                return row[0]
            ensure_generation(conn, name)
            conn.commit()
            return share_generation(conn, name)

    # -- the loop --------------------------------------------------------------------------------------
    def start(self) -> None:
        self._generation = self._read_generation()
        self._subscribe()

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Poll and apply one batch; returns the number of records consumed (applied, skipped or dead-lettered).

        Raises what made the batch fail (after rewinding the consumer to the batch's first records, so the
        next call sees them again); :meth:`run` retries.
        """
        records = self._poll_records(timeout_ms)
        if not records:
            return 0
        try:
            applied = self._apply(records)
        except Exception as exc:
            if is_transient(exc):
                metrics.PROJECTION_RETRIES.labels(self._service, self.projection.name, type(exc).__name__).inc()
            if self._consumer is not None:
                self._rewind(records)
            raise
        if not applied:
            return 0
        self._consumer.commit()  # a hint: the database tracking table is the truth
        return len(records)

    def _poll_records(self, timeout_ms: int) -> list:
        """One poll's records in (topic, partition, offset) order; an empty poll checks generation and stall."""
        if self._consumer is None:
            self.start()
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=self._batch_size)
        self._report_lag()
        if not batches:
            self._check_generation()
            self._restart_if_stalled()
            return []
        self._last_progress = time.monotonic()
        self._behind_since = None
        return [r for tp in sorted(batches, key=lambda t: (t.topic, t.partition)) for r in batches[tp]]

    def run(self, stop: threading.Event) -> None:
        """Apply batches until ``stop``: what the worker runs. Decoding the next batch overlaps the database
        transaction of the previous one (:mod:`eventkit.projections.overlap`); failures are retried."""
        from eventkit.projections.overlap import run_overlapped

        run_overlapped(self, stop)

    def close(self) -> None:
        self._reset_consumer()
        self._close_dlq()

    def _check_generation(self) -> bool:
        """True if a rebuild happened since we last looked (then partitions were re-sought)."""
        generation = self._read_generation()
        if generation != self._generation:
            self._generation = generation
            if self._consumer is not None:
                self._seek_to_tracked(self._consumer.assignment())
            return True
        return False

    # -- one batch -------------------------------------------------------------------------------------
    def _apply(self, records) -> bool:
        try:
            outcome = self._commit_batch(records)
        except _RebuildStarted:
            self._check_generation()  # seeks back to the (now empty) tracked offsets
            return False
        self._count(outcome)
        return True

    def _commit_batch(self, records, sorted_: Sorted | None = None) -> _Outcome:
        """Apply one batch in one transaction (again record by record if a record makes it fail); touches the
        database only, never the consumer (:mod:`eventkit.projections.overlap` calls it from its own thread).
        ``sorted_``: the records already decoded; raises :class:`_RebuildStarted`."""
        try:
            return self._transaction(records, sorted_, isolate=False)
        except _NeedsIsolation as exc:
            log.warning("projection %s: batch failed (%s); applying its records one by one",
                        self.projection.name, describe(exc.__cause__ or exc))
        return self._transaction(records, sorted_, isolate=True)

    def _transaction(self, records, sorted_: Sorted | None, *, isolate: bool) -> _Outcome:
        name = self.projection.name
        last: dict[tuple[str, int], int] = {}
        for r in records:
            last[(r.topic, r.partition)] = max(last.get((r.topic, r.partition), -1), r.offset)
        with self._pool.connection() as conn, conn.transaction():
            if share_generation(conn, name) != self._generation:
                raise _RebuildStarted
            tracked = lock_tracking(conn, name, last)
            if sorted_ is None:
                sorted_ = sort_records(self.projection, [r for r in records if r.offset > tracked[(r.topic, r.partition)]])
            else:
                sorted_ = sorted_.after(tracked)
            try:
                applied, failed = apply_events(conn, self.projection, sorted_, isolate=isolate, legacy=self._legacy)
            except Exception as exc:
                if isolate or is_transient(exc):
                    raise
                raise _NeedsIsolation from exc
            advance_tracking(conn, name, last)
            dead = sorted(sorted_.dead + failed, key=lambda d: (d.record.topic, d.record.partition, d.record.offset))
            if dead:
                conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a deferred check fails now, before the DLQ
                self._dead_letter(dead)
        return _Outcome(len(applied), dead)

    def _dead_letter(self, dead: Sequence[DeadRecord]) -> None:
        if self._dlq is None:
            self._dlq = self._dlq_factory()
        try:
            deadletter.produce(self._dlq, self._dlq_topic, dead, service=self._service, projection=self.projection.name)
        except Exception:
            self._close_dlq()
            raise

    def _count(self, outcome: _Outcome) -> None:
        """Metrics and logs, once the batch has committed."""
        name = self.projection.name
        metrics.PROJECTION_APPLIED.labels(self._service, name).inc(outcome.applied)
        for d in outcome.dead:
            metrics.DEAD_LETTERED.labels(self._service, name, d.reason).inc()
            if d.own:
                metrics.DEAD_LETTERED_OWN.labels(self._service, name, d.event.event_type).inc()
            log.error("dead-lettered %s/%s/%s for %s (%s): %s %s", d.record.topic, d.record.partition,
                      d.record.offset, name, "our own event " + d.event.event_type if d.own else "foreign record",
                      d.reason, d.error)

    def _close_dlq(self) -> None:
        if self._dlq is not None:
            try:
                self._dlq.close(timeout=5)
            except Exception:  # noqa: BLE001
                log.warning("closing the dead-letter producer failed", exc_info=True)
            self._dlq = None
