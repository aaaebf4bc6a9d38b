"""The sealer: appends each service log's consumed events to its Merkle tree, in position order.

Kafka hands the audit service a log partition by partition, and positions have gaps (a rolled-back append
draws a position and commits nothing), so a missing position cannot be told from one still in flight. The
sealer therefore seals only up to a *frontier* it can vouch for, in two steps per log:

1. it takes a candidate: the highest position consumed so far (everything consumed was published);
2. once ``settle`` seconds have passed it snapshots the topic's end offsets, and once the log's projection
   has applied every record below that snapshot, it appends every unsealed event at or below the candidate,
   in position order (chunked), and takes the next candidate.

The relay publishes batch after batch, each one fully acknowledged before the next; any record of the batch
that was in flight at step 1 is in Kafka well before step 2's snapshot unless the relay was failing for
longer than the settle time. Such a *late* event (a first copy below an already sealed position) is still
sealed - after the others, so the tree records the order it was seen in - and counted
(``vaxtrail_audit_late_events_total``); ``vaxtrail audit verify`` compares positions leaf by leaf, so it
is not mistaken for tampering.

The leaf data of an event is its chain hash (32 bytes: ``SHA-256(prev_hash || canonical bytes)``, which covers
its whole envelope and payload); leaf hash ``SHA-256(0x00 || hash)``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping

import psycopg
from kafka import TopicPartition
from prometheus_client import Counter, Gauge
from psycopg_pool import ConnectionPool

from eventkit.kafka import make_consumer
from services.audit import tree
from services.audit.domain import merkle
from services.audit.projections.log import PROJECTION

log = logging.getLogger(__name__)

LATE_EVENTS = Counter("vaxtrail_audit_late_events_total",
                      "Events sealed after a higher position of their log (arrived after the frontier passed)",
                      ["service"])
TREE_SIZE = Gauge("vaxtrail_audit_tree_size", "Leaves in a service log's Merkle tree", ["service"],
                  multiprocess_mode="livemax")
CHUNK = 5000

EndOffsets = Callable[[str], Mapping[int, int]]


class Sealer:
    def __init__(self, pool: ConnectionPool, topics: Mapping[str, str], end_offsets: EndOffsets, *,
                 settle_seconds: float, interval_seconds: float) -> None:
        self.pool, self.topics, self.end_offsets = pool, dict(topics), end_offsets
        self.settle, self.interval = settle_seconds, interval_seconds

    def run(self, stop: threading.Event) -> None:
        try:
            self._loop(stop)
        finally:
            close = getattr(self.end_offsets, "close", None)
            if close is not None:
                close()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            busy = False
            for service in self.topics:
                try:
                    busy = self.round(service) or busy
                except (psycopg.Error, OSError) as exc:
                    log.warning("sealer: %s round failed, retrying: %s", service, exc)
                except Exception:  # noqa: BLE001 - e.g. a broker error: logged, the next round retries
                    log.exception("sealer: %s round failed, retrying", service)
            if not busy:
                stop.wait(self.interval)

    def round(self, service: str) -> bool:
        """One step for one log; True when a full chunk was sealed (more may be waiting)."""
        ends = {str(p): e for p, e in self.end_offsets(self.topics[service]).items()}
        with self.pool.connection() as conn, conn.transaction():
            tree.state(conn, service, lock=True)
            mark = conn.execute(
                "SELECT candidate, ends, extract(epoch FROM now() - taken_at) FROM audit_seal_marks"
                " WHERE service = %s", (service,)).fetchone()
            if mark is None:
                self._take_mark(conn, service)
                return False
            candidate, snapshot, age = mark
            if snapshot is None:
                if age >= self.settle:
                    conn.execute("UPDATE audit_seal_marks SET ends = %s WHERE service = %s",
                                 (json.dumps(ends), service))
                return False
            if not self._applied_through(conn, service, snapshot):
                return False
            sealed = seal(conn, service, candidate, CHUNK)
            if sealed < CHUNK:
                conn.execute("DELETE FROM audit_seal_marks WHERE service = %s", (service,))
                self._take_mark(conn, service)
            return sealed == CHUNK

    def _applied_through(self, conn: psycopg.Connection, service: str, snapshot: Mapping[str, int]) -> bool:
        rows = conn.execute('SELECT partition, "offset" FROM projection_tracking WHERE projection = %s'
                            " AND topic = %s", (PROJECTION, self.topics[service])).fetchall()
        tracked = {str(p): o for p, o in rows}
        return all(tracked.get(p, -1) >= end - 1 for p, end in snapshot.items())

    @staticmethod
    def _take_mark(conn: psycopg.Connection, service: str) -> None:
        conn.execute(
            "INSERT INTO audit_seal_marks (service, candidate, ends, taken_at)"
            " SELECT %s, max(position), NULL, now() FROM audit_events WHERE service = %s AND leaf_index IS NULL"
            " HAVING max(position) IS NOT NULL", (service, service))


class KafkaEnds:
    """``topic -> {partition: end offset}`` through one long-lived, group-less consumer.

    ``security``: the worker's Kafka security options (``Settings.kafka_security``: TLS + SCRAM on a Strimzi
    listener), as every other client of the worker uses them.
    """

    def __init__(self, bootstrap: str, **security: str) -> None:
        self.bootstrap = bootstrap
        self.security = security
        self._consumer = None

    def __call__(self, topic: str) -> dict[int, int]:
        if self._consumer is None:
            self._consumer = make_consumer(self.bootstrap, group_id=None, client_id="audit-sealer",
                                           **self.security)
        partitions = self._consumer.partitions_for_topic(topic) or set()
        ends = self._consumer.end_offsets([TopicPartition(topic, p) for p in sorted(partitions)])
        return {tp.partition: offset for tp, offset in ends.items()}

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None


def seal(conn: psycopg.Connection, service: str, frontier: int, limit: int) -> int:
    """Append up to ``limit`` unsealed events at or below ``frontier`` to the tree; returns how many."""
    rows = conn.execute(
        "SELECT event_id, position, hash FROM audit_events WHERE service = %s AND leaf_index IS NULL"
        " AND position <= %s ORDER BY position, event_id LIMIT %s", (service, frontier, limit)).fetchall()
    if not rows:
        return 0
    size, _ = tree.state(conn, service, lock=True)
    last = conn.execute("SELECT last_position FROM audit_trees WHERE service = %s", (service,)).fetchone()[0]
    late = sum(1 for _, position, _ in rows if position < last)
    new_size, _ = tree.append(conn, service, [merkle.leaf_hash(bytes(h)) for _, _, h in rows])
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS audit_sealing (event_id uuid, leaf_index bigint)"
                    " ON COMMIT DELETE ROWS")
        with cur.copy("COPY audit_sealing (event_id, leaf_index) FROM STDIN") as copy:
            for offset, (event_id, _, _) in enumerate(rows):
                copy.write_row((event_id, size + offset))
        cur.execute("UPDATE audit_events e SET leaf_index = s.leaf_index FROM audit_sealing s"
                    " WHERE e.event_id = s.event_id")
        cur.execute("DELETE FROM audit_sealing")
    conn.execute("UPDATE audit_trees SET last_position = greatest(last_position, %s) WHERE service = %s",
                 (max(position for _, position, _ in rows), service))
    if late:
        LATE_EVENTS.labels(service).inc(late)
        log.warning("sealer: %d late event(s) of %s sealed after higher positions", late, service)
    TREE_SIZE.labels(service).set(new_size)
    return len(rows)
