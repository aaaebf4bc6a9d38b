"""Inventory command handlers: plain functions ``handler(tx, command, deps)`` and the one command table.

Each handler loads what its decision needs through the transaction (every stream it loads is a version
guard: :mod:`.aggregates`), calls the pure decision in :mod:`services.inventory.domain` and appends; the
transaction appends every aggregate it touched atomically (a dispatch: the shipment and each sender stock
item). Modules: :mod:`.reference` (seed, locations, presentations, lots), :mod:`.ledger` (receipts, thaws,
adjustments, reversals, counts), :mod:`.shipments`, :mod:`.coldchain`, :mod:`.consumption`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE
from eventkit.handling import CommandTable, Handler
from services.inventory.domain.allocation_lines import AllocationLine
from services.inventory.domain.coldchain import AssessExcursion, RecordExcursion, RegisterStorageUnit
from services.inventory.domain.consumption import ReportedConsumption
from services.inventory.domain.dispensations import Dispensation
from services.inventory.domain.ledger import (
    AdjustStock,
    ReceiveDoses,
    RecordCount,
    ReverseMovement,
    ThawVials,
)
from services.inventory.domain.lots import ChangeLotStatus, ExtendLotExpiry, OpenLotReview, RegisterLot
from services.inventory.domain.reference import DeactivateLocation, DefinePresentation, RegisterLocation
from services.inventory.domain.shipments import CloseShipment, DispatchShipment, ReceiveShipment
from services.inventory.handlers.coldchain import assess_excursion, record_excursion, register_storage_unit
from services.inventory.handlers.consumption import consume_stock
from services.inventory.handlers.ledger import (
    adjust_stock,
    receive_doses,
    record_count,
    reverse_movement,
    thaw_vials,
)
from services.inventory.handlers.reference import (
    change_lot_status,
    deactivate_location,
    define_presentation,
    extend_lot_expiry,
    load_seed,
    open_lot_review,
    register_location,
    register_lot,
)
from services.inventory.handlers.shipments import close_shipment, dispatch_shipment, receive_shipment
from services.inventory.seed import LoadSeed


def _no_allocation_line(plan_id: str, line_id: str) -> AllocationLine | None:
    return None


def _no_dispensation(session_id: str) -> Dispensation | None:
    return None


@dataclass(frozen=True)
class Deps:
    """What decisions read besides the event store."""

    clock: Callable[[], datetime]
    allocation_line: Callable[[str, str], AllocationLine | None] = _no_allocation_line
    """An allocation line as the local read model of the allocation topic knows it (a dispatch may name one)."""
    dispensation: Callable[[str], Dispensation | None] = _no_dispensation
    """A session's dispensation as the local read model of the allocation topic knows it (a dispatch to a site
    cites one, or an allocation line)."""
    zone: tzinfo = CAMPAIGN_ZONE
    """The campaign zone (``CAMPAIGN_TIME_ZONE``): the calendar of every day rule."""


CONSUMPTION_RETRIES = 5
"""A reported consumption is re-decided on fresh state when a concurrent write moved its stock item or the
reference data it read: it commutes with other movements (the decision sees them all)."""

DELIVERY_RETRIES = 2
"""A delivery also reads the sender's stock item (its beyond-use date); a dispatch or issue at the busy sender
meanwhile is not a conflict with the delivery, so it is re-decided on fresh state rather than answered 409."""

LOT_REVIEW_RETRIES = 2
"""A lot review is re-decided on the fresh lot when a decision was appended meanwhile (a person suspending the lot
by hand at the same moment is no reason to drop the review)."""

COMMANDS: CommandTable = {
    LoadSeed: load_seed,
    RegisterLocation: register_location,
    DeactivateLocation: deactivate_location,
    DefinePresentation: define_presentation,
    RegisterLot: register_lot,
    ChangeLotStatus: change_lot_status,
    ExtendLotExpiry: extend_lot_expiry,
    OpenLotReview: Handler(open_lot_review, retries=LOT_REVIEW_RETRIES),
    ReceiveDoses: receive_doses,
    ThawVials: thaw_vials,
    AdjustStock: adjust_stock,
    ReverseMovement: reverse_movement,
    RecordCount: record_count,
    DispatchShipment: dispatch_shipment,
    ReceiveShipment: Handler(receive_shipment, retries=DELIVERY_RETRIES),
    CloseShipment: close_shipment,
    RegisterStorageUnit: register_storage_unit,
    RecordExcursion: record_excursion,
    AssessExcursion: assess_excursion,
    ReportedConsumption: Handler(consume_stock, retries=CONSUMPTION_RETRIES),
}

__all__ = ["COMMANDS", "Deps"]
