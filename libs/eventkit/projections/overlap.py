"""The worker's projection loop: decoding the next batch while the database applies the previous one.

A batch costs two kinds of time: Python work in this process (kafka-python parsing records, envelopes and
payloads decoded) and waiting on PostgreSQL (the batch's statements and ``COMMIT``). Done one after the
other, the runner waits on the database for a good part of its time (a profile: a third). Here the thread
that calls :func:`run_overlapped` owns the consumer: it polls and decodes (:func:`sort_records`), then hands
the batch to an *applier* thread, which runs the very transaction :meth:`ProjectionRunner.poll_once` runs
(``_commit_batch``: generation lock, tracking locks, stream marks, apply, dead letters, ``COMMIT``), one
batch at a time, in the order they were polled; while it waits on the database, the consumer thread polls
and decodes the next batch (at most one waits its turn).

What keeps it exactly once - nothing here changes what a transaction does:

* batches commit strictly in poll order, one transaction at a time;
* when a transaction fails (a transient error, a bug, a rebuild that started), the applier drops every
  batch handed to it after that one, and the consumer thread seeks every assigned partition back to the
  offsets the database tracked (the truth, as after a restart) before it polls again - so no batch commits
  after one that failed, and nothing polled after it is lost;
* Kafka offsets are committed as before, a hint only, and only those of committed batches.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import TYPE_CHECKING

from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

from eventkit import metrics
from eventkit.projections.batch import describe, sort_records
from eventkit.projections.failures import is_transient

if TYPE_CHECKING:
    from eventkit.projections.runner import ProjectionRunner

log = logging.getLogger("eventkit.projections")


class _Applier(threading.Thread):
    """Commits the batches handed to it, in order; after a failure drops everything until :meth:`resume`."""

    def __init__(self, runner: ProjectionRunner) -> None:
        super().__init__(name=f"apply:{runner.projection.name}", daemon=True)
        self._runner = runner
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._epoch = 0
        self.failure: BaseException | None = None
        self._lock = threading.Lock()
        self._committed: dict[tuple[str, int], int] = {}

    def submit(self, records: list, sorted_) -> None:
        """Hand over a decoded batch (blocks while the previous one still waits its turn)."""
        self._queue.put((self._epoch, records, sorted_))

    def resume(self) -> None:
        """After a failure was handled: drop what is still queued, apply what comes next."""
        self._epoch += 1
        self.failure = None

    def committed(self) -> dict[tuple[str, int], int]:
        """The last offset committed per partition since the previous call."""
        with self._lock:
            done, self._committed = self._committed, {}
        return done

    def stop(self) -> None:
        self._queue.put(None)
        self.join()

    def run(self) -> None:
        while (item := self._queue.get()) is not None:
            epoch, records, sorted_ = item
            if self.failure is not None or epoch != self._epoch:
                continue  # polled after a batch that failed: the consumer thread seeks back to the database's offsets
            try:
                outcome = self._runner._commit_batch(records, sorted_)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread, which decides
                self.failure = exc
                continue
            with self._lock:
                for r in records:
                    key = (r.topic, r.partition)
                    self._committed[key] = max(self._committed.get(key, -1), r.offset)
            try:
                self._runner._count(outcome)
            except Exception:  # noqa: BLE001 - metrics and logs must not stop the thread that commits
                log.exception("projection %s: recording a committed batch failed", self._runner.projection.name)


def run_overlapped(runner: ProjectionRunner, stop: threading.Event) -> None:
    """:meth:`ProjectionRunner.run`: poll + decode here, apply + commit in an applier thread, until ``stop``."""
    applier = _Applier(runner)
    applier.start()
    backoff = 0.5
    try:
        while not stop.is_set():
            failure = applier.failure
            if failure is not None:
                try:
                    wait = _recover(runner, failure, backoff)
                except Exception as exc:  # noqa: BLE001 - e.g. the database still away: never end the thread
                    log.warning("projection %s: recovering from a failed batch failed (%s); starting over from the"
                                " tracked offsets in %.1f s", runner.projection.name, describe(exc), backoff)
                    runner._reset_consumer()  # the next poll subscribes again and seeks to the tracked offsets
                    wait = True
                applier.resume()
            else:
                wait = _poll_and_hand_over(runner, applier, backoff)
            if wait:
                stop.wait(backoff)
                backoff = min(runner._max_backoff, backoff * 2)
            elif failure is None:
                backoff = 0.5
    finally:
        applier.stop()
        runner.close()


def _poll_and_hand_over(runner: ProjectionRunner, applier: _Applier, backoff: float) -> bool:
    """Poll, decode, hand the batch over; True if polling failed (then back off)."""
    try:
        records = runner._poll_records(500)
        if records:
            applier.submit(records, sort_records(runner.projection, records))
    except Exception as exc:  # noqa: BLE001 - never die silently
        log.exception("projection %s: polling failed; restarting from tracked offsets in %.1f s: %s",
                      runner.projection.name, backoff, describe(exc))
        runner._reset_consumer()
        return True
    _commit_hint(runner, applier.committed())
    return False


def _recover(runner: ProjectionRunner, failure: BaseException, backoff: float) -> bool:
    """A batch did not commit: seek back to what the database tracked (or start over), as after a restart.
    Returns whether to back off before polling again (not after a rebuild)."""
    from eventkit.projections.runner import _RebuildStarted

    name = runner.projection.name
    if isinstance(failure, _RebuildStarted):
        runner._check_generation()  # seeks to the (now empty) tracked offsets
        return False
    if is_transient(failure):
        metrics.PROJECTION_RETRIES.labels(runner._service, name, type(failure).__name__).inc()
        log.warning("projection %s: transient database error, retrying the batch in %.1f s: %s", name, backoff,
                    describe(failure))
        if runner._consumer is not None:
            runner._seek_to_tracked(runner._consumer.assignment())
        return True
    log.error("projection %s: batch failed; restarting from tracked offsets", name, exc_info=failure)
    runner._reset_consumer()
    return True


def _commit_hint(runner: ProjectionRunner, done: dict[tuple[str, int], int]) -> None:
    consumer = runner._consumer
    if not done or consumer is None:
        return
    assigned = consumer.assignment()
    offsets = {TopicPartition(t, p): OffsetAndMetadata(offset + 1, "", -1) for (t, p), offset in done.items()
               if TopicPartition(t, p) in assigned}
    if not offsets:
        return
    try:
        consumer.commit_async(offsets)  # a hint: the database tracking table is the truth
    except Exception:  # noqa: BLE001 - e.g. during a rebalance; the next batch commits a newer hint
        log.debug("projection %s: offset commit hint failed", runner.projection.name, exc_info=True)
