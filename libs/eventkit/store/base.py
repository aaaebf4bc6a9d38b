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
  ``read_after(p)`` repeatedly never skips an event that commits later with a smaller position;
- **one kind per stream** - every stream belongs to one aggregate type. Loading a stream as another type, or
  appending to it as another type, raises :class:`WrongAggregateKind` (422 ``aggregate-kind``): ids share
  one namespace and some are chosen by clients, so an id may already name another kind of stream.

Reads for services: ``load`` (one stream), ``load_many`` (many streams in one query), ``load_type`` (every
event of an aggregate type, in position order) and ``exclusive`` (a named lock held across a read-decide-
append, for decisions over many streams). No service queries the ``events`` table itself.

``append_many`` appends many commands' changes in one transaction (one commit, one hold of the commit-order
lock), each all-or-nothing and independent: a conflict, a key already used or a stream of another kind fails
that command only - and every later command of the call that touches a stream it touched, since it may
have been decided on that command's state (:func:`stamp_many`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
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
from eventkit.errors import ConcurrencyConflict, DomainError, VaxTrailError

Response = Mapping[str, Any]
Responder = Callable[[Sequence[StoredEvent]], Response]


@dataclass(frozen=True)
class AggregateChanges:
    """New events for one aggregate, decided on the state at ``expected_version`` (0 = new aggregate).

    With no events it is a guard: the append fails unless the stream is still at ``expected_version``.
    ``id_field`` names the request field that carried the id (for the problem if the id names another kind).
    """

    aggregate_type: str
    aggregate_id: str
    expected_version: int
    events: Sequence[EventDraft]
    id_field: str | None = None


class WrongAggregateKind(DomainError):
    """An id names a stream of another aggregate type: refused, never folded nor appended to."""

    def __init__(self, aggregate_id: str, found: str, wanted: str, field: str | None = None) -> None:
        super().__init__(f"{aggregate_id} already names a {found}, not a {wanted}", field=field,
                         rule="aggregate-kind")


def check_kind(aggregate_id: str, found: str, wanted: str | None, field: str | None = None) -> None:
    if wanted is not None and found != wanted:
        raise WrongAggregateKind(aggregate_id, found, wanted, field)


@dataclass(frozen=True)
class PendingAppend:
    """One command's changes for :meth:`EventStore.append_many`."""

    changes: Sequence[AggregateChanges]
    context: CommandContext
    respond: Responder | None = None


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
        respond: Responder | None = None,
    ) -> AppendResult:
        """Append atomically; see the module docstring for the guarantees."""
        ...

    def append_many(self, appends: Sequence[PendingAppend], *, producer: str,
                    chained: bool = True) -> list[AppendResult | VaxTrailError]:
        """Append each command atomically and independently, all in one transaction; see the module docstring.

        ``chained``: the commands were decided in order, each on the state the earlier ones left (an
        upload); ``False``: each was decided on its own (concurrent requests, :mod:`eventkit.store.group`)."""
        ...

    def replay(self, idempotency_key: str, request_hash: str) -> AppendResult | None:
        """The stored result of an earlier command with this key, or None if the key is new.

        Raises IdempotencyKeyReused if the key belongs to a different request.
        """
        ...

    def replay_many(self, requests: Sequence[tuple[str, str]]) -> list[AppendResult | VaxTrailError | None]:
        """:meth:`replay` for many (key, request hash) pairs in one read: per pair the stored result, None
        for a new key, or IdempotencyKeyReused."""
        ...

    def load(self, aggregate_id: str, aggregate_type: str | None = None, *,
             field: str | None = None) -> list[StoredEvent]:
        """Every event of one aggregate, in version order; WrongAggregateKind if it is not ``aggregate_type``."""
        ...

    def load_many(self, aggregate_ids: Sequence[str], aggregate_type: str | None = None) -> dict[str, list[StoredEvent]]:
        """The streams of many aggregates (absent ids are missing from the result), each in version order."""
        ...

    def load_type(self, aggregate_type: str) -> Iterator[StoredEvent]:
        """Every event of every stream of ``aggregate_type``, in position order."""
        ...

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Hold a named lock (across processes) for a read -> decide -> append over many streams."""
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
    """Refuses an event too large for Kafka (413) and a stream named twice in one append."""
    for change in changes:
        for draft in change.events:
            if len(draft.payload) > MAX_EVENT_BYTES:
                raise EventTooLarge(
                    f"{draft.event_type} of {len(draft.payload):,} bytes exceeds {MAX_EVENT_BYTES:,}; nothing was written",
                    rule="event-size")
    ids = [c.aggregate_id for c in changes]
    if len(ids) != len(set(ids)):
        raise ValueError("one append names the same aggregate twice; merge its events into one AggregateChanges")


@dataclass(frozen=True)
class Head:
    """The last event of a stream, as an append needs it."""

    aggregate_type: str
    version: int
    hash: bytes


def stamp_events(
    changes: Sequence[AggregateChanges],
    heads: Mapping[str, Head],
    positions: list[int],
    context: CommandContext,
    producer: str,
) -> list[StoredEvent]:
    """Turn drafts into stored events: check kinds and versions, assign ids, positions and the hash chain."""
    recorded_at = utcnow()
    events: list[StoredEvent] = []
    index = 0
    for change in changes:
        head = heads.get(change.aggregate_id)
        if head is not None:
            check_kind(change.aggregate_id, head.aggregate_type, change.aggregate_type, change.id_field)
        version, prev = (head.version, head.hash) if head is not None else (0, GENESIS_HASH)
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
                deterministic_event_id(producer, context.idempotency_key, index)
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


def stamp_many(appends: Sequence[PendingAppend], heads: Mapping[str, Head], positions: list[int], producer: str,
               claimed: Sequence[bool], chained: bool = True) -> list[list[StoredEvent] | VaxTrailError | None]:
    """Stamp the commands of one ``append_many`` in order, each against the heads the earlier ones left.

    Per command: its stored events; the error that failed it alone (a stale version, a stream of another
    kind); or None when its key was not ``claimed`` (already used: the store answers it as a replay). When
    the commands are ``chained``, one that touches a stream an earlier failed or unclaimed command touched
    fails too: it may have been decided on that command's state, which is not being written (a later
    version number could even coincide with another writer's).
    """
    heads = dict(heads)
    tainted: set[str] = set()
    used = 0
    out: list[list[StoredEvent] | VaxTrailError | None] = []
    for append, fresh in zip(appends, claimed, strict=True):
        touched = {c.aggregate_id for c in append.changes}
        try:
            if touched & tainted:
                raise ConcurrencyConflict("decided on the state of an earlier command of the same batch that was "
                                          "not written", field="aggregate_version", rule="INV-37")
            if not fresh:
                tainted |= touched if chained else set()
                out.append(None)
                continue
            count = sum(len(c.events) for c in append.changes)
            events = stamp_events(append.changes, heads, positions[used:used + count], append.context, producer)
        except (ConcurrencyConflict, DomainError) as exc:  # a stale version; a stream of another kind
            tainted |= touched if chained else set()
            out.append(exc)
            continue
        used += len(events)
        for event in events:
            heads[event.aggregate_id] = Head(event.aggregate_type, event.aggregate_version, event.hash)
        out.append(events)
    return out


def answer_unclaimed(store: EventStore, results: Sequence[AppendResult | VaxTrailError | None],
                     appends: Sequence[PendingAppend]) -> list[AppendResult | VaxTrailError]:
    """After ``append_many`` committed: a command whose key was already used (None) is answered as a replay,
    or refused if the key named another request; if its key was only claimed by a command of the same
    batch that failed, it is a conflict (the caller runs it again on its own)."""
    answered: list[AppendResult | VaxTrailError] = []
    for result, append in zip(results, appends, strict=True):
        if result is None:
            try:
                result = store.replay(append.context.idempotency_key, append.context.request_hash) or \
                    ConcurrencyConflict("the command's key was held by a command of the same batch that failed",
                                        field="aggregate_version", rule="INV-37")
            except VaxTrailError as exc:
                result = exc
        answered.append(result)
    return answered
