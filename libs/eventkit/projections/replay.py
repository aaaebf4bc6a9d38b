"""Re-applying dead letters to their projection after a fix (``vaxtrail dlq replay``).

Each dead letter (all copies of one identity together, see :mod:`eventkit.projections.deadletter`) is
replayed in its own transaction that follows the runner's locking protocol
(:mod:`eventkit.projections.model`): generation ``FOR SHARE``, the source partition's tracking row ``FOR
UPDATE``, then the stream marks say whether the event is still to be applied
(:mod:`eventkit.projections.dedupe`: the runner records what it dead-letters as unapplied) and the
projection's per-event handler runs - the same decode / dedupe / apply code the runner uses. The outcome is recorded per dead-letter copy in
``dlq_replays`` in the same transaction, so a replay is exactly once and a second replay skips it:

``applied``          the handler ran now;
``already-applied``  the event was applied meanwhile (e.g. a relay duplicate reached the fixed runner);
``ignored``          the projection now ignores the type explicitly;
``left-to-runner``   the runner has not passed the source offset in the current generation (after a
                     ``vaxtrail rebuild``): it will consume the record itself, in order.

A dead letter that still fails (does not decode, its type is unknown, its handler raises) is reported as
``failed`` and *not* recorded: the next replay tries it again. Transient database errors propagate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from eventkit.kafka_record import NotAnEvent
from eventkit.projections.batch import decode_payload, describe
from eventkit.projections.deadletter import DeadLetter, group_copies
from eventkit.projections.dedupe import StreamMarks
from eventkit.projections.failures import is_transient
from eventkit.projections.model import Projection, ensure_generation, lock_tracking, share_generation

APPLIED, ALREADY_APPLIED, IGNORED, LEFT_TO_RUNNER, FAILED = (
    "applied", "already-applied", "ignored", "left-to-runner", "failed")


@dataclass(frozen=True)
class ReplayResult:
    copies: tuple[DeadLetter, ...]
    outcome: str
    detail: str = ""

    @property
    def letter(self) -> DeadLetter:
        return self.copies[0]


class _StillFailing(Exception):
    pass


def replayed(pool: ConnectionPool, dlq_topic: str) -> dict[tuple[int, int], str]:
    """Outcome by (DLQ partition, DLQ offset) of every copy already replayed from ``dlq_topic``."""
    with pool.connection() as conn:
        rows = conn.execute("SELECT dlq_partition, dlq_offset, outcome FROM dlq_replays WHERE dlq_topic = %s",
                            (dlq_topic,)).fetchall()
    return {(p, o): outcome for p, o, outcome in rows}


def replay_dead_letters(
    pool: ConnectionPool,
    projection_named: Callable[[str], Projection],
    letters: Iterable[DeadLetter],
    *,
    only: str | None = None,
) -> list[ReplayResult]:
    """Replay every dead letter not replayed before (of projection ``only``, if given), oldest first."""
    letters = list(letters)
    done = replayed(pool, letters[0].dlq_topic) if letters else {}
    results: list[ReplayResult] = []
    projections: dict[str, Projection | None] = {}
    for group in group_copies(letters):
        pending = tuple(c for c in group if (c.dlq_partition, c.dlq_offset) not in done)
        if not pending or (only is not None and pending[0].projection != only):
            continue
        name = pending[0].projection
        if name not in projections:
            try:
                projections[name] = projection_named(name)
            except KeyError:
                projections[name] = None
        projection = projections[name]
        if projection is None:
            results.append(ReplayResult(pending, FAILED, f"no projection named {name!r}"))
            continue
        results.append(replay_one(pool, projection, pending))
    return results


def replay_one(pool: ConnectionPool, projection: Projection, copies: Sequence[DeadLetter]) -> ReplayResult:
    """Replay one dead letter (all its pending copies) to ``projection`` in one transaction."""
    letter = copies[0]
    copies = tuple(copies)
    if letter.source_offset is None or letter.source_partition is None:
        return ReplayResult(copies, FAILED, "no source topic/partition/offset: not written by a projection runner")
    if letter.source_topic not in projection.topics:
        return ReplayResult(copies, FAILED, f"{projection.name} does not read {letter.source_topic}")
    try:
        event = letter.event()
    except NotAnEvent as exc:
        return ReplayResult(copies, FAILED, f"still undecodable: {exc}")
    name = projection.name
    try:
        with pool.connection() as conn, conn.transaction():
            ensure_generation(conn, name)
            share_generation(conn, name)
            key = (letter.source_topic, letter.source_partition)
            if lock_tracking(conn, name, [key])[key] < letter.source_offset:
                outcome = LEFT_TO_RUNNER
            else:
                outcome = _apply(conn, projection, letter.source_topic, event)
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO dlq_replays (dlq_topic, dlq_partition, dlq_offset, projection, source_topic,"
                    " source_partition, source_offset, event_id, outcome) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    [(c.dlq_topic, c.dlq_partition, c.dlq_offset, name, c.source_topic, c.source_partition,
                      c.source_offset, event.event_id, outcome) for c in copies],
                )
    except _StillFailing as exc:
        return ReplayResult(copies, FAILED, str(exc))
    return ReplayResult(copies, outcome)


def _apply(conn, projection: Projection, topic: str, event) -> str:
    """Apply one dead-lettered event if it is still unapplied; its outcome (raises _StillFailing)."""
    marks = StreamMarks.load(conn, projection.name, [(topic, event)], legacy=True)
    if not marks.is_new(topic, event):
        return ALREADY_APPLIED
    if event.event_type in projection.handlers:
        try:
            message = decode_payload(projection, event)
            projection.handlers[event.event_type](conn, event, message)
        except Exception as exc:
            if is_transient(exc):
                raise
            raise _StillFailing(describe(exc)) from exc
        outcome = APPLIED
    elif event.event_type in projection.ignored:
        outcome = IGNORED
    else:
        raise _StillFailing(f"{projection.name} neither handles nor ignores {event.event_type}")
    marks.applied(topic, event)  # done with: a later copy is skipped
    marks.write(conn)
    return outcome
