"""The event store contract shared by the PostgreSQL store and the in-memory fake.

``append`` is all-or-nothing across every aggregate it touches:

- **optimistic concurrency** - each :class:`AggregateChanges` names the version its decision saw; if the
  stream moved on, :class:`~eventkit.errors.ConcurrencyConflict` is raised and nothing is written;
- **idempotency** - with ``context.idempotency_key`` set, the key, a hash of the request and the response
  are stored in the same transaction; the same key and request again returns the first result
  (``replayed=True``) and appends nothing; the same key with another request raises
  :class:`~eventkit.errors.IdempotencyKeyReused`. Event ids of such a command are derived from the key;
- **hash chain** - every event carries ``prev_hash`` (its aggregate's previous hash) and ``hash``;
- **positions** are dense enough for tailing and are handed out in commit order, so a reader that reads
  ``read_after(p)`` repeatedly never skips an event that commits later with a smaller position.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from eventkit.envelope import (
    GENESIS_HASH,
    CommandContext,
    EventDraft,
    StoredEvent,
    compute_hash,
    deterministic_event_id,
    utcnow,
    uuid7,
)
from eventkit.errors import ConcurrencyConflict, VaxTrailError

Response = Mapping[str, Any]
Responder = Callable[[Sequence[StoredEvent]], Response]


@dataclass(frozen=True)
class AggregateChanges:
    """New events for one aggregate, decided on the state at ``expected_version`` (0 = new aggregate)."""

    aggregate_type: str
    aggregate_id: str
    expected_version: int
    events: Sequence[EventDraft]


@dataclass(frozen=True)
class AppendResult:
    events: Sequence[StoredEvent]
    response: Response | None = None
    replayed: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


class EventStore(Protocol):
    def append(
        self,
        changes: Sequence[AggregateChanges],
        context: CommandContext,
        *,
        producer: str,
        request_hash: str = "",
        respond: Responder | None = None,
    ) -> AppendResult:
        """Append atomically; see the module docstring for the guarantees."""
        ...

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        """The stored result of an earlier command with this key, or None if the key is new.

        Raises IdempotencyKeyReused if the key belongs to a different request.
        """
        ...

    def load(self, aggregate_id: str) -> list[StoredEvent]:
        """Every event of one aggregate, in version order."""
        ...

    def read_after(self, position: int, limit: int = 500) -> list[StoredEvent]:
        """Committed events with a position greater than ``position``, in position order."""
        ...

    def last_position(self) -> int:
        """The highest committed position (0 when empty)."""
        ...


MAX_EVENT_BYTES = 512 * 1024
"""Largest payload an event may have: well under Kafka's default 1 MB message limit, so the relay can always
publish what the store committed (an oversized event would otherwise block the relay for good)."""


class EventTooLarge(VaxTrailError):
    status = 413
    title = "Event too large"


def check_distinct(changes: Sequence[AggregateChanges]) -> None:
    for change in changes:
        for draft in change.events:
            if len(draft.payload) > MAX_EVENT_BYTES:
                raise EventTooLarge(
                    f"{draft.event_type} of {len(draft.payload):,} bytes exceeds {MAX_EVENT_BYTES:,}; nothing was written",
                    rule="event-size")
    ids = [c.aggregate_id for c in changes]
    if len(ids) != len(set(ids)):
        raise ValueError("one append names the same aggregate twice; merge its events into one AggregateChanges")


def stamp_events(
    changes: Sequence[AggregateChanges],
    heads: dict[str, tuple[int, bytes]],
    positions: list[int],
    context: CommandContext,
    producer: str,
) -> list[StoredEvent]:
    """Turn drafts into stored events: check versions, assign ids, positions and the hash chain."""
    recorded_at = utcnow()
    events: list[StoredEvent] = []
    index = 0
    for change in changes:
        version, prev = heads.get(change.aggregate_id, (0, GENESIS_HASH))
        if version != change.expected_version:
            raise ConcurrencyConflict(
                f"{change.aggregate_type} {change.aggregate_id} is at version {version},"
                f" the command was decided at version {change.expected_version}",
                field="aggregate_version",
                rule="INV-37",
            )
        for draft in change.events:
            version += 1
            event_id = (
                deterministic_event_id(context.idempotency_key, index)
                if context.idempotency_key is not None
                else uuid7()
            )
            unsigned = StoredEvent(
                position=positions[index],
                event_id=event_id,
                event_type=draft.event_type,
                aggregate_type=change.aggregate_type,
                aggregate_id=change.aggregate_id,
                aggregate_version=version,
                occurred_at=draft.occurred_at,
                recorded_at=recorded_at,
                producer=producer,
                actor_id=context.actor_id,
                actor_role=context.actor_role,
                correlation_id=context.correlation_id,
                causation_id=context.causation_id,
                idempotency_key=context.idempotency_key,
                payload=draft.payload,
                prev_hash=prev,
                hash=b"",
            )
            digest = compute_hash(prev, unsigned)
            events.append(replace(unsigned, hash=digest))
            prev = digest
            index += 1
    return events
