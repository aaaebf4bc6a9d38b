"""Loading aggregates and appending one command's events to one or several of them atomically.

Unlike ``Repository.execute`` (one aggregate), a dose touches three streams: the person's record gets
``DoseAdministered``, the session gets ``VialDoseDrawn`` and the visit is a version guard (its screening
must not change under the decision). A stale version anywhere is a ConcurrencyConflict (INV-37); commands
that commute (doses drawn from different vials of one session) are re-decided on fresh state a few times
before a 409 is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventkit.envelope import CommandContext, EventDraft
from eventkit.errors import ConcurrencyConflict, DomainError
from eventkit.store.base import AggregateChanges, AppendResult, Responder
from services.immunization.domain import aefi, record, session, visit
from services.immunization.domain.events import ScreeningCompleted


@dataclass(frozen=True)
class Kind:
    type: str
    initial: Callable[[], Any]
    evolve: Callable[..., Any]
    wants_event_id: bool = False


SESSION = Kind("session", session.Session.empty, session.evolve)
VISIT = Kind("visit", visit.Visit.empty, visit.evolve)
RECORD = Kind("dose_record", record.PersonRecord.empty, record.evolve, wants_event_id=True)
AEFI = Kind("aefi_case", aefi.AefiCase.empty, aefi.evolve)
# The request field that names each kind's aggregate id (for the problem when an id names another kind).
ID_FIELDS = {SESSION.type: "session_id", VISIT.type: "visit_id", RECORD.type: "person_id", AEFI.type: "aefi_id"}


@dataclass(frozen=True)
class Loaded:
    kind: Kind
    aggregate_id: str
    state: Any
    version: int
    screening_event_id: str = ""


class Streams:
    def __init__(self, store, codec, producer: str) -> None:
        self.store = store
        self._codec = codec
        self._producer = producer

    def load(self, kind: Kind, aggregate_id: str) -> Loaded:
        state, version, screening_id = kind.initial(), 0, ""
        for stored in self.store.load(aggregate_id):
            if stored.aggregate_type != kind.type:
                # Ids share one namespace in the store and some are chosen by clients (visit, AEFI): an id that
                # already names another kind of stream is refused, never folded (500) nor appended to.
                raise DomainError(f"{aggregate_id} already names a {stored.aggregate_type}, not a {kind.type}",
                                  field=ID_FIELDS.get(kind.type), rule="aggregate-kind")
            event = self._codec.decode(stored.event_type, stored.payload)
            state = kind.evolve(state, event, str(stored.event_id)) if kind.wants_event_id else kind.evolve(state, event)
            if isinstance(event, ScreeningCompleted):
                screening_id = str(stored.event_id)
            version = stored.aggregate_version
        return Loaded(kind, aggregate_id, state, version, screening_id)

    def decode(self, stored) -> Any:
        return self._codec.decode(stored.event_type, stored.payload)

    def draft(self, event: Any) -> EventDraft:
        return EventDraft(self._codec.event_type(event), self._codec.encode(event), event.occurred_at)

    def execute(self, targets: Callable[[], Sequence[Loaded]], decide: Callable[[Sequence[Loaded]], dict[str, list]],
                context: CommandContext, *, request_hash: str, respond: Responder, retries: int = 0) -> AppendResult:
        """Load ``targets``, decide (events keyed by aggregate id), append all-or-nothing."""
        if context.idempotency_key is not None:
            earlier = self.store.replay(context.idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        for attempt in range(retries + 1):
            loaded = list(targets())
            produced = decide(loaded)
            changes = [AggregateChanges(t.kind.type, t.aggregate_id, t.version,
                                        [self.draft(e) for e in produced.get(t.aggregate_id, [])]) for t in loaded]
            try:
                return self.store.append(changes, context, producer=self._producer, request_hash=request_hash,
                                         respond=respond)
            except ConcurrencyConflict:
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")

    def execute_one(self, kind: Kind, aggregate_id: str, decide: Callable[[Loaded], list], context: CommandContext,
                    *, request_hash: str, respond: Responder) -> AppendResult:
        return self.execute(lambda: [self.load(kind, aggregate_id)], lambda loaded: {aggregate_id: decide(loaded[0])},
                            context, request_hash=request_hash, respond=respond)
