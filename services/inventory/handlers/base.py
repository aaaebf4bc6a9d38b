"""Shared handler plumbing: aggregate specs, loading reference data, atomic multi-aggregate appends.

Decisions read reference data (locations, presentations, lots) from the service's own event store, not
from a read model: the command side stays strongly consistent with what it checks (a lot suspended a
moment ago blocks the next issue, whatever the projections' lag).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.store.base import AggregateChanges, AppendResult
from services.inventory.domain import coldchain, ledger, lots, reference, shipments

LOCATION = AggregateSpec("location", reference.Location.empty, reference.evolve_location)
PRESENTATION = AggregateSpec("presentation", reference.Presentation.empty, reference.evolve_presentation)
LOT = AggregateSpec("lot", lots.Lot.empty, lots.evolve_lot)
STOCK_ITEM = AggregateSpec("stock_item", ledger.StockItem.empty, ledger.evolve)
SHIPMENT = AggregateSpec("shipment", shipments.Shipment.empty, shipments.evolve_shipment)
STORAGE_UNIT = AggregateSpec("storage_unit", coldchain.StorageUnit.empty, coldchain.evolve_storage_unit)


@dataclass
class Change:
    """Events decided for one aggregate at the version the decision saw."""

    spec: AggregateSpec
    aggregate_id: str
    version: int
    events: Sequence[Any]


def prefixed(error: DomainError, prefix: str) -> DomainError:
    """The same rule violation, with its field named inside a list (``lines[2].doses``)."""
    return type(error)(error.detail, field=f"{prefix}.{error.field}" if error.field else prefix, rule=error.rule)


class HandlerBase:
    def __init__(self, repository: Repository, codec, clock: Callable[[], datetime], *, producer: str,
                 allocations=None) -> None:
        """``allocations``: lookups over the allocation-lines read model (``line(plan_id, line_id)``)."""
        self._repository = repository
        self._codec = codec
        self._clock = clock
        self._producer = producer
        self._allocations = allocations

    # -- loading --------------------------------------------------------------------------------------
    def load(self, spec: AggregateSpec, aggregate_id: str) -> tuple[Any, int]:
        return self._repository.load(spec, aggregate_id)

    def load_item(self, location_id: str, lot_id: str) -> tuple[ledger.StockItem, int]:
        """A stock item with the event id of every movement (reversals name their original by it)."""
        state, version = ledger.StockItem.empty(), 0
        for stored in self._repository.store.load(ledger.stock_item_id(location_id, lot_id)):
            event = self._codec.decode(stored.event_type, stored.payload)
            state, version = ledger.evolve(state, event, str(stored.event_id)), stored.aggregate_version
        return state, version

    def location_state(self, location_id: str, field: str = "location_id") -> reference.Location:
        state, _ = self.load(LOCATION, reference.location_aggregate_id(location_id))
        if state.registered is None:
            raise DomainError(f"location {location_id!r} is not in the supply tree", field=field, rule="INV-4")
        return state

    def location(self, location_id: str, field: str = "location_id") -> reference.LocationRegistered:
        return self.location_state(location_id, field).registered

    def scope_path(self, location_id: str, field: str = "location_id") -> list[str]:
        return reference.scope_path(self.location(location_id, field))

    def lot(self, lot_id: str, field: str = "lot_id") -> lots.Lot:
        state, _ = self.load(LOT, lots.lot_aggregate_id(lot_id))
        if not state.exists:
            raise DomainError(f"lot {lot_id!r} is not registered", field=field, rule="INV-6")
        return state

    def presentation_version(self, presentation_id: str, version: int) -> reference.PresentationDefined | None:
        state, _ = self.load(PRESENTATION, reference.presentation_aggregate_id(presentation_id))
        return state.versions.get(version)

    def storage_unit(self, storage_unit_id: str) -> coldchain.StorageUnit | None:
        if not storage_unit_id:
            return None
        return self.load(STORAGE_UNIT, coldchain.storage_unit_aggregate_id(storage_unit_id))[0]

    def stock_context(self, location_id: str, lot_id: str, *, location_field: str = "location_id",
                      lot_field: str = "lot_id", storage_unit_id: str = "") -> ledger.StockContext:
        location_state = self.location_state(location_id, location_field)
        location = location_state.registered
        lot = self.lot(lot_id, lot_field)
        assert lot.registered is not None
        presentation = self.presentation_version(lot.registered.presentation_id, lot.registered.presentation_version)
        if presentation is None:
            raise DomainError(f"lot {lot_id} names an undefined presentation version", field=lot_field, rule="INV-6")
        return ledger.StockContext(location, lot, presentation, self._clock(), self.storage_unit(storage_unit_id),
                                   location_state.active_until)

    def allocation_line(self, plan_id: str, line_id: str) -> shipments.AllocationLine | None:
        row = self._allocations.line(plan_id, line_id) if self._allocations is not None and line_id else None
        if row is None:
            return None
        return shipments.AllocationLine(row["recipient_unit_id"], row["recipient_unit_kind"], row["doses_released"],
                                        row["doses_shipped"], row["cancelled"])

    def shipment(self, shipment_id: str) -> tuple[shipments.Shipment, int]:
        return self.load(SHIPMENT, shipments.shipment_aggregate_id(shipment_id))

    # -- appending ------------------------------------------------------------------------------------
    def replayed(self, context: CommandContext, request_hash: str) -> AppendResult | None:
        if context.idempotency_key is None:
            return None
        return self._repository.store.replay(context.idempotency_key, request_hash)

    def append(self, changes: Sequence[Change], context: CommandContext, request_hash: str,
               summary: dict[str, Any] | None = None) -> AppendResult:
        """Append every change atomically (all or nothing; a stale version is a 409, INV-37)."""
        changes = [c for c in changes if c.events]
        if not changes:
            return AppendResult(events=[], response={"event_ids": [], "aggregates": {}, **(summary or {})})
        drafts = [AggregateChanges(c.spec.type, c.aggregate_id, c.version,
                                   [self._repository.draft(e) for e in c.events]) for c in changes]

        def respond(events):
            versions: dict[str, int] = {}
            for e in events:
                versions[e.aggregate_id] = e.aggregate_version
            return {"event_ids": [str(e.event_id) for e in events], "aggregates": versions, **(summary or {})}

        return self._repository.store.append(drafts, context, producer=self._producer,
                                             request_hash=request_hash, respond=respond)
