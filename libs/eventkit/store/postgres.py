"""The PostgreSQL event store (tables in ``eventkit/migrations/0001_event_store.sql``).

Commit order: every append takes one transaction-level advisory lock just before it draws positions and
holds it until commit, so positions are handed out in the order transactions commit. Without it, a
writer that draws position 11 and commits after the writer holding 12 would let a tailing relay read 12,
move its cursor past 11, and skip 11 forever (see eventsourcing's PostgreSQL recorder for the same
argument). The lock is taken after the idempotency check and before the version check, so the version
check is exact and a stale decision is always a :class:`~eventkit.errors.ConcurrencyConflict`.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from eventkit import metrics
from eventkit.envelope import CommandContext, StoredEvent
from eventkit.errors import IdempotencyKeyReused
from eventkit.store.base import AggregateChanges, AppendResult, Responder, check_distinct, stamp_events

_APPEND_LOCK = 7_100_002
NOTIFY_CHANNEL = "vaxtrail_events"
_COLUMNS = (
    "position, event_id, event_type, aggregate_type, aggregate_id, aggregate_version, occurred_at,"
    " recorded_at, producer, actor_id, actor_role, correlation_id, causation_id, idempotency_key,"
    " payload, prev_hash, hash"
)


def row_to_event(row: tuple) -> StoredEvent:
    return StoredEvent(
        position=row[0],
        event_id=row[1],
        event_type=row[2],
        aggregate_type=row[3],
        aggregate_id=row[4],
        aggregate_version=row[5],
        occurred_at=row[6],
        recorded_at=row[7],
        producer=row[8],
        actor_id=row[9],
        actor_role=row[10],
        correlation_id=row[11],
        causation_id=row[12],
        idempotency_key=row[13],
        payload=bytes(row[14]),
        prev_hash=bytes(row[15]),
        hash=bytes(row[16]),
    )


class _KeyTaken(Exception):
    pass


class PostgresEventStore:
    """An :class:`~eventkit.store.base.EventStore` on one service database."""

    def __init__(self, pool: ConnectionPool, *, service: str = "") -> None:
        self._pool = pool
        self._service = service

    def append(
        self,
        changes: Sequence[AggregateChanges],
        context: CommandContext,
        *,
        producer: str,
        request_hash: str = "",
        respond: Responder | None = None,
    ) -> AppendResult:
        check_distinct(changes)
        key = context.idempotency_key
        try:
            with self._pool.connection() as conn, conn.transaction():
                if key is not None:
                    taken = conn.execute(
                        "INSERT INTO idempotency_keys (key, request_hash) VALUES (%s, %s)"
                        " ON CONFLICT (key) DO NOTHING RETURNING key",
                        (key, request_hash),
                    ).fetchone()
                    if taken is None:
                        raise _KeyTaken
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK,))
                heads = {
                    agg_id: (version, bytes(digest))
                    for agg_id, version, digest in conn.execute(
                        "SELECT DISTINCT ON (aggregate_id) aggregate_id, aggregate_version, hash FROM events"
                        " WHERE aggregate_id = ANY(%s) ORDER BY aggregate_id, aggregate_version DESC",
                        ([c.aggregate_id for c in changes],),
                    )
                }
                count = sum(len(c.events) for c in changes)
                positions = [
                    p for (p,) in conn.execute(
                        "SELECT nextval('events_position_seq') FROM generate_series(1, %s)", (count,)
                    )
                ]
                events = stamp_events(changes, heads, positions, context, producer)
                with conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO events ({_COLUMNS}) VALUES"
                        " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [_event_row(e) for e in events],
                    )
                response = respond(events) if respond is not None else None
                conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")  # delivered at commit; wakes the relay
                if key is not None:
                    conn.execute(
                        "UPDATE idempotency_keys SET response = %s, first_position = %s, last_position = %s"
                        " WHERE key = %s",
                        (Jsonb(response), positions[0] if positions else None,
                         positions[-1] if positions else None, key),
                    )
        except _KeyTaken:
            replayed = self.replay(key, request_hash)
            assert replayed is not None
            return replayed
        for e in events:
            metrics.EVENTS_APPENDED.labels(self._service, e.event_type).inc()
        return AppendResult(events=events, response=response)

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT request_hash, response FROM idempotency_keys WHERE key = %s", (idempotency_key,)
            ).fetchone()
            if row is None:
                return None
            if row[0] != request_hash:
                raise IdempotencyKeyReused(
                    f"idempotency key {idempotency_key!r} was used for a different request",
                    field="idempotency_key",
                    rule="INV-34",
                )
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE idempotency_key = %s ORDER BY position", (idempotency_key,)
            ).fetchall()
        metrics.IDEMPOTENT_REPLAYS.labels(self._service).inc()
        return AppendResult(events=[row_to_event(r) for r in rows], response=row[1], replayed=True)

    def load(self, aggregate_id: str) -> list[StoredEvent]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE aggregate_id = %s ORDER BY aggregate_version", (aggregate_id,)
            ).fetchall()
        return [row_to_event(r) for r in rows]

    def read_after(self, position: int, limit: int = 500) -> list[StoredEvent]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE position > %s ORDER BY position LIMIT %s", (position, limit)
            ).fetchall()
        return [row_to_event(r) for r in rows]

    def last_position(self) -> int:
        with self._pool.connection() as conn:
            (value,) = conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()
        return value


def _event_row(e: StoredEvent) -> tuple:
    return (
        e.position, e.event_id, e.event_type, e.aggregate_type, e.aggregate_id, e.aggregate_version,
        e.occurred_at, e.recorded_at, e.producer, e.actor_id, e.actor_role, e.correlation_id,
        e.causation_id, e.idempotency_key, e.payload, e.prev_hash, e.hash,
    )


__all__ = ["NOTIFY_CHANNEL", "PostgresEventStore", "row_to_event"]
