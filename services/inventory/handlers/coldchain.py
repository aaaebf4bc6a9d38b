"""Cold-chain handlers: storage units, temperature excursions and their assessment."""

from __future__ import annotations

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.store.base import AppendResult
from services.inventory.domain import coldchain
from services.inventory.handlers.base import STORAGE_UNIT, Change, HandlerBase


class ColdChainHandlers(HandlerBase):
    def _unit_command(self, storage_unit_id: str, decide, context: CommandContext, request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        aggregate_id = coldchain.storage_unit_aggregate_id(storage_unit_id)
        state, version = self.load(STORAGE_UNIT, aggregate_id)
        return self.append([Change(STORAGE_UNIT, aggregate_id, version, decide(state))], context, request_hash,
                           summary={"aggregate_id": aggregate_id})

    def register_storage_unit(self, command: coldchain.RegisterStorageUnit, context: CommandContext,
                              request_hash: str) -> AppendResult:
        location = self.location(command.location_id)
        return self._unit_command(command.storage_unit_id,
                                  lambda state: coldchain.register_storage_unit(state, command, location),
                                  context, request_hash)

    def record_excursion(self, command: coldchain.RecordExcursion, context: CommandContext,
                         request_hash: str) -> AppendResult:
        return self._unit_command(command.storage_unit_id,
                                  lambda state: coldchain.record_excursion(state, command, now=self._clock()),
                                  context, request_hash)

    def assess_excursion(self, command: coldchain.AssessExcursion, context: CommandContext,
                         request_hash: str) -> AppendResult:
        return self._unit_command(command.storage_unit_id,
                                  lambda state: coldchain.assess_excursion(state, command, now=self._clock()),
                                  context, request_hash)

    def unit_location(self, storage_unit_id: str) -> str:
        """The location a storage unit belongs to (for scope checks); INV-13 error when unknown."""
        unit = self.storage_unit(storage_unit_id)
        if unit is None or unit.registered is None:
            raise DomainError(f"storage unit {storage_unit_id} is not registered", field="storage_unit_id",
                              rule="INV-13")
        return unit.registered.location_id
