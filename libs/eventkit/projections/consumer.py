"""The Kafka side of a projection runner: joining, seeking to the database's offsets, stall and lag care.

Kept apart from :mod:`eventkit.projections.runner` (which owns the database transaction) because all of
it is about one kafka-python consumer's quirks; none of it decides what is applied.
"""

from __future__ import annotations

import abc
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from kafka import TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener

from eventkit import metrics

log = logging.getLogger("eventkit.projections")


class ConsumerCare(abc.ABC):
    """Mixin for :class:`~eventkit.projections.runner.ProjectionRunner`: everything about its consumer."""

    projection: Any
    _consumer: Any
    _consumer_factory: Callable[[str], Any]
    _service: str
    _stall_seconds: float
    _last_progress: float
    _last_stall_check: float
    _behind_since: float | None

    @abc.abstractmethod
    def tracked(self) -> dict[tuple[str, int], int]:
        """The offsets the database tracked per partition (the runner implements it)."""

    def _subscribe(self) -> None:
        runner = self

        class _Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                pass

            def on_partitions_assigned(self, assigned):
                runner._seek_to_tracked(assigned)

        self._consumer = self._consumer_factory(f"{self._service}.{self.projection.name}")
        self._last_progress, self._behind_since = time.monotonic(), None
        self._consumer.subscribe(topics=list(self.projection.topics), listener=_Listener())
        self._await_metadata()

    def _seek_to_tracked(self, partitions: Iterable[TopicPartition]) -> None:
        tracked = self.tracked()
        partitions = sorted(partitions)
        for tp in partitions:
            offset = tracked.get((tp.topic, tp.partition))
            if offset is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, offset + 1)
        log.info("projection %s: assigned %s", self.projection.name,
                 ", ".join(f"{tp.topic}/{tp.partition}@{tracked.get((tp.topic, tp.partition), -1) + 1}"
                           for tp in partitions) or "nothing")

    def _rewind(self, records) -> None:
        """Seek back to the first record of a batch that did not commit, so the next poll returns it again."""
        first: dict[tuple[str, int], int] = {}
        for r in records:
            first[(r.topic, r.partition)] = min(first.get((r.topic, r.partition), r.offset), r.offset)
        try:
            for (topic, partition), offset in first.items():
                self._consumer.seek(TopicPartition(topic, partition), offset)
        except Exception:  # noqa: BLE001 - e.g. a partition revoked meanwhile: start over from the database
            log.warning("projection %s: could not rewind; restarting its consumer", self.projection.name,
                        exc_info=True)
            self._reset_consumer()

    def _await_metadata(self, timeout: float = 60.0) -> None:
        """Know every partition of every subscribed topic before the first join (called after subscribe).

        A group leader assigns only the partitions in its metadata cache: a kafka-python consumer that joined
        before the cache held its topics left a partition unassigned (a person's registration never reached
        the certificate service's read model). And the leader checks its assignment against a snapshot of
        the subscribed topics' partitions that it takes from the first metadata response *after*
        ``subscribe()``: with the metadata fetched before subscribing (as until the consumer stall was
        found), that snapshot was still empty at the first join, so every consumer rebalanced a second time
        right after it started - the rebalance kafka-python could then leave unapplied
        (:class:`eventkit.kafka.GroupConsumer`). A fresh full metadata fetch after ``subscribe()`` gives the
        snapshot before the first poll: one rebalance per start.
        """
        deadline = time.monotonic() + timeout
        while True:
            known = self._consumer.topics()  # always a metadata request, which updates the leader's snapshot
            missing = [t for t in self.projection.topics if t not in known or not self._consumer.partitions_for_topic(t)]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no partition metadata for {', '.join(missing)} after {timeout:.0f}s; do they exist?")
            time.sleep(0.1)

    def _reset_consumer(self) -> None:
        if self._consumer is not None:
            try:
                self._consumer.close(autocommit=False)
            except Exception:  # noqa: BLE001
                log.warning("closing consumer failed", exc_info=True)
            self._consumer = None

    def _restart_if_stalled(self) -> None:
        """Restart the consumer when it returns nothing while its partitions are behind - a guard.

        Seen on a loaded 2-core machine: a kafka-python consumer with every partition assigned stopped
        returning records while its topics grew (no error logged), and a read model fell behind for good.
        The cause was a rebalance kafka-python never applied, fixed in :class:`eventkit.kafka.GroupConsumer`;
        this guard stays for whatever else could leave a consumer silent. At most every ``stall_seconds`` of
        silence, ask the broker for the partitions' end offsets; if some are ahead of our position at two
        checks in a row with no record in between, close the consumer - the next poll builds a new one,
        which seeks to the offsets the database tracked, so nothing is lost or applied twice.
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
            log.warning("projection %s: no records for %.0f s while %d partition(s) are %d record(s) behind"
                        " (group member %s); restarting its consumer", self.projection.name,
                        now - self._last_progress, len(behind), sum(behind.values()), _member_state(self._consumer))
            metrics.PROJECTION_RESTARTS.labels(self._service, self.projection.name).inc()
            self._reset_consumer()

    def _report_lag(self) -> None:
        consumer = self._consumer
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            metrics.PROJECTION_LAG.labels(self._service, self.projection.name, tp.topic).set(
                max(0, high - consumer.position(tp))
            )


def _member_state(consumer) -> str:
    """The consumer's group membership for the guard's log line (``<stable>``, ``<rebalancing>``, ...)."""
    try:
        metadata = consumer.group_metadata()
    except Exception:  # noqa: BLE001 - a log detail; test doubles and closed consumers have none
        return "unknown"
    return f"{metadata.state} generation {metadata.generation_id}"
