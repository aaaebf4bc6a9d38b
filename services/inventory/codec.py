"""Inventory domain events <-> their protobuf messages (``schemas/vaxtrail/inventory/v1/events.proto``)."""

from __future__ import annotations

from eventkit.codec import ProtoCodec
from services.inventory.domain import coldchain, ledger, lots, reference, shipments
from vaxtrail.inventory.v1 import events_pb2

EVENTS = (
    reference.LocationRegistered, reference.LocationDeactivated, reference.PresentationDefined,
    lots.LotRegistered, lots.LotExpiryExtended, lots.LotSuspended, lots.LotReleased, lots.LotRecalled,
    ledger.DoseReceived, ledger.StockIssued, ledger.StockTransferredIn, ledger.StockAdjusted,
    ledger.PhysicalCountRecorded, ledger.StockMovementReversed, ledger.VialsThawed,
    ledger.StockConsumed, ledger.ConsumptionDiscrepancyDetected,
    coldchain.StorageUnitRegistered, coldchain.TemperatureExcursionDetected, coldchain.ExcursionAssessed,
    shipments.ShipmentDispatched, shipments.ShipmentReceived, shipments.ShipmentLost, shipments.ShipmentReturned,
)
"""Every event this service appends; each maps to the message of the same name."""


def build_codec() -> ProtoCodec:
    codec = ProtoCodec()
    for event in EVENTS:
        codec.register(event, getattr(events_pb2, event.__name__))
    return codec


def inventory_event_types() -> frozenset[str]:
    """Every event type the inventory topic can carry (v1), whether or not this service decodes it yet."""
    return frozenset(m.full_name for m in events_pb2.DESCRIPTOR.message_types_by_name.values())
