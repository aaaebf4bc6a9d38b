"""Inventory's aggregates as :class:`~eventkit.aggregates.AggregateSpec` and the reference data decisions load.

Decisions read reference data (locations, lots, presentations, storage units) from the service's own event
store, through the command's transaction: every stream loaded is a version guard, so a lot suspended or a
location deactivated while a command was deciding makes its append fail (409, INV-37) - or, for a handler
with retries, makes it decide again on the fresh state - instead of committing a decision on stale data.
"""

from __future__ import annotations

from datetime import tzinfo

from eventkit.aggregates import AggregateSpec, Transaction
from eventkit.clock import CAMPAIGN_ZONE
from eventkit.errors import DomainError
from services.inventory.domain import coldchain, ledger, lots, reference, shipments

LOCATION = AggregateSpec("location", reference.Location.empty, reference.evolve_location, id_field="location_id")
PRESENTATION = AggregateSpec("presentation", reference.Presentation.empty, reference.evolve_presentation,
                             id_field="presentation_id")
LOT = AggregateSpec("lot", lots.Lot.empty, lots.evolve_lot, id_field="lot_id")
STOCK_ITEM = AggregateSpec("stock_item", ledger.StockItem.empty, ledger.evolve, with_event_id=True)
"""With event ids: a reversal names the movement it reverses by its event id (INV-33)."""
SHIPMENT = AggregateSpec("shipment", shipments.Shipment.empty, shipments.evolve_shipment, id_field="shipment_id")
STORAGE_UNIT = AggregateSpec("storage_unit", coldchain.StorageUnit.empty, coldchain.evolve_storage_unit,
                             id_field="storage_unit_id")


def prefixed(error: DomainError, prefix: str) -> DomainError:
    """The same rule violation, with its field named inside a list (``lines[2].doses``)."""
    return type(error)(error.detail, field=f"{prefix}.{error.field}" if error.field else prefix, rule=error.rule)


def registered(state: reference.Location, location_id: str, field: str = "location_id") -> reference.Location:
    """``state`` of a location in the supply tree (INV-4 when it is not)."""
    if state.registered is None:
        raise DomainError(f"location {location_id!r} is not in the supply tree", field=field, rule="INV-4")
    return state


def location_state(tx: Transaction, location_id: str, field: str = "location_id") -> reference.Location:
    """A registered location (INV-4 when it is not in the supply tree)."""
    return registered(tx.load(LOCATION, reference.location_aggregate_id(location_id), field=field), location_id, field)


def location(tx: Transaction, location_id: str, field: str = "location_id") -> reference.LocationRegistered:
    return location_state(tx, location_id, field).registered


def lot(tx: Transaction, lot_id: str, field: str = "lot_id") -> lots.Lot:
    """A registered lot (INV-6 when it is not)."""
    state = tx.load(LOT, lots.lot_aggregate_id(lot_id), field=field)
    if not state.exists:
        raise DomainError(f"lot {lot_id!r} is not registered", field=field, rule="INV-6")
    return state


def presentation_version(tx: Transaction, presentation_id: str, version: int,
                         field: str = "presentation_id") -> reference.PresentationDefined | None:
    state = tx.load(PRESENTATION, reference.presentation_aggregate_id(presentation_id), field=field)
    return state.versions.get(version)


def storage_unit(tx: Transaction, storage_unit_id: str) -> coldchain.StorageUnit | None:
    if not storage_unit_id:
        return None
    return tx.load(STORAGE_UNIT, coldchain.storage_unit_aggregate_id(storage_unit_id), field="storage_unit_id")


def stock_context(tx: Transaction, now, location_id: str, lot_id: str, *, location_field: str = "location_id",
                  lot_field: str = "lot_id", storage_unit_id: str = "", zone: tzinfo = CAMPAIGN_ZONE) -> ledger.StockContext:
    """The reference data a ledger decision on ``location_id`` x ``lot_id`` needs, each stream a guard."""
    where = location_state(tx, location_id, location_field)
    the_lot = lot(tx, lot_id, lot_field)
    assert the_lot.registered is not None
    presentation = presentation_version(tx, the_lot.registered.presentation_id,
                                        the_lot.registered.presentation_version, lot_field)
    if presentation is None:
        raise DomainError(f"lot {lot_id} names an undefined presentation version", field=lot_field, rule="INV-6")
    return ledger.StockContext(where.registered, the_lot, presentation, now, storage_unit(tx, storage_unit_id),
                               where.active_until, zone)


def known_locations(tx: Transaction, command: reference.RegisterLocation) -> frozenset[str]:
    """Which of the parent and suppliers named by ``command`` are registered (each a guard)."""
    named = sorted({command.parent_id, *command.supplied_by} - {""})
    found = tx.load_many(LOCATION, [reference.location_aggregate_id(n) for n in named])
    return frozenset(n for n in named if found[reference.location_aggregate_id(n)].exists)
