"""Which events of a batch are new to a projection: one version mark per stream, not one row per event.

The relay publishes at least once: after a failure it publishes again from its cursor, so a copy of an
event can arrive after the original, at a higher offset (tracking offsets do not catch it). Every event
names its stream (``aggregate_id``) and its version in it (1, 2, 3 ... without gaps, unique in the store),
and the relay's first copies of a stream arrive in version order on the stream's one partition
(``tests/integration/test_relay.py`` kills it mid-stream and checks exactly that). So a projection keeps,
per stream of each topic, the highest version it has *passed* - applied, or dead-lettered - and that
event's id (``projection_streams``). A record is a copy of an event already passed when its version is
below the mark, or equal to it with the same event id.

Events passed without being applied (dead-lettered: they failed, their type was unknown, their payload did
not decode) are listed in ``projection_unapplied``: a later copy, or ``vaxtrail dlq replay``, may apply
them once, exactly as before. That table stays small: it holds only what is in the dead-letter topic.

A batch reads the marks of its streams in one query (and, only when it holds copies, looks them up in
``projection_unapplied``), decides in memory, and writes each changed mark once: one row per stream per
batch instead of one ``processed_events`` row per event. A database built by the per-event scheme still
has ``processed_events`` rows; while it has some for a projection (until its next rebuild), new-looking
events are also checked against them, so an upgrade cannot apply an event twice.

Two events with the same stream and version but different ids cannot come from one store; the second is
treated as new (a test that fabricates events at version 1 sees each applied).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg

from eventkit.envelope import StoredEvent

StreamKey = tuple[str, str]  # (topic, aggregate id)


@dataclass
class _Mark:
    version: int
    event_id: uuid.UUID

    def covers(self, event: StoredEvent) -> bool:
        return event.aggregate_version < self.version or (
            event.aggregate_version == self.version and event.event_id == self.event_id)


@dataclass
class StreamMarks:
    """The marks of one batch's streams, decided in memory and written once (:meth:`write`)."""

    projection: str
    _marks: dict[StreamKey, _Mark]
    _unapplied: set[uuid.UUID] = field(default_factory=set)
    _legacy_done: set[uuid.UUID] = field(default_factory=set)
    _changed: set[StreamKey] = field(default_factory=set)
    _now_applied: set[uuid.UUID] = field(default_factory=set)
    _now_unapplied: set[uuid.UUID] = field(default_factory=set)

    @classmethod
    def load(cls, conn: psycopg.Connection, projection: str, events: Iterable[tuple[str, StoredEvent]], *,
             legacy: bool = False) -> StreamMarks:
        """Read the marks of the streams of ``events`` ((topic, event) pairs), and what copies need to know."""
        events = list(events)
        keys = sorted({(topic, e.aggregate_id) for topic, e in events})
        marks: dict[StreamKey, _Mark] = {}
        if keys:
            rows = conn.execute(
                "SELECT topic, stream, version, event_id FROM projection_streams WHERE projection = %s"
                " AND (topic, stream) IN (SELECT * FROM unnest(%b::text[], %b::text[]))",
                (projection, [t for t, _ in keys], [s for _, s in keys])).fetchall()
            marks = {(t, s): _Mark(v, i) for t, s, v, i in rows}
        out = cls(projection, marks)
        copies = [e.event_id for t, e in events if (m := marks.get((t, e.aggregate_id))) and m.covers(e)]
        if copies:
            out._unapplied = {r[0] for r in conn.execute(
                "SELECT event_id FROM projection_unapplied WHERE projection = %s AND event_id = ANY(%s)",
                (projection, copies)).fetchall()}
        if legacy:
            fresh = [e.event_id for t, e in events if not ((m := marks.get((t, e.aggregate_id))) and m.covers(e))]
            if fresh:
                out._legacy_done = {r[0] for r in conn.execute(
                    "SELECT event_id FROM processed_events WHERE projection = %s AND event_id = ANY(%s)",
                    (projection, fresh)).fetchall()}
        return out

    def is_new(self, topic: str, event: StoredEvent) -> bool:
        """Whether ``event`` still has to be applied (never passed, or passed but left unapplied)."""
        mark = self._marks.get((topic, event.aggregate_id))
        if mark is not None and mark.covers(event):
            return event.event_id in self._unapplied
        if event.event_id in self._legacy_done:
            self._pass(topic, event)
            return False
        return True

    def applied(self, topic: str, event: StoredEvent) -> None:
        """``event`` was applied now."""
        self._pass(topic, event)
        if event.event_id in self._unapplied:
            self._unapplied.discard(event.event_id)
            self._now_unapplied.discard(event.event_id)
            self._now_applied.add(event.event_id)

    def left_unapplied(self, topic: str, event: StoredEvent) -> None:
        """``event`` is dead-lettered: passed, but a later copy or a replay may still apply it."""
        if not self.is_new(topic, event):
            return  # a copy of an event that was applied: nothing is left to do for it
        self._pass(topic, event)
        if event.event_id not in self._unapplied:
            self._unapplied.add(event.event_id)
            self._now_unapplied.add(event.event_id)
        self._now_applied.discard(event.event_id)

    def _pass(self, topic: str, event: StoredEvent) -> None:
        key = (topic, event.aggregate_id)
        mark = self._marks.get(key)
        if mark is None or event.aggregate_version >= mark.version:
            self._marks[key] = _Mark(event.aggregate_version, event.event_id)
            self._changed.add(key)

    def write(self, conn: psycopg.Connection) -> None:
        """Write the changed marks and the unapplied list (statements only: fits a pipeline)."""
        if self._changed:
            keys = sorted(self._changed)
            conn.execute(
                "INSERT INTO projection_streams (projection, topic, stream, version, event_id)"
                " SELECT %s, t, s, v, i FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::uuid[]) AS m(t, s, v, i)"
                " ON CONFLICT (projection, topic, stream) DO UPDATE SET version = excluded.version,"
                " event_id = excluded.event_id WHERE projection_streams.version <= excluded.version",
                (self.projection, [t for t, _ in keys], [s for _, s in keys],
                 [self._marks[k].version for k in keys], [self._marks[k].event_id for k in keys]))
            self._changed.clear()
        if self._now_applied:
            conn.execute("DELETE FROM projection_unapplied WHERE projection = %s AND event_id = ANY(%s)",
                         (self.projection, sorted(self._now_applied)))
            self._now_applied.clear()
        if self._now_unapplied:
            conn.execute("INSERT INTO projection_unapplied (projection, event_id) SELECT %s, unnest(%s::uuid[])"
                         " ON CONFLICT DO NOTHING", (self.projection, sorted(self._now_unapplied)))
            self._now_unapplied.clear()


def has_legacy_rows(conn: psycopg.Connection, projection: str) -> bool:
    """Whether ``processed_events`` still holds rows of ``projection`` (written by the per-event scheme)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM processed_events WHERE projection = %s)",
                        (projection,)).fetchone()[0]
