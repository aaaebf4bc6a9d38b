"""The one way to change state: load -> decide -> append in a :class:`Transaction`, run by :class:`EventSourcing`.

A service describes each aggregate with an :class:`AggregateSpec` (its type, empty state and pure
``evolve``), and each command with a plain handler function that works on a transaction::

    def approve_person(tx: Transaction, command: ApprovePerson, deps: Deps) -> Reply:
        person = tx.load(PERSON, command.person_id)             # every load is a version guard
        tx.append(PERSON, command.person_id, domain.approve(person, tx.context.actor_id, deps.clock()))
        return Reply(command.person_id)

:meth:`EventSourcing.execute` runs such a function:

1. with an idempotency key, a retried command is answered from the store's idempotency record *before*
   anything loads, so a retry after the world changed still gets the first answer (INV-34);
2. the handler loads any number of streams (the store checks each stream's kind: an id naming another kind
   of stream is a 422 ``aggregate-kind``) and appends events to any of them;
3. everything is appended atomically, and *every* loaded stream is a guard: if any of them moved on since
   it was loaded, nothing is written and :class:`~eventkit.errors.ConcurrencyConflict` (409, INV-37) is
   raised - or, with ``retries``, the handler runs again on fresh state (for process managers and commands
   that commute);
4. the answer is the standard ``{"id", "event_ids", "versions", ...}`` (:class:`Reply` adds fields), stored
   with the idempotency key in the same transaction.

:meth:`EventSourcing.execute_many` runs many commands (an offline device's upload) the same way but commits
them together: each is decided in order on the state the earlier ones left (an overlay of the streams they
decided), then all are appended in one transaction where each stays all-or-nothing and independent
(:meth:`~eventkit.store.base.EventStore.append_many`); a command refused by a rule fails alone, and one
that met a conflict is run again on its own, with its retries, after the others are written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from eventkit.envelope import CommandContext, EventDraft, StoredEvent
from eventkit.errors import ConcurrencyConflict, VaxTrailError
from eventkit.store.base import AggregateChanges, AppendResult, EventStore, PendingAppend

S = TypeVar("S")


@dataclass(frozen=True)
class AggregateSpec(Generic[S]):
    """One kind of aggregate: ``type`` is its stream type in the store, ``evolve(state, event)`` is pure.

    ``id_field`` names the request field that carries such an id (the problem names it when the id already
    names another kind of stream). With ``with_event_id``, ``evolve`` is called as ``evolve(state, event,
    event_id)`` (for state that refers to earlier events by id, e.g. reversals).
    """

    type: str
    initial: Callable[[], S]
    evolve: Callable[..., S]
    id_field: str | None = None
    with_event_id: bool = False

    def fold(self, state: S, stored: StoredEvent, event: Any) -> S:
        return self.evolve(state, event, str(stored.event_id)) if self.with_event_id else self.evolve(state, event)


@dataclass(frozen=True)
class Reply:
    """What a handler answers besides the standard fields: the main aggregate id and extra fields."""

    id: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def fingerprint(payload: Mapping[str, Any] | Sequence[Any] | str) -> str:
    """A stable hash of a request: the same request retried has the same fingerprint."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def draft(codec: Any, event: Any) -> EventDraft:
    """A domain event as the store takes it: its type, its encoded payload and its business time."""
    return EventDraft(codec.event_type(event), codec.encode(event), event.occurred_at)


@dataclass
class _Stream:
    spec: AggregateSpec
    version: int
    state: Any
    new: list[Any] = field(default_factory=list)


class Transaction:
    """One command's reads and writes: loaded streams (each a guard) and the events decided for them."""

    def __init__(self, store: EventStore, codec: Any, context: CommandContext,
                 overlay: dict[str, _Stream] | None = None) -> None:
        self.context = context
        self._store = store
        self._codec = codec
        self._streams: dict[str, _Stream] = {}
        self._overlay = overlay if overlay is not None else {}  # streams as earlier commands of a batch left them

    def load(self, spec: AggregateSpec[S], aggregate_id: str, *, field: str | None = None) -> S:
        """The stream's current state (the empty state if it has no events); its version becomes a guard."""
        stream = self._streams.get(aggregate_id) or self._from_overlay(aggregate_id)
        if stream is None:
            stored = self._store.load(aggregate_id, spec.type, field=field or spec.id_field)
            stream = self._streams[aggregate_id] = self._fold(spec, stored)
        self._check_spec(stream, spec, aggregate_id)
        return stream.state

    def load_many(self, spec: AggregateSpec[S], aggregate_ids: Iterable[str]) -> dict[str, S]:
        """Many streams of one kind in one read; each becomes a guard (absent ones at version 0)."""
        wanted = [i for i in dict.fromkeys(aggregate_ids) if i not in self._streams and not self._from_overlay(i)]
        found = self._store.load_many(wanted, spec.type) if wanted else {}
        for aggregate_id in wanted:
            self._streams[aggregate_id] = self._fold(spec, found.get(aggregate_id, []))
        return {i: self.load(spec, i) for i in aggregate_ids}

    def version(self, aggregate_id: str) -> int:
        """The version a loaded stream had when it was loaded."""
        return self._streams[aggregate_id].version

    def append(self, spec: AggregateSpec[S], aggregate_id: str, events: Iterable[Any], *,
               new: bool = False) -> S:
        """Decide ``events`` for a stream and return its state after them.

        The stream is loaded first if it was not (so its version guards the append); ``new=True`` skips that
        read for a stream that cannot exist yet (a fresh unique id): the append then fails unless it is empty.
        """
        stream = self._streams.get(aggregate_id)
        if stream is None:
            if new:
                stream = self._streams[aggregate_id] = _Stream(spec, 0, spec.initial())
            else:
                self.load(spec, aggregate_id)
                stream = self._streams[aggregate_id]
        self._check_spec(stream, spec, aggregate_id)
        for event in events:
            stream.new.append(event)
            # A new event has no id until the store stamps it: ``with_event_id`` specs see "" for it.
            stream.state = spec.evolve(stream.state, event, "") if spec.with_event_id else spec.evolve(stream.state, event)
        return stream.state

    def _from_overlay(self, aggregate_id: str) -> _Stream | None:
        found = self._overlay.get(aggregate_id)
        if found is None:
            return None
        stream = self._streams[aggregate_id] = _Stream(found.spec, found.version, found.state)
        return stream

    def leave(self, overlay: dict[str, _Stream]) -> None:
        """Record in ``overlay`` every stream this command read or decided, as it leaves them."""
        for aggregate_id, stream in self._streams.items():
            overlay[aggregate_id] = _Stream(stream.spec, stream.version + len(stream.new), stream.state)

    def changes(self) -> list[AggregateChanges]:
        return [
            AggregateChanges(s.spec.type, aggregate_id, s.version, [draft(self._codec, e) for e in s.new],
                             s.spec.id_field)
            for aggregate_id, s in self._streams.items()
        ]


    def _fold(self, spec: AggregateSpec, stored: Sequence[StoredEvent]) -> _Stream:
        state = spec.initial()
        for event in stored:
            state = spec.fold(state, event, self._codec.decode(event.event_type, event.payload))
        return _Stream(spec, stored[-1].aggregate_version if stored else 0, state)

    @staticmethod
    def _check_spec(stream: _Stream, spec: AggregateSpec, aggregate_id: str) -> None:
        if stream.spec.type != spec.type:
            raise ValueError(f"{aggregate_id} was loaded as a {stream.spec.type}, not a {spec.type}")


Work = Callable[[Transaction], "Reply | None"]


class EventSourcing:
    """A service's write side: its store, its codec and its name as the producer of what it appends."""

    def __init__(self, store: EventStore, codec: Any, *, producer: str) -> None:
        self.store = store
        self.codec = codec
        self.producer = producer

    def execute(self, context: CommandContext, work: Work, *, retries: int = 0) -> AppendResult:
        """Replay, or run ``work`` in a transaction and append what it decided; see the module docstring."""
        if context.idempotency_key is not None:
            earlier = self.store.replay(context.idempotency_key, context.request_hash)
            if earlier is not None:
                return earlier
        for attempt in range(retries + 1):
            tx = Transaction(self.store, self.codec, context)
            reply = work(tx)
            if reply is not None and not isinstance(reply, Reply):
                raise TypeError(f"a handler returns a Reply or None, not {type(reply).__name__}")
            changes = tx.changes()
            respond = _answer(reply, changes)
            if context.idempotency_key is None and not any(c.events for c in changes):
                return AppendResult(events=[], response=respond([]))  # nothing to write, nothing to guard
            try:
                return self.store.append(changes, context, producer=self.producer, respond=respond)
            except ConcurrencyConflict:
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")

    def execute_many(self, commands: Sequence[tuple[CommandContext, Work, int]]) -> list[AppendResult | VaxTrailError]:
        """Run (context, work, retries) commands in order and commit them together; see the module docstring.

        Each answer is the command's result or the :class:`~eventkit.errors.VaxTrailError` that refused it."""
        answers: list[AppendResult | VaxTrailError | None] = [None] * len(commands)
        keyed = [i for i, (context, _, _) in enumerate(commands) if context.idempotency_key is not None]
        replays = self.store.replay_many([(commands[i][0].idempotency_key, commands[i][0].request_hash)
                                          for i in keyed]) if keyed else []
        for index, earlier in zip(keyed, replays, strict=True):
            answers[index] = earlier  # an earlier result (or the key reused), answered before anything loads
        overlay: dict[str, _Stream] = {}
        pending: list[tuple[int, PendingAppend]] = []
        for index, (context, work, _) in enumerate(commands):
            if answers[index] is not None:
                continue
            try:
                tx = Transaction(self.store, self.codec, context, overlay)
                reply = work(tx)
                if reply is not None and not isinstance(reply, Reply):
                    raise TypeError(f"a handler returns a Reply or None, not {type(reply).__name__}")
                changes = tx.changes()
                respond = _answer(reply, changes)
            except VaxTrailError as refused:
                answers[index] = refused
                continue
            if context.idempotency_key is None and not any(c.events for c in changes):
                answers[index] = AppendResult(events=[], response=respond([]))
                continue
            tx.leave(overlay)
            pending.append((index, PendingAppend(changes, context, respond)))
        if pending:
            appended = self.store.append_many([p for _, p in pending], producer=self.producer)
            for (index, _), outcome in zip(pending, appended, strict=True):
                answers[index] = outcome
        for index, (context, work, retries) in enumerate(commands):
            if isinstance(answers[index], ConcurrencyConflict):  # on fresh state, on its own, with its retries
                try:
                    answers[index] = self.execute(context, work, retries=retries)
                except VaxTrailError as refused:
                    answers[index] = refused
        return answers  # type: ignore[return-value] - every slot is filled above

    def load(self, spec: AggregateSpec[S], aggregate_id: str, *, field: str | None = None) -> tuple[S, int]:
        """A stream's state and version outside any command (for reads and pre-checks such as scope)."""
        stream = Transaction(self.store, self.codec, _READER)
        state = stream.load(spec, aggregate_id, field=field)
        return state, stream.version(aggregate_id)

    def fold_type(self, spec: AggregateSpec[S]) -> dict[str, S]:
        """Every stream of one kind, folded (for decisions over all of them, under ``store.exclusive``)."""
        found: dict[str, S] = {}
        for stored in self.store.load_type(spec.type):
            state = found.get(stored.aggregate_id, spec.initial())
            found[stored.aggregate_id] = spec.fold(state, stored, self.codec.decode(stored.event_type, stored.payload))
        return found

    def record(self, context: CommandContext, aggregate_type: str, aggregate_id: str, event: Any) -> AppendResult:
        """Append one event as the first of a fresh stream (records such as PersonalDataAccessed)."""
        return self.store.append([AggregateChanges(aggregate_type, aggregate_id, 0, [draft(self.codec, event)])],
                                 context, producer=self.producer)


_READER = CommandContext(actor_id="reader", actor_role="system")


def _answer(reply: Reply | None, changes: Sequence[AggregateChanges]):
    def respond(events: Sequence[StoredEvent]) -> dict[str, Any]:
        versions: dict[str, int] = {}
        for event in events:
            versions[event.aggregate_id] = event.aggregate_version
        main = reply.id if reply is not None else (events[0].aggregate_id if events else
                                                   (changes[0].aggregate_id if changes else ""))
        return {"id": main, "event_ids": [str(e.event_id) for e in events], "versions": versions,
                **(dict(reply.extra) if reply is not None else {})}
    return respond
