"""What a projection is, and the rows that say where it stands: generation, tracking, stream marks.

Locking protocol (every writer of a projection's read model follows it, in this order, so that none can
deadlock another and none can apply an event twice):

1. ``projection_generation`` row: ``FOR SHARE`` by a batch or a DLQ replay, ``UPDATE`` by :func:`rebuild`.
   The row exists before the first batch (:func:`ensure_generation`), so a first rebuild waits for a batch
   in flight - and a batch that starts after a rebuild sees the new generation - instead of racing it.
2. ``projection_tracking`` rows of the partitions touched: inserted when missing (offset -1), then
   ``FOR UPDATE`` in (topic, partition) order; the offsets are re-read under the lock. Two runners on one
   partition (a zombie that still holds records it polled, a consumer past ``max.poll.interval``) therefore
   take turns, and the second skips what the first committed.
3. ``projection_streams`` / ``projection_unapplied`` (:mod:`eventkit.projections.dedupe`): the version
   marks of the batch's streams are read under the tracking locks (a stream lives on one partition), the
   events that are new are applied, and each changed mark is written once. The relay's duplicates and a
   DLQ replay of an event that was applied meanwhile are skipped by these marks.

A projection applies its events one by one (``handlers``) or, when it declares ``batch``, a whole batch at
once: ``batch(conn, items)`` receives the batch's new events as ``(event, message)`` pairs in Kafka order
(by topic and partition, then offset) and must leave the read model exactly as calling the handlers in that
order would - folding per key, writing each key once, ``executemany`` or COPY. The per-event handlers stay
the reference: the runner falls back to them to isolate a poison record, ``vaxtrail dlq replay`` uses them,
and ``tests/integration/roundtrip.py`` checks that both give the same tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from eventkit.envelope import StoredEvent

Handler = Callable[[psycopg.Connection, StoredEvent, Any], None]
BatchHandler = Callable[[psycopg.Connection, Sequence[tuple[StoredEvent, Any]]], None]
Decoder = Callable[[str, bytes], Any]


@dataclass(frozen=True)
class Projection:
    """A read model: ``handlers`` maps event type -> ``handler(conn, event, message)``; ``batch``, if given,
    applies many events of those types at once (see the module docstring)."""

    name: str
    topics: tuple[str, ...]
    handlers: Mapping[str, Handler]
    ignored: frozenset[str] = frozenset()
    tables: tuple[str, ...] = ()
    decoder: Decoder | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    batch: BatchHandler | None = None


def ensure_generation(conn: psycopg.Connection, projection: str) -> None:
    """Create the projection's generation row (generation 0) if it has none yet."""
    conn.execute(
        "INSERT INTO projection_generation (projection, generation) VALUES (%s, 0) ON CONFLICT DO NOTHING",
        (projection,),
    )


def share_generation(conn: psycopg.Connection, projection: str) -> int | None:
    """The current generation, locked ``FOR SHARE`` until the transaction ends (None: no row yet)."""
    row = conn.execute(
        "SELECT generation FROM projection_generation WHERE projection = %s FOR SHARE", (projection,)
    ).fetchone()
    return row[0] if row else None


def lock_tracking(
    conn: psycopg.Connection, projection: str, partitions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    """Lock the tracking rows of ``partitions`` (creating missing ones at -1); their offsets after the lock."""
    keys = sorted(set(partitions))
    if not keys:
        return {}
    topics, numbers = [t for t, _ in keys], [p for _, p in keys]
    conn.execute(
        'INSERT INTO projection_tracking (projection, topic, partition, "offset")'
        " SELECT %s, t, p, -1 FROM unnest(%s::text[], %s::int[]) AS k(t, p) ORDER BY t, p"
        " ON CONFLICT DO NOTHING",
        (projection, topics, numbers),
    )
    rows = conn.execute(
        'SELECT topic, partition, "offset" FROM projection_tracking'
        " WHERE projection = %s AND (topic, partition) IN (SELECT * FROM unnest(%s::text[], %s::int[]))"
        " ORDER BY topic, partition FOR UPDATE",
        (projection, topics, numbers),
    ).fetchall()
    return {(t, p): o for t, p, o in rows}


def advance_tracking(conn: psycopg.Connection, projection: str, last: Mapping[tuple[str, int], int]) -> None:
    """Move the (locked) tracking rows forward to ``last``; never backwards."""
    with conn.cursor() as cur:
        cur.executemany(
            'UPDATE projection_tracking SET "offset" = greatest("offset", %s)'
            " WHERE projection = %s AND topic = %s AND partition = %s",
            [(offset, projection, t, p) for (t, p), offset in sorted(last.items())],
        )


def rebuild(pool: ConnectionPool, projection: Projection) -> None:
    """Empty the read model and its tracking; the runner replays the topics from offset 0.

    Waits for a batch in flight (it holds the generation row ``FOR SHARE``); a batch that starts later sees
    the new generation and drops what it polled.
    """
    with pool.connection() as conn, conn.transaction():
        conn.execute(
            "INSERT INTO projection_generation (projection, generation) VALUES (%s, 1)"
            " ON CONFLICT (projection) DO UPDATE SET generation = projection_generation.generation + 1",
            (projection.name,),
        )
        for table in projection.tables:
            conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
        conn.execute("DELETE FROM projection_tracking WHERE projection = %s", (projection.name,))
        for table in ("projection_streams", "projection_unapplied", "processed_events"):
            conn.execute(sql.SQL("DELETE FROM {} WHERE projection = %s").format(sql.Identifier(table)),
                         (projection.name,))
