"""Property-based check behind "whatever the store accepts, every projection can apply".

For an event class, hypothesis builds events from its type hints within what the API's validated field
types accept (text without control characters, times and dates from 1900 to 2099, integers that fit the
wire, finite decimals); each event is encoded by the service's codec, wrapped in an envelope, turned into a
Kafka record and back, decoded by each projection that handles its type and applied by that handler to a
real migrated database, in a transaction that is rolled back. Any exception fails the test with the
shrunk example.

    check_every_projection_applies(database_url, projections, codec, ledger.StockAdjusted)

Handlers run against an empty read model, as after a rebuild or when events of other aggregates arrive in
another order; ``history`` can supply events to apply first where a handler relies on an earlier event of
the same aggregate (Kafka keeps those in order).

A projection that declares a ``batch`` handler (the runner's fast path) is checked twice: the same events
are applied once through its per-event handlers and once as one batch, each in its own rolled-back
transaction, and its tables must then hold the same rows. :func:`check_batch_matches_handlers` does the
same for whole sequences of events of many types whose keys collide (what a batch folds per key).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from eventkit.codec import UnknownEventType
from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
from eventkit.kafka_record import from_record, to_record
from eventkit.projections import Projection
from vaxtrail_cli.readmodel_digests import VOLATILE_COLUMNS

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)
IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,30}", fullmatch=True)
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2099, 12, 30),
                       timezones=st.just(UTC))
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
INTEGERS = st.integers(min_value=-(2**31 - 1), max_value=2**31 - 1)
DECIMALS = st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


Overrides = dict[str, st.SearchStrategy]


def strategy_for(hint: Any, name: str = "", overrides: Overrides | None = None) -> st.SearchStrategy:
    """Values of one annotation, as an API model could have let them through; ``overrides`` maps a field
    name (at any depth) to the strategy of the API type that bounds it (e.g. ``doses`` -> 1..10,000,000)."""
    overrides = overrides or {}
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        return st.none() | st.one_of([strategy_for(m, name, overrides) for m in members])
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return st.lists(strategy_for(item, name, overrides), max_size=3).map(tuple)
    if name in overrides:
        return overrides[name]
    if dataclasses.is_dataclass(hint):
        return events_of(hint, overrides)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    simple = {bool: st.booleans(), int: INTEGERS, datetime: MOMENTS, date: DAYS, Decimal: DECIMALS,
              uuid.UUID: st.uuids(), bytes: st.binary(max_size=40),
              float: st.floats(allow_nan=False, allow_infinity=False, width=32)}
    if hint in simple:
        return simple[hint]
    if hint is str:
        return IDS if name.endswith("_id") or name.endswith("_ids") else TEXT
    raise TypeError(f"no strategy for {hint!r} ({name})")


def events_of(event_class: type, overrides: Overrides | None = None) -> st.SearchStrategy:
    """Instances of a frozen event dataclass (its ``init`` fields), built from its type hints."""
    hints = typing.get_type_hints(event_class)
    fields = {f.name: strategy_for(hints[f.name], f.name, overrides)
              for f in dataclasses.fields(event_class) if f.init}
    return st.builds(event_class, **fields)


def envelope(event_type: str, payload: bytes, occurred_at: datetime, aggregate_id: str) -> StoredEvent:
    unsigned = StoredEvent(
        position=1, event_id=uuid7(), event_type=event_type, aggregate_type="property_test",
        aggregate_id=aggregate_id, aggregate_version=1, occurred_at=occurred_at, recorded_at=datetime.now(UTC),
        producer="property-test", actor_id="property-test", actor_role="system", correlation_id="property-test",
        causation_id="", idempotency_key=None, payload=payload, prev_hash=GENESIS_HASH, hash=b"")
    return dataclasses.replace(unsigned, hash=compute_hash(GENESIS_HASH, unsigned))


def through_kafka(event_type: str, payload: bytes, occurred_at: datetime, aggregate_id: str) -> StoredEvent:
    """The envelope of one event as a consumer receives it (through a Kafka record and back)."""
    record = to_record(envelope(event_type, payload, occurred_at, aggregate_id))
    received = from_record(record.key, record.value, record.headers)
    assert received.verify_hash()
    return received


def decoded(projection: Projection, event: StoredEvent) -> Any:
    return projection.decoder(event.event_type, event.payload) if projection.decoder else event.payload


def apply_events(conn: psycopg.Connection, projections: Iterable[Projection], events: Sequence[StoredEvent], *,
                 as_batch: bool = False) -> int:
    """Apply ``events`` in order by every projection that handles them, one by one or (``as_batch``) each
    batch projection's share as one batch; returns how many handler calls (or batch items) there were."""
    ran = 0
    for projection in projections:
        mine = []
        for event in events:
            if event.event_type not in projection.handlers:
                assert event.event_type in projection.ignored, \
                    f"{projection.name} neither handles nor ignores {event.event_type}"
                continue
            mine.append((event, decoded(projection, event)))
        if as_batch and projection.batch is not None:
            if mine:
                projection.batch(conn, mine)
        else:
            for event, message in mine:
                projection.handlers[event.event_type](conn, event, message)
        ran += len(mine)
    return ran


def table_rows(conn: psycopg.Connection, tables: Iterable[str]) -> dict[str, list]:
    """Every row of ``tables`` (without :data:`VOLATILE_COLUMNS`), in a stable order."""
    out = {}
    for table in tables:
        cursor = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
        names = [c.name for c in cursor.description]
        keep = [i for i, name in enumerate(names) if name not in VOLATILE_COLUMNS.get(table, ())]
        out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
    return out


def assert_batch_matches_handlers(conn: psycopg.Connection, projections: Sequence[Projection],
                                  events: Sequence[StoredEvent]) -> None:
    """Applied one by one and as a batch, ``events`` leave the batch projections' tables with the same rows."""
    batched = [p for p in projections if p.batch is not None]
    if not batched:
        return
    tables = sorted({t for p in batched for t in p.tables})
    with conn.transaction(force_rollback=True):
        apply_events(conn, projections, events)
        one_by_one = table_rows(conn, tables)
    with conn.transaction(force_rollback=True):
        apply_events(conn, projections, events, as_batch=True)
        as_batch = table_rows(conn, tables)
    assert as_batch == one_by_one, f"{[p.name for p in batched]}: a batch differs from the handlers one by one"


def check_every_projection_applies(database_url: str, projections: Sequence[Projection], codec: Any,
                                   event_class: type, *, max_examples: int = 25, overrides: Overrides | None = None,
                                   history: Callable[[Any], Sequence[Any]] | None = None) -> None:
    """Fail with a shrunk example if some event of ``event_class`` makes a projection handler raise."""
    event_type = codec.type_of(event_class)
    consuming = [p for p in projections if event_type in p.handlers or event_type in p.ignored]
    with psycopg.connect(database_url) as conn:
        @settings(max_examples=max_examples, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(events_of(event_class, overrides), IDS)
        def applies(event: Any, aggregate_id: str) -> None:
            events = [through_kafka(codec.event_type(e), codec.encode(e), e.occurred_at, aggregate_id)
                      for e in [*(history(event) if history is not None else ()), event]]
            with conn.transaction(force_rollback=True):
                apply_events(conn, consuming, events)
            assert_batch_matches_handlers(conn, consuming, events)

        applies()


class Codecs:
    """Several services' codecs as one (a projection that reads several topics gets events of each)."""

    def __init__(self, *codecs: Any) -> None:
        self._codecs = codecs

    def _of(self, event_class: type) -> Any:
        for codec in self._codecs:
            try:
                codec.type_of(event_class)
                return codec
            except UnknownEventType:
                continue
        raise UnknownEventType(f"no codec knows {event_class.__qualname__}")

    def type_of(self, event_class: type) -> str:
        return self._of(event_class).type_of(event_class)

    def event_type(self, event: Any) -> str:
        return self._of(type(event)).event_type(event)

    def encode(self, event: Any) -> bytes:
        return self._of(type(event)).encode(event)


def check_batch_matches_handlers(database_url: str, projection: Projection, codec: Any,
                                 event_classes: Sequence[type], *, max_examples: int = 25,
                                 overrides: Overrides | None = None, max_events: int = 12,
                                 per_class: dict[type, Overrides] | None = None) -> None:
    """Fail with a shrunk example if a sequence of events of ``event_classes`` leaves ``projection``'s tables
    different when applied as one batch than when applied by its handlers one by one.

    ``overrides`` should draw the fields a batch folds by (stock item, person ...) from a few values, so
    that events of one sequence meet on the same keys; ``per_class`` adds overrides for one class."""
    assert projection.batch is not None, f"{projection.name} has no batch handler"
    events = st.one_of([events_of(c, {**(overrides or {}), **(per_class or {}).get(c, {})}) for c in event_classes])
    with psycopg.connect(database_url) as conn:
        @settings(max_examples=max_examples, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(st.lists(st.tuples(events, st.sampled_from(["S-1", "S-2"])), min_size=1, max_size=max_events))
        def matches(sequence: list) -> None:
            assert_batch_matches_handlers(conn, [projection], [
                through_kafka(codec.event_type(e), codec.encode(e), e.occurred_at, stream) for e, stream in sequence])

        matches()
