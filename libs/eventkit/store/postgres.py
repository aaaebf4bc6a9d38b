"""The PostgreSQL event store (tables in ``eventkit/migrations/0001_event_store.sql``).

Commit order: every append takes one transaction-level advisory lock just before it draws positions and
holds it until commit, so positions are handed out in the order transactions commit. An append sends its
statements in pipeline mode, two round trips in all, so the lock is held for little more than the commit. Without it, a
writer that draws position 11 and commits after the writer holding 12 would let a tailing relay read 12,
move its cursor past 11, and skip 11 forever (see eventsourcing's PostgreSQL recorder for the same
argument). The lock is taken after the idempotency check and before the version check, so the version
check is exact and a stale decision is always a :class:`~eventkit.errors.ConcurrencyConflict`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from eventkit import metrics
from eventkit.envelope import CommandContext, StoredEvent
from eventkit.errors import IdempotencyKeyReused, VaxTrailError
from eventkit.store.base import (
    AggregateChanges,
    AppendResult,
    Head,
    PendingAppend,
    Responder,
    answer_unclaimed,
    check_distinct,
    check_kind,
    stamp_events,
    stamp_many,
)

_APPEND_LOCK = 7_100_002
_EXCLUSIVE_LOCKS = 7_100_003  # the two-key advisory lock space of ``exclusive``
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
        respond: Responder | None = None,
    ) -> AppendResult:
        check_distinct(changes)
        key = context.idempotency_key
        request_hash = context.request_hash
        count = sum(len(c.events) for c in changes)
        try:
            # Pipeline mode: the claim of the key, the lock, the heads and the positions go in one round trip,
            # the events, the notification, the stored response and the COMMIT in a second. The lock is held
            # for those two round trips and the hashing between them, not for one round trip per statement.
            with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
                claimed = conn.execute(
                    "INSERT INTO idempotency_keys (key, request_hash) VALUES (%s, %s)"
                    " ON CONFLICT (key) DO NOTHING RETURNING key", (key, request_hash)) if key is not None else None
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK,))
                found = conn.execute(
                    "SELECT DISTINCT ON (aggregate_id) aggregate_id, aggregate_type, aggregate_version, hash"
                    " FROM events WHERE aggregate_id = ANY(%s) ORDER BY aggregate_id, aggregate_version DESC",
                    ([c.aggregate_id for c in changes],))
                drawn = conn.execute("SELECT nextval('events_position_seq') FROM generate_series(1, %s)", (count,))
                if claimed is not None and claimed.fetchone() is None:
                    raise _KeyTaken
                heads = {agg_id: Head(agg_type, version, bytes(digest))
                         for agg_id, agg_type, version, digest in found.fetchall()}
                positions = [p for (p,) in drawn.fetchall()]
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

    def append_many(self, appends: Sequence[PendingAppend], *, producer: str,
                    chained: bool = True) -> list[AppendResult | VaxTrailError]:
        """Many commands, one transaction: the same two round trips as :meth:`append`, one commit."""
        refused: list[VaxTrailError | None] = []
        for append in appends:
            try:
                check_distinct(append.changes)
                refused.append(None)
            except VaxTrailError as exc:
                refused.append(exc)
        total = sum(len(c.events) for a in appends for c in a.changes)
        results: list[AppendResult | VaxTrailError | None] = list(refused)
        with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
            claims = [conn.execute("INSERT INTO idempotency_keys (key, request_hash) VALUES (%s, %s)"
                                   " ON CONFLICT (key) DO NOTHING RETURNING key",
                                   (a.context.idempotency_key, a.context.request_hash))
                      if a.context.idempotency_key is not None and no is None else None
                      for a, no in zip(appends, refused, strict=True)]
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK,))
            found = conn.execute(
                "SELECT DISTINCT ON (aggregate_id) aggregate_id, aggregate_type, aggregate_version, hash"
                " FROM events WHERE aggregate_id = ANY(%s) ORDER BY aggregate_id, aggregate_version DESC",
                (sorted({c.aggregate_id for a in appends for c in a.changes}),))
            drawn = conn.execute("SELECT nextval('events_position_seq') FROM generate_series(1, %s)", (total,))
            claimed = [no is None and (claim is None or claim.fetchone() is not None)
                       for claim, no in zip(claims, refused, strict=True)]
            heads = {agg_id: Head(agg_type, version, bytes(digest))
                     for agg_id, agg_type, version, digest in found.fetchall()}
            stamped = stamp_many(appends, heads, [p for (p,) in drawn.fetchall()], producer, claimed, chained)
            written: list[StoredEvent] = []
            for index, (append, events) in enumerate(zip(appends, stamped, strict=True)):
                key = append.context.idempotency_key
                if not isinstance(events, list):
                    if refused[index] is None:
                        results[index] = events
                    if key is not None and claimed[index]:  # claimed, then failed: free the key for a retry
                        conn.execute("DELETE FROM idempotency_keys WHERE key = %s", (key,))
                    continue
                response = append.respond(events) if append.respond is not None else None
                results[index] = AppendResult(events=events, response=response)
                written.extend(events)
                if key is not None:
                    conn.execute("UPDATE idempotency_keys SET response = %s, first_position = %s,"
                                 " last_position = %s WHERE key = %s",
                                 (Jsonb(response), events[0].position if events else None,
                                  events[-1].position if events else None, key))
            if written:
                with conn.cursor() as cur:
                    cur.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES"
                                    " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                    [_event_row(e) for e in written])
                conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
        for e in written:
            metrics.EVENTS_APPENDED.labels(self._service, e.event_type).inc()
        return answer_unclaimed(self, results, appends)

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        [answer] = self.replay_many([(idempotency_key, request_hash)])
        if isinstance(answer, VaxTrailError):
            raise answer
        return answer

    def replay_many(self, requests: Sequence[tuple[str, str]]) -> list[AppendResult | VaxTrailError | None]:
        keys = [key for key, _ in requests]
        with self._pool.connection() as conn:
            stored = {key: (request_hash, response) for key, request_hash, response in conn.execute(
                "SELECT key, request_hash, response FROM idempotency_keys WHERE key = ANY(%s)", (keys,))}
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE idempotency_key = ANY(%s) ORDER BY position",
                ([k for k in stored],)).fetchall() if stored else []
        events: dict[str, list[StoredEvent]] = {}
        for row in rows:
            event = row_to_event(row)
            events.setdefault(event.idempotency_key, []).append(event)
        answers: list[AppendResult | VaxTrailError | None] = []
        for key, request_hash in requests:
            if key not in stored:
                answers.append(None)
            elif stored[key][0] != request_hash:
                answers.append(IdempotencyKeyReused(f"idempotency key {key!r} was used for a different request",
                                                    field="idempotency_key", rule="INV-34"))
            else:
                metrics.IDEMPOTENT_REPLAYS.labels(self._service).inc()
                answers.append(AppendResult(events=events.get(key, []), response=stored[key][1], replayed=True))
        return answers

    def load(self, aggregate_id: str, aggregate_type: str | None = None, *,
             field: str | None = None) -> list[StoredEvent]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE aggregate_id = %s ORDER BY aggregate_version", (aggregate_id,)
            ).fetchall()
        events = [row_to_event(r) for r in rows]
        if events:
            check_kind(aggregate_id, events[0].aggregate_type, aggregate_type, field)
        return events

    def load_many(self, aggregate_ids: Sequence[str],
                  aggregate_type: str | None = None) -> dict[str, list[StoredEvent]]:
        found: dict[str, list[StoredEvent]] = {}
        if not aggregate_ids:
            return found
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE aggregate_id = ANY(%s) ORDER BY aggregate_id, aggregate_version",
                (sorted(set(aggregate_ids)),),
            ).fetchall()
        for row in rows:
            event = row_to_event(row)
            found.setdefault(event.aggregate_id, []).append(event)
        for aggregate_id, events in found.items():
            check_kind(aggregate_id, events[0].aggregate_type, aggregate_type)
        return found

    def load_type(self, aggregate_type: str, batch: int = 2000) -> Iterator[StoredEvent]:
        after = 0
        while True:
            with self._pool.connection() as conn:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE aggregate_type = %s AND position > %s"
                    " ORDER BY position LIMIT %s", (aggregate_type, after, batch)).fetchall()
            yield from (row_to_event(r) for r in rows)
            if len(rows) < batch:
                return
            after = rows[-1][0]

    @contextlib.contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """A session-level advisory lock on its own connection, released however the block ends."""
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (_EXCLUSIVE_LOCKS, name))
            conn.commit()
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (_EXCLUSIVE_LOCKS, name))
                conn.commit()

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
