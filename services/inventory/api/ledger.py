"""Ledger routes: receipts, adjustments, physical counts, reversals, and shipments through the supply tree.

Each write is checked against the caller's scope on the location whose stock moves: the receiving store
for a receipt, the sender for a dispatch or a lost / returned shipment, the receiver for a proof of
delivery, the location for adjustments, counts and reversals.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import NATIONAL, WRITERS, require_scope, route_of
from services.inventory.domain import ledger, shipments

ACCEPTED = {201: models.CommandAccepted, 200: models.CommandAccepted}
IDEMPOTENCY = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
               "`Idempotent-Replayed: true` and the first response; nothing is appended twice (INV-34).")
SHIPPERS = ("national_admin", "province_officer", "district_officer")


def register(bp: Blueprint, bus: CommandBus) -> None:
    es = bus.es

    @bp.post("/receipts")
    @requires("national_admin")
    @documented("Record doses received at the national or a regional store (DoseReceived)", tags=["ledger"],
                request=models.ReceiptRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    @command(models.ReceiptRequest, scope="receipts")
    def receive_doses(body: models.ReceiptRequest, context: CommandContext):
        current_principal().require_scope(NATIONAL, field="location_id")
        return bus.handle(ledger.ReceiveDoses(**body.model_dump()), context)

    @bp.post("/adjustments")
    @requires(*WRITERS)
    @documented("Adjust a stock item with a reason whose sign matches (StockAdjusted, INV-5)", tags=["ledger"],
                request=models.AdjustmentRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    @command(models.AdjustmentRequest, scope="adjustments")
    def adjust_stock(body: models.AdjustmentRequest, context: CommandContext):
        require_scope(es, body.location_id)
        return bus.handle(ledger.AdjustStock(**body.model_dump()), context)

    @bp.post("/counts")
    @requires(*WRITERS)
    @documented("Record a physical count of a location (PhysicalCountRecorded per lot, INV-7)", tags=["ledger"],
                request=models.CountRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    @command(models.CountRequest, scope="counts")
    def record_count(body: models.CountRequest, context: CommandContext):
        require_scope(es, body.location_id)
        lines = tuple(ledger.CountLot(line.lot_id, line.counted_doses,
                                      tuple(ledger.DiscrepancyReason(r.reason, r.doses) for r in line.discrepancy_reasons))
                      for line in body.lines)
        return bus.handle(ledger.RecordCount(body.location_id, body.counted_at, lines), context)

    @bp.post("/reversals")
    @requires(*WRITERS)
    @documented("Reverse a receipt or an adjustment (StockMovementReversed, INV-33)", tags=["ledger"],
                request=models.ReversalRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    @command(models.ReversalRequest, scope="reversals")
    def reverse_movement(body: models.ReversalRequest, context: CommandContext):
        require_scope(es, body.location_id)
        return bus.handle(ledger.ReverseMovement(**body.model_dump() | {"reverses_event_id": str(body.reverses_event_id)}),
                          context)

    @bp.post("/shipments")
    @requires(*SHIPPERS)
    @documented("Dispatch a shipment: issue at the sender, stock in transit (ShipmentDispatched + StockIssued)",
                tags=["shipments"], request=models.DispatchRequest, responses=ACCEPTED, errors=[409],
                description=IDEMPOTENCY)
    @command(models.DispatchRequest, scope="shipments")
    def dispatch_shipment(body: models.DispatchRequest, context: CommandContext):
        require_scope(es, body.from_location_id, "from_location_id")
        return bus.handle(shipments.DispatchShipment(
            body.shipment_id, body.from_location_id, body.to_location_id,
            tuple(shipments.DispatchLine(line.lot_id, line.doses, line.vials) for line in body.lines),
            body.dispatched_at, body.allocation_plan_id, body.allocation_line_id, body.transport_id,
            tuple(body.logger_ids), body.session_id), context)

    @bp.post("/shipments/<shipment_id>/delivery")
    @requires(*WRITERS)
    @documented("Record the proof of delivery: accepted + rejected = shipped, once (ShipmentReceived, INV-9)",
                tags=["shipments"], request=models.DeliveryRequest, responses=ACCEPTED, errors=[409],
                description=IDEMPOTENCY)
    @command(models.DeliveryRequest, scope="delivery:{shipment_id}")
    def receive_shipment(body: models.DeliveryRequest, context: CommandContext, shipment_id: str):
        require_scope(es, route_of(es, shipment_id).to_location_id, "shipment_id")
        lines = tuple(shipments.ReceivedLine(line.lot_id, line.accepted_doses, line.rejected_doses,
                                             line.rejection_reason, line.vvm_stage) for line in body.lines)
        return bus.handle(shipments.ReceiveShipment(shipment_id, body.received_at, lines, body.storage_unit_id),
                          context)

    def close(body: models.ShipmentClosure, context: CommandContext, shipment_id: str, outcome: str):
        require_scope(es, route_of(es, shipment_id).from_location_id, "shipment_id")
        return bus.handle(shipments.CloseShipment(shipment_id, outcome, body.reason, body.at), context)

    @bp.post("/shipments/<shipment_id>/lost")
    @requires(*SHIPPERS)
    @documented("Declare a shipment in transit lost (ShipmentLost)", tags=["shipments"],
                request=models.ShipmentClosure, responses=ACCEPTED, errors=[409])
    @command(models.ShipmentClosure, scope="lost:{shipment_id}")
    def shipment_lost(body: models.ShipmentClosure, context: CommandContext, shipment_id: str):
        return close(body, context, shipment_id, shipments.LOST)

    @bp.post("/shipments/<shipment_id>/returned")
    @requires(*SHIPPERS)
    @documented("Record a shipment returned to its sender (ShipmentReturned; stock back at the sender)",
                tags=["shipments"], request=models.ShipmentClosure, responses=ACCEPTED, errors=[409])
    @command(models.ShipmentClosure, scope="returned:{shipment_id}")
    def shipment_returned(body: models.ShipmentClosure, context: CommandContext, shipment_id: str):
        return close(body, context, shipment_id, shipments.RETURNED)
