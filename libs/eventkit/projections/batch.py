"""Applying records to a read model inside a transaction the caller owns (the runner's batch, a DLQ replay).

:func:`sort_records` decides, without touching the database, what each record is: an event to apply
(decoded envelope and payload), an ignored type (only its ``ce_type`` header is read: nothing else of it is
decoded), or a dead record (it does not decode, or its type is neither handled nor ignored).
:func:`apply_events` then decides which events are new (:mod:`eventkit.projections.dedupe`) and applies them:

* fast path (``isolate=False``): the projection's ``batch`` handler with every new event at once, or its
  per-event handlers, in pipeline mode (statements are sent without waiting for each other); any error
  propagates and the caller rolls back;
* isolating path (``isolate=True``): the per-event handler of each new event inside a savepoint; an event
  whose handler raises a record-caused error becomes a dead record (``apply-failed``), a transient error
  (:mod:`eventkit.projections.failures`) propagates so the whole transaction is retried.

Either way the stream marks of everything passed - applied or dead - are written once, at the end.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from eventkit.envelope import StoredEvent
from eventkit.kafka_record import NotAnEvent, event_type_header, from_record
from eventkit.projections.deadletter import APPLY_FAILED, UNDECODABLE, UNKNOWN_TYPE, DeadRecord
from eventkit.projections.dedupe import StreamMarks
from eventkit.projections.failures import is_transient
from eventkit.projections.model import Projection


@dataclass(frozen=True)
class Candidate:
    record: Any
    event: StoredEvent
    message: Any


@dataclass
class Sorted:
    candidates: list[Candidate] = field(default_factory=list)
    dead: list[DeadRecord] = field(default_factory=list)
    ignored: int = 0

    def after(self, tracked: dict[tuple[str, int], int]) -> Sorted:
        """Only the records past the ``tracked`` offsets (decoded before the tracking rows were locked)."""
        def fresh(record) -> bool:
            return record.offset > tracked[(record.topic, record.partition)]

        return Sorted([c for c in self.candidates if fresh(c.record)], [d for d in self.dead if fresh(d.record)],
                      self.ignored)


def describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()


def decode_payload(projection: Projection, event: StoredEvent) -> Any:
    return projection.decoder(event.event_type, event.payload) if projection.decoder else event.payload


def sort_records(projection: Projection, records: Sequence[Any]) -> Sorted:
    out = Sorted()
    ignored = projection.ignored
    for record in records:
        if event_type_header(record.headers) in ignored:
            out.ignored += 1
            continue
        try:
            event = from_record(record.key, record.value, record.headers)
        except NotAnEvent as exc:
            out.dead.append(DeadRecord(record, UNDECODABLE, f"not an event: {exc}"))
            continue
        if event.event_type in projection.handlers:
            try:
                message = decode_payload(projection, event)
            except Exception as exc:  # noqa: BLE001 - classified: a payload that does not decode is the record's fault
                if is_transient(exc):
                    raise
                out.dead.append(DeadRecord(record, UNDECODABLE, f"payload does not decode: {describe(exc)}", event))
                continue
            out.candidates.append(Candidate(record, event, message))
        elif event.event_type in projection.ignored:
            out.ignored += 1
        else:
            out.dead.append(DeadRecord(
                record, UNKNOWN_TYPE, f"{projection.name} neither handles nor ignores {event.event_type}", event))
    return out


def apply_events(conn: psycopg.Connection, projection: Projection, sorted_: Sorted, *, isolate: bool,
                 legacy: bool = False) -> tuple[list, list[DeadRecord]]:
    """Apply the new events of ``sorted_``; returns the ids applied now and the dead records (only when isolating).

    The events of ``sorted_.dead`` (unknown types, payloads that do not decode) are passed too: recorded as
    unapplied, so that a replay after the fix can apply them once.
    """
    name = projection.name
    marks = StreamMarks.load(conn, name, [(c.record.topic, c.event) for c in sorted_.candidates]
                             + [(d.record.topic, d.event) for d in sorted_.dead if d.event is not None], legacy=legacy)
    applied: list = []
    dead: list[DeadRecord] = []
    if not isolate:
        new = []
        for c in sorted_.candidates:
            if marks.is_new(c.record.topic, c.event):
                marks.applied(c.record.topic, c.event)
                new.append(c)
        _pass_dead(marks, sorted_.dead)
        with conn.pipeline():
            if projection.batch is not None:
                if new:
                    projection.batch(conn, [(c.event, c.message) for c in new])
            else:
                for c in new:
                    projection.handlers[c.event.event_type](conn, c.event, c.message)
            marks.write(conn)
        return [c.event.event_id for c in new], dead
    for c in sorted_.candidates:
        if not marks.is_new(c.record.topic, c.event):
            continue
        try:
            with conn.transaction():  # a savepoint: a failing handler leaves no trace
                projection.handlers[c.event.event_type](conn, c.event, c.message)
            marks.applied(c.record.topic, c.event)
            applied.append(c.event.event_id)
        except Exception as exc:  # noqa: BLE001 - classified below: transient errors propagate
            if is_transient(exc):
                raise
            marks.left_unapplied(c.record.topic, c.event)
            dead.append(DeadRecord(c.record, APPLY_FAILED, describe(exc), c.event))
    _pass_dead(marks, sorted_.dead)
    marks.write(conn)
    return applied, dead


def _pass_dead(marks: StreamMarks, dead: Sequence[DeadRecord]) -> None:
    for d in dead:
        if d.event is not None:
            marks.left_unapplied(d.record.topic, d.event)
