"""Topics -> Parquet files, chunk by chunk, resumable: the state file is the truth, files it does not name are
leftovers of an interrupted chunk and are deleted before the export continues.

Layout under the export folder::

    export-state.json                            what has been exported (per topic: next offset per partition,
                                                 chunks committed), the privacy mode and the key's fingerprint
    topic=<topic>/type=<EventType>/day=<YYYY-MM-DD>/part-<chunk:08d>-<n>.parquet
    vaxtrail.duckdb                              one view per event type (see duckdb_views)

``day`` is the UTC day of the event's recorded time. A chunk (at most ``chunk_records`` records of one topic)
is written as temporary files, renamed into place, and only then counted in the state file (written to a
temporary file and renamed, so it is whole or old). A kill at any moment loses no record and, after the
leftover files are deleted, duplicates none.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from kafka import TopicPartition

from eventkit.codec import find_event_message_class
from eventkit.codec.errors import UnknownEventType
from eventkit.kafka import make_consumer
from eventkit.kafka_record import NotAnEvent, from_record
from vaxtrail_analytics.export.columns import Column, envelope_row, payload_columns, schema_of
from vaxtrail_analytics.export.privacy import Policy
from vaxtrail_analytics.partitions import partitions_of

STATE_FILE = "export-state.json"
FORMAT = "vaxtrail.export.v1"
UNKNOWN = "_unknown"


class ExportRefused(ValueError):
    """The export folder belongs to an export with another privacy mode or key."""


@dataclass
class ExportResult:
    out: Path
    records: int = 0
    written: int = 0
    not_events: int = 0
    seconds: float = 0.0
    per_type: dict[str, int] = field(default_factory=dict)


class _State:
    def __init__(self, out: Path, policy: Policy) -> None:
        self.path = out / STATE_FILE
        described = policy.describe()
        if self.path.exists():
            self.data = json.loads(self.path.read_text())
            if self.data.get("format") != FORMAT:
                raise ExportRefused(f"{self.path} is not a VaxTrail export state")
            old = {k: self.data["privacy"].get(k) for k in ("mode", "key_fingerprint")}
            new = {k: described.get(k) for k in ("mode", "key_fingerprint")}
            if old != new:
                raise ExportRefused(f"{out} was exported as {old}; this run is {new}: use another folder")
        else:
            self.data = {"format": FORMAT, "privacy": described, "topics": {}}

    def topic(self, topic: str) -> dict:
        return self.data["topics"].setdefault(topic, {"next": {}, "chunks": 0})

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True))
        os.replace(tmp, self.path)


def remove_leftovers(out: Path, topic: str, committed: int) -> list[Path]:
    """Delete the files of chunks the state does not count (an export killed between rename and commit)."""
    removed = []
    for path in (out / f"topic={topic}").glob("type=*/day=*/*"):
        seq = _chunk_of(path.name)
        if path.name.endswith(".tmp") or seq is None or seq > committed:
            path.unlink()
            removed.append(path)
    return removed


def _chunk_of(name: str) -> int | None:
    if not (name.startswith("part-") and name.endswith(".parquet")):
        return None
    try:
        return int(name[5:13])
    except ValueError:
        return None


class _Types:
    """Message class and columns of each event type under the policy, looked up once per export."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._known: dict[str, tuple[type, list[Column]] | None] = {}

    def _lookup(self, event_type: str) -> tuple[type, list[Column]] | None:
        if event_type not in self._known:
            try:
                cls = find_event_message_class(event_type)
                self._known[event_type] = (cls, payload_columns(cls.DESCRIPTOR, self._policy))
            except UnknownEventType:
                self._known[event_type] = None
        return self._known[event_type]

    def columns(self, event_type: str) -> list[Column] | None:
        known = self._lookup(event_type)
        return None if known is None else known[1]

    def decode(self, event_type: str, payload: bytes):
        return self._lookup(event_type)[0].FromString(payload)


def export(bootstrap: str, topics: Sequence[str], out: Path, policy: Policy, *, chunk_records: int = 50_000,
           max_rate: float | None = None, progress: Callable[[int, int], None] = lambda done, total: None,
           security: Mapping[str, str] | None = None) -> ExportResult:
    out.mkdir(parents=True, exist_ok=True)
    state = _State(out, policy)
    result = ExportResult(out)
    started = time.monotonic()
    types = _Types(policy)
    consumer = make_consumer(bootstrap, group_id=None, client_id="vaxtrail-export", max_poll_records=2000,
                             fetch_max_bytes=64 * 1024 * 1024, **(security or {}))
    try:
        plan = _plan(consumer, topics, state)
        total = sum(end - start for start, end in plan.values())
        done = 0
        progress(done, total)
        for topic in topics:
            remove_leftovers(out, topic, state.topic(topic)["chunks"])
            for rows, last in _chunks(consumer, topic, plan, chunk_records, max_rate, started, result):
                _write_chunk(out, topic, state, rows, types, policy, result)
                state.topic(topic)["next"].update({str(p): o + 1 for p, o in last.items()})
                state.save()
                done += sum(len(r) for r in rows.values())
                progress(done, total)
    finally:
        consumer.close()
    result.seconds = time.monotonic() - started
    return result


def _plan(consumer, topics: Sequence[str], state: _State) -> dict[TopicPartition, tuple[int, int]]:
    """Per partition: the offset this run starts from (the state's) and the end offset it stops at."""
    try:
        partitions = partitions_of(consumer, topics)
    except LookupError as exc:
        raise ExportRefused(str(exc)) from exc
    ends = consumer.end_offsets(partitions)
    begins = consumer.beginning_offsets(partitions)
    return {tp: (max(int(state.topic(tp.topic)["next"].get(str(tp.partition), 0)), begins[tp]), ends[tp])
            for tp in partitions}


def _chunks(consumer, topic, plan, chunk_records, max_rate, started, result):
    """Yield (records by type and day, last offset per partition) until every partition reached its end."""
    wanted = {tp: span for tp, span in plan.items() if tp.topic == topic and span[1] > span[0]}
    if not wanted:
        return
    consumer.assign(list(wanted))
    for tp, (start, _) in wanted.items():
        consumer.seek(tp, start)
    remaining = {tp: end for tp, (_, end) in wanted.items()}
    rows: dict[tuple[str, str], list] = defaultdict(list)
    last: dict[int, int] = {}
    count = 0
    while remaining:
        for tp, records in consumer.poll(timeout_ms=500).items():
            end = remaining.get(tp)
            if end is None:
                continue
            for record in records:
                if record.offset >= end:
                    break
                rows[_group_of(record, result)].append(record)
                last[tp.partition] = record.offset
                count += 1
                if max_rate:
                    _throttle(result.records + count, max_rate, started)
                if count >= chunk_records:
                    result.records += count
                    yield rows, last
                    rows, last, count = defaultdict(list), {}, 0
            if consumer.position(tp) >= end:
                remaining.pop(tp, None)
                consumer.pause(tp)
    if count:
        result.records += count
        yield rows, last


def _group_of(record, result: ExportResult) -> tuple[str, str]:
    try:
        event = from_record(record.key, record.value, record.headers)
    except NotAnEvent:
        result.not_events += 1
        return ("", "")
    return (event.event_type, event.recorded_at.date().isoformat())


def _throttle(done: int, max_rate: float, started: float) -> None:
    ahead = done / max_rate - (time.monotonic() - started)
    if ahead > 0:
        time.sleep(ahead)


def _write_chunk(out: Path, topic: str, state: _State, rows, types: _Types, policy: Policy,
                 result: ExportResult) -> None:
    seq = state.topic(topic)["chunks"] + 1
    for n, ((event_type, day), records) in enumerate(sorted(rows.items())):
        if not event_type:
            continue  # not an event (no envelope): counted, never exported
        table = _table(records, types, event_type, policy)
        short = event_type.rsplit(".", 1)[-1] if types.columns(event_type) is not None else UNKNOWN
        folder = out / f"topic={topic}" / f"type={short}" / f"day={day}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{seq:08d}-{n:04d}.parquet"
        tmp = final.with_name(final.name + ".tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, final)
        result.written += table.num_rows
        result.per_type[event_type] = result.per_type.get(event_type, 0) + table.num_rows
    state.topic(topic)["chunks"] = seq


def _table(records, types: _Types, event_type: str, policy: Policy) -> pa.Table:
    columns = types.columns(event_type)
    events = [from_record(r.key, r.value, r.headers) for r in records]
    rows = [envelope_row(r, e, policy) for r, e in zip(records, events, strict=True)]
    data = {name: [row[name] for row in rows] for name in rows[0]}
    if columns is None:  # a type this version does not know: the envelope and the raw payload
        data["payload"] = [e.payload for e in events]
        return pa.table(data)
    messages = [types.decode(event_type, e.payload) for e in events]
    data.update({c.name: [c.get(m) for m in messages] for c in columns})
    return pa.Table.from_pydict(data, schema=schema_of(columns))
