"""Loading the generated campaign: in bulk into the audit tables, or through Kafka into the real worker.

:func:`bulk` writes exactly the rows the log projections and the sealer would (the same link keys, chain
checks passed, leaves in position order, every perfect subtree) with ``COPY``, so a million doses load in
minutes; :func:`feed` produces the events as the relays do (``to_record``, key = aggregate id) to the run's
own topics, for the worker to consume.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import psycopg

from eventkit.envelope import StoredEvent
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from services.audit.domain import merkle
from services.audit.projections.log import link_keys

CHUNK = 20_000


class _Trees:
    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}
        self.frontiers: dict[str, dict[int, bytes]] = {}
        self.last: dict[str, int] = {}

    def add(self, service: str, leaf: bytes) -> list[tuple[int, int, bytes]]:
        size, created, frontier = merkle.append(self.sizes.get(service, 0), self.frontiers.get(service, {}), [leaf])
        self.sizes[service], self.frontiers[service] = size, frontier
        return created


def bulk(url: str, events: Iterable[tuple[str, StoredEvent, object]]) -> dict[str, int]:
    """Load ``events`` (position order per service, with their messages); returns the tree size of each log."""
    trees = _Trees()
    rows, links, nodes = [], [], []
    with psycopg.connect(url) as conn:
        for service, e, message in events:
            keys = link_keys(e.event_type, message)
            leaf_index = trees.sizes.get(service, 0)
            rows.append((e.event_id, service, e.position, e.event_type, e.aggregate_type, e.aggregate_id,
                         e.aggregate_version, e.occurred_at, e.recorded_at, e.producer, e.actor_id, e.actor_role,
                         e.correlation_id, e.causation_id, hashlib.sha256(e.payload).digest(), e.prev_hash, e.hash,
                         True, keys, leaf_index))
            links.extend((k, e.event_id) for k in keys)
            nodes.extend((service, *node) for node in trees.add(service, merkle.leaf_hash(e.hash)))
            trees.last[service] = e.position
            if len(rows) >= CHUNK:
                _flush(conn, rows, links, nodes)
        _flush(conn, rows, links, nodes)
        for service, size in trees.sizes.items():
            conn.execute("INSERT INTO audit_trees (service, size, root, last_position) VALUES (%s, %s, %s, %s)",
                         (service, size, merkle.frontier_root(size, trees.frontiers[service]), trees.last[service]))
    return dict(trees.sizes)


def _flush(conn: psycopg.Connection, rows: list, links: list, nodes: list) -> None:
    with conn.cursor() as cur:
        with cur.copy("COPY audit_events (event_id, service, position, event_type, aggregate_type, aggregate_id,"
                      " aggregate_version, occurred_at, recorded_at, producer, actor_id, actor_role, correlation_id,"
                      " causation_id, payload_sha256, prev_hash, hash, chain_ok, keys, leaf_index) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        with cur.copy("COPY audit_links (key, event_id) FROM STDIN") as copy:
            for row in links:
                copy.write_row(row)
        with cur.copy("COPY audit_tree_nodes (service, level, index, hash) FROM STDIN") as copy:
            for row in nodes:
                copy.write_row(row)
    conn.commit()
    rows.clear()
    links.clear()
    nodes.clear()


def feed(bootstrap: str, topic_of, events: Iterable[tuple[str, StoredEvent, object]]) -> int:
    """Produce ``events`` to each service's topic (``topic_of(service)``) as its relay would; returns how many."""
    producer = make_producer(bootstrap, client_id="audit-bench-feed")
    sent = 0
    try:
        for service, e, _ in events:
            record = to_record(e)
            producer.send(topic_of(service), key=record.key, value=record.value, headers=record.headers)
            sent += 1
        producer.flush(timeout=300)
    finally:
        producer.close()
    return sent
