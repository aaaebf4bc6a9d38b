"""An in-memory event store for unit tests: the same contract as the PostgreSQL store, no I/O.

It passes the contract suite in ``tests/integration/test_event_store_contract.py`` alongside
:class:`~eventkit.store.postgres.PostgresEventStore`, so a unit test built on it cannot drift from
production behaviour.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator, Sequence

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


class InMemoryEventStore:
    def __init__(self) -> None:
        self._events: list[StoredEvent] = []
        self._keys: dict[str, tuple[str, object, list[StoredEvent]]] = {}
        self._streams: dict[str, list[StoredEvent]] = {}
        self._lock = threading.Lock()
        self._exclusive: dict[str, threading.Lock] = {}

    def append(
        self,
        changes: Sequence[AggregateChanges],
        context: CommandContext,
        *,
        producer: str,
        respond: Responder | None = None,
    ) -> AppendResult:
        check_distinct(changes)
        request_hash = context.request_hash
        with self._lock:
            key = context.idempotency_key
            if key is not None and key in self._keys:
                return self._replay_locked(key, request_hash)
            heads = {}
            for change in changes:
                stream = self._streams.get(change.aggregate_id)
                if stream:
                    heads[change.aggregate_id] = Head(stream[-1].aggregate_type, stream[-1].aggregate_version,
                                                      stream[-1].hash)
            count = sum(len(c.events) for c in changes)
            first = len(self._events) + 1
            events = stamp_events(changes, heads, list(range(first, first + count)), context, producer)
            response = respond(events) if respond is not None else None
            self._events.extend(events)
            for event in events:
                self._streams.setdefault(event.aggregate_id, []).append(event)
            if key is not None:
                self._keys[key] = (request_hash, copy.deepcopy(response), list(events))
            return AppendResult(events=events, response=response)

    def append_many(self, appends: Sequence[PendingAppend], *, producer: str,
                    chained: bool = True) -> list[AppendResult | VaxTrailError]:
        checked: list[VaxTrailError | None] = []
        for append in appends:
            try:
                check_distinct(append.changes)
                checked.append(None)
            except VaxTrailError as exc:
                checked.append(exc)
        with self._lock:
            keys = [a.context.idempotency_key for a in appends]
            claimed, seen = [], set(self._keys)
            for key, refused in zip(keys, checked, strict=True):
                claimed.append(refused is None and (key is None or key not in seen))
                if key is not None and refused is None:
                    seen.add(key)
            heads = {}
            for append in appends:
                for change in append.changes:
                    stream = self._streams.get(change.aggregate_id)
                    if stream:
                        heads[change.aggregate_id] = Head(stream[-1].aggregate_type, stream[-1].aggregate_version,
                                                          stream[-1].hash)
            first = len(self._events) + 1
            total = sum(len(c.events) for a in appends for c in a.changes)
            stamped = stamp_many(appends, heads, list(range(first, first + total)), producer, claimed, chained)
            results: list[AppendResult | VaxTrailError | None] = []
            for append, events, refused in zip(appends, stamped, checked, strict=True):
                if refused is not None or not isinstance(events, list):
                    results.append(refused or events)
                    continue
                response = append.respond(events) if append.respond is not None else None
                self._events.extend(events)
                for event in events:
                    self._streams.setdefault(event.aggregate_id, []).append(event)
                if append.context.idempotency_key is not None:
                    self._keys[append.context.idempotency_key] = (append.context.request_hash,
                                                                  copy.deepcopy(response), list(events))
                results.append(AppendResult(events=events, response=response))
        return answer_unclaimed(self, results, appends)

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        with self._lock:
            if idempotency_key not in self._keys:
                return None
            return self._replay_locked(idempotency_key, request_hash)

    def replay_many(self, requests: Sequence[tuple[str, str]]) -> list[AppendResult | VaxTrailError | None]:
        answers: list[AppendResult | VaxTrailError | None] = []
        for key, request_hash in requests:
            try:
                answers.append(self.replay(key, request_hash))
            except VaxTrailError as exc:
                answers.append(exc)
        return answers

    def _replay_locked(self, key: str, request_hash: str) -> AppendResult:
        stored_hash, response, events = self._keys[key]
        if stored_hash != request_hash:
            raise IdempotencyKeyReused(
                f"idempotency key {key!r} was used for a different request", field="idempotency_key", rule="INV-34"
            )
        return AppendResult(events=list(events), response=copy.deepcopy(response), replayed=True)

    def load(self, aggregate_id: str, aggregate_type: str | None = None, *,
             field: str | None = None) -> list[StoredEvent]:
        with self._lock:
            events = list(self._streams.get(aggregate_id, ()))
        if events:
            check_kind(aggregate_id, events[0].aggregate_type, aggregate_type, field)
        return events

    def load_many(self, aggregate_ids: Sequence[str],
                  aggregate_type: str | None = None) -> dict[str, list[StoredEvent]]:
        found = {i: self.load(i) for i in set(aggregate_ids)}
        for aggregate_id, events in found.items():
            if events:
                check_kind(aggregate_id, events[0].aggregate_type, aggregate_type)
        return {i: events for i, events in found.items() if events}

    def load_type(self, aggregate_type: str) -> Iterator[StoredEvent]:
        with self._lock:
            events = [e for e in self._events if e.aggregate_type == aggregate_type]
        yield from events

    @contextlib.contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        with self._lock:
            lock = self._exclusive.setdefault(name, threading.Lock())
        with lock:
            yield

    def read_after(self, position: int, limit: int = 500) -> list[StoredEvent]:
        with self._lock:
            return [e for e in self._events if e.position > position][:limit]

    def last_position(self) -> int:
        with self._lock:
            return self._events[-1].position if self._events else 0
