"""Load -> decide -> append, once for every service: the :class:`Repository`.

A service describes each aggregate with an :class:`AggregateSpec` (its type name, empty state and pure
``evolve``); handlers call :meth:`Repository.execute` with a pure ``decide`` function. Domain events are
frozen dataclasses that expose ``occurred_at`` (business time); the service's codec turns them into
protobuf payloads.

With an idempotency key, a retried command is answered from the store's idempotency record *before*
deciding again, so a retry after the world changed still returns the first answer (INV-34).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from eventkit.envelope import CommandContext, EventDraft
from eventkit.store.base import AggregateChanges, AppendResult, EventStore, Responder

S = TypeVar("S")


@dataclass(frozen=True)
class AggregateSpec(Generic[S]):
    type: str
    initial: Callable[[], S]
    evolve: Callable[[S, Any], S]


def fingerprint(payload: Mapping[str, Any] | Sequence[Any] | str) -> str:
    """A stable hash of a request body: the same request retried has the same fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Repository:
    def __init__(self, store: EventStore, codec, *, producer: str) -> None:
        self.store = store
        self._codec = codec
        self._producer = producer

    def load(self, spec: AggregateSpec[S], aggregate_id: str) -> tuple[S, int]:
        """The aggregate's current state and version (0 and the empty state if it has no events)."""
        state = spec.initial()
        version = 0
        for stored in self.store.load(aggregate_id):
            state = spec.evolve(state, self._codec.decode(stored.event_type, stored.payload))
            version = stored.aggregate_version
        return state, version

    def draft(self, event: Any) -> EventDraft:
        return EventDraft(self._codec.event_type(event), self._codec.encode(event), event.occurred_at)

    def execute(
        self,
        spec: AggregateSpec[S],
        aggregate_id: str,
        decide: Callable[[S], Sequence[Any]],
        context: CommandContext,
        *,
        request_hash: str = "",
        respond: Responder | None = None,
    ) -> AppendResult:
        """Decide on the current state and append the result; a stale state is a ConcurrencyConflict."""
        if context.idempotency_key is not None:
            earlier = self.store.replay(context.idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        state, version = self.load(spec, aggregate_id)
        events = decide(state)
        changes = AggregateChanges(spec.type, aggregate_id, version, [self.draft(e) for e in events])
        return self.store.append([changes], context, producer=self._producer, request_hash=request_hash,
                                 respond=respond)
