"""Cold-chain handlers: storage units, and temperature excursions (in a storage unit or during transport) with
their assessment. An excursion names exactly one of ``storage_unit_id`` and ``shipment_id``: the handler
decides on that aggregate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import Reply, Transaction
from services.inventory.domain import coldchain, shipments
from services.inventory.handlers.aggregates import SHIPMENT, STORAGE_UNIT, location

if TYPE_CHECKING:
    from services.inventory.handlers import Deps


def register_storage_unit(tx: Transaction, command: coldchain.RegisterStorageUnit, deps: Deps) -> Reply:
    aggregate_id = coldchain.storage_unit_aggregate_id(command.storage_unit_id)
    state = tx.load(STORAGE_UNIT, aggregate_id)
    tx.append(STORAGE_UNIT, aggregate_id,
              coldchain.register_storage_unit(state, command, location(tx, command.location_id)))
    return Reply(aggregate_id, {"aggregate_id": aggregate_id})


def _on_unit_or_shipment(tx: Transaction, command, deps: Deps, on_unit, on_shipment) -> Reply:
    """Decide on the storage unit or the shipment the excursion names."""
    if command.shipment_id:
        spec, aggregate_id, decide = SHIPMENT, shipments.shipment_aggregate_id(command.shipment_id), on_shipment
        answer = {"shipment_id": command.shipment_id}
    else:
        spec, aggregate_id, decide = STORAGE_UNIT, coldchain.storage_unit_aggregate_id(command.storage_unit_id), on_unit
        answer = {"aggregate_id": aggregate_id}
    tx.append(spec, aggregate_id, decide(tx.load(spec, aggregate_id), command, now=deps.clock()))
    return Reply(aggregate_id, answer)


def record_excursion(tx: Transaction, command: coldchain.RecordExcursion, deps: Deps) -> Reply:
    return _on_unit_or_shipment(tx, command, deps, coldchain.record_excursion, shipments.record_excursion)


def assess_excursion(tx: Transaction, command: coldchain.AssessExcursion, deps: Deps) -> Reply:
    return _on_unit_or_shipment(tx, command, deps, coldchain.assess_excursion, shipments.assess_excursion)
