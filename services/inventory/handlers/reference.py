"""Reference-data handlers: locations, presentations, lots, lot decisions, and loading the seed file."""

from __future__ import annotations

from eventkit.envelope import CommandContext
from eventkit.store.base import AppendResult
from services.inventory.domain import lots, reference
from services.inventory.handlers.base import LOCATION, LOT, PRESENTATION, Change, HandlerBase
from services.inventory.seed import SeedDocument


class ReferenceHandlers(HandlerBase):
    def register_location(self, command: reference.RegisterLocation, context: CommandContext,
                          request_hash: str) -> AppendResult:
        return self._single(LOCATION, reference.location_aggregate_id(command.location_id),
                            lambda state: reference.register_location(state, command, known=self._known(command)),
                            context, request_hash)

    def deactivate_location(self, command: reference.DeactivateLocation, context: CommandContext,
                            request_hash: str) -> AppendResult:
        return self._single(LOCATION, reference.location_aggregate_id(command.location_id),
                            lambda state: reference.deactivate_location(state, command), context, request_hash)

    def define_presentation(self, command: reference.DefinePresentation, context: CommandContext,
                            request_hash: str) -> AppendResult:
        return self._single(PRESENTATION, reference.presentation_aggregate_id(command.presentation_id),
                            lambda state: reference.define_presentation(state, command), context, request_hash)

    def register_lot(self, command: lots.RegisterLot, context: CommandContext, request_hash: str) -> AppendResult:
        presentation = self.presentation_version(command.presentation_id, command.presentation_version)
        return self._single(LOT, lots.lot_aggregate_id(command.lot_id),
                            lambda state: lots.register_lot(state, command, presentation, now=self._clock()),
                            context, request_hash)

    def change_lot_status(self, command: lots.ChangeLotStatus, context: CommandContext,
                          request_hash: str) -> AppendResult:
        return self._single(LOT, lots.lot_aggregate_id(command.lot_id),
                            lambda state: lots.change_lot_status(state, command), context, request_hash)

    def extend_lot_expiry(self, command: lots.ExtendLotExpiry, context: CommandContext,
                          request_hash: str) -> AppendResult:
        return self._single(LOT, lots.lot_aggregate_id(command.lot_id),
                            lambda state: lots.extend_lot_expiry(state, command), context, request_hash)

    def load_seed(self, document: SeedDocument, context: CommandContext, request_hash: str) -> AppendResult:
        """Register everything of the seed not registered yet, in one atomic append (idempotent)."""
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        now = self._clock()
        changes: list[Change] = []
        known: set[str] = set()
        for command in document.locations(now):
            state, version = self.load(LOCATION, reference.location_aggregate_id(command.location_id))
            known |= self._known(command)
            events = reference.register_location(state, command, known=frozenset(known))
            changes.append(Change(LOCATION, reference.location_aggregate_id(command.location_id), version, events))
            known.add(command.location_id)
        defined: dict[tuple[str, int], reference.PresentationDefined] = {}
        pending: dict[str, Change] = {}
        states: dict[str, reference.Presentation] = {}
        for command in document.presentations(now):
            aggregate_id = reference.presentation_aggregate_id(command.presentation_id)
            if aggregate_id not in pending:
                state, version = self.load(PRESENTATION, aggregate_id)
                pending[aggregate_id] = Change(PRESENTATION, aggregate_id, version, [])
                states[aggregate_id] = state
            state = states[aggregate_id]
            for event in reference.define_presentation(state, command):
                pending[aggregate_id].events.append(event)
                state = reference.evolve_presentation(state, event)
            states[aggregate_id] = state
            defined[(command.presentation_id, command.version)] = state.versions[command.version]
        changes.extend(pending.values())
        for command in document.lots(now):
            state, version = self.load(LOT, lots.lot_aggregate_id(command.lot_id))
            presentation = defined.get((command.presentation_id, command.presentation_version)) or \
                self.presentation_version(command.presentation_id, command.presentation_version)
            events = lots.register_lot(state, command, presentation, now=now)
            changes.append(Change(LOT, lots.lot_aggregate_id(command.lot_id), version, events))
        appended = sum(len(c.events) for c in changes)
        return self.append(changes, context, request_hash, summary={"seed_version": document.version,
                                                                    "appended": appended})

    # -- helpers --------------------------------------------------------------------------------------
    def _known(self, command: reference.RegisterLocation) -> frozenset[str]:
        """Which of the parent and suppliers named by ``command`` are registered."""
        named = {command.parent_id, *command.supplied_by} - {""}
        return frozenset(n for n in named if self.load(LOCATION, reference.location_aggregate_id(n))[0].exists)

    def _single(self, spec, aggregate_id: str, decide, context: CommandContext, request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        state, version = self.load(spec, aggregate_id)
        events = decide(state)
        return self.append([Change(spec, aggregate_id, version, events)], context, request_hash,
                           summary={"aggregate_id": aggregate_id})

