"""An in-memory event store for unit tests: the same contract as the PostgreSQL store, no I/O.

It passes the contract suite in ``tests/integration/test_event_store_contract.py`` alongside
:class:`~eventkit.store.postgres.PostgresEventStore`, so a unit test built on it cannot drift from
production behaviour.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence

from eventkit.envelope import CommandContext, StoredEvent
from eventkit.errors import IdempotencyKeyReused
from eventkit.store.base import AggregateChanges, AppendResult, Responder, check_distinct, stamp_events


class InMemoryEventStore:
    def __init__(self) -> None:
        self._events: list[StoredEvent] = []
        self._keys: dict[str, tuple[str, object, list[StoredEvent]]] = {}
        self._lock = threading.Lock()

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
        with self._lock:
            key = context.idempotency_key
            if key is not None and key in self._keys:
                return self._replay_locked(key, request_hash)
            heads = {}
            for change in changes:
                stream = [e for e in self._events if e.aggregate_id == change.aggregate_id]
                if stream:
                    heads[change.aggregate_id] = (stream[-1].aggregate_version, stream[-1].hash)
            count = sum(len(c.events) for c in changes)
            first = len(self._events) + 1
            events = stamp_events(changes, heads, list(range(first, first + count)), context, producer)
            response = respond(events) if respond is not None else None
            self._events.extend(events)
            if key is not None:
                self._keys[key] = (request_hash, copy.deepcopy(response), list(events))
            return AppendResult(events=events, response=response)

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        with self._lock:
            if idempotency_key not in self._keys:
                return None
            return self._replay_locked(idempotency_key, request_hash)

    def _replay_locked(self, key: str, request_hash: str) -> AppendResult:
        stored_hash, response, events = self._keys[key]
        if stored_hash != request_hash:
            raise IdempotencyKeyReused(
                f"idempotency key {key!r} was used for a different request", field="idempotency_key", rule="INV-34"
            )
        return AppendResult(events=list(events), response=copy.deepcopy(response), replayed=True)

    def load(self, aggregate_id: str) -> list[StoredEvent]:
        with self._lock:
            return [e for e in self._events if e.aggregate_id == aggregate_id]

    def read_after(self, position: int, limit: int = 500) -> list[StoredEvent]:
        with self._lock:
            return [e for e in self._events if e.position > position][:limit]

    def last_position(self) -> int:
        with self._lock:
            return self._events[-1].position if self._events else 0
