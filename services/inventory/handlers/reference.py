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
        changes = self._seed_locations(document, now)
        presentation_changes, defined = self._seed_presentations(document, now)
        changes += presentation_changes + self._seed_lots(document, now, defined)
        appended = sum(len(c.events) for c in changes)
        return self.append(changes, context, request_hash, summary={"seed_version": document.version,
                                                                    "appended": appended})

    def _seed_locations(self, document: SeedDocument, now) -> list[Change]:
        """Parents come first in the file, so each location's parent and suppliers are known by its turn."""
        changes, known = [], set()
        for command in document.locations(now):
            aggregate_id = reference.location_aggregate_id(command.location_id)
            state, version = self.load(LOCATION, aggregate_id)
            known |= self._known(command)
            changes.append(Change(LOCATION, aggregate_id, version,
                                  reference.register_location(state, command, known=frozenset(known))))
            known.add(command.location_id)
        return changes

    def _seed_presentations(self, document: SeedDocument, now):
        """Versions of one presentation follow each other, so each is decided on the state after the last."""
        pending: dict[str, Change] = {}
        states: dict[str, reference.Presentation] = {}
        defined: dict[tuple[str, int], reference.PresentationDefined] = {}
        for command in document.presentations(now):
            aggregate_id = reference.presentation_aggregate_id(command.presentation_id)
            if aggregate_id not in pending:
                states[aggregate_id], version = self.load(PRESENTATION, aggregate_id)
                pending[aggregate_id] = Change(PRESENTATION, aggregate_id, version, [])
            for event in reference.define_presentation(states[aggregate_id], command):
                pending[aggregate_id].events.append(event)
                states[aggregate_id] = reference.evolve_presentation(states[aggregate_id], event)
            defined[(command.presentation_id, command.version)] = states[aggregate_id].versions[command.version]
        return list(pending.values()), defined

    def _seed_lots(self, document: SeedDocument, now, defined) -> list[Change]:
        changes = []
        for command in document.lots(now):
            state, version = self.load(LOT, lots.lot_aggregate_id(command.lot_id))
            presentation = defined.get((command.presentation_id, command.presentation_version)) or \
                self.presentation_version(command.presentation_id, command.presentation_version)
            changes.append(Change(LOT, lots.lot_aggregate_id(command.lot_id), version,
                                  lots.register_lot(state, command, presentation, now=now)))
        return changes

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

