"""Ledger routes: receipts, adjustments, physical counts, reversals, and shipments through the supply tree.

Each write is checked against the caller's scope on the location whose stock moves: the receiving store
for a receipt, the sender for a dispatch or a lost / returned shipment, the receiver for a proof of
delivery, the location for adjustments, counts and reversals.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.errors import DomainError
from eventkit.web import parse_body
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import WRITERS, run
from services.inventory.domain import ledger, shipments
from services.inventory.handlers import InventoryHandlers

ACCEPTED = {201: models.CommandAccepted, 200: models.CommandAccepted}
IDEMPOTENCY = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
               "`Idempotent-Replayed: true` and the first response; nothing is appended twice (INV-34).")
SHIPPERS = ("national_admin", "province_officer", "district_officer")


def register(bp: Blueprint, handlers: InventoryHandlers) -> None:
    def scoped(location_id: str, field: str = "location_id") -> None:
        current_principal().require_scope(handlers.scope_path(location_id, field), field=field)

    @bp.post("/receipts")
    @requires("national_admin")
    @documented("Record doses received at the national or a regional store (DoseReceived)", tags=["ledger"],
                request=models.ReceiptRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    def receive_doses():
        body = parse_body(models.ReceiptRequest)
        current_principal().require_scope(["national"], field="location_id")
        return run(handlers.receive_doses, ledger.ReceiveDoses(**body.model_dump()), body, "receipts")

    @bp.post("/adjustments")
    @requires(*WRITERS)
    @documented("Adjust a stock item with a reason whose sign matches (StockAdjusted, INV-5)", tags=["ledger"],
                request=models.AdjustmentRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    def adjust_stock():
        body = parse_body(models.AdjustmentRequest)
        scoped(body.location_id)
        return run(handlers.adjust_stock, ledger.AdjustStock(**body.model_dump()), body, "adjustments")

    @bp.post("/counts")
    @requires(*WRITERS)
    @documented("Record a physical count of a location (PhysicalCountRecorded per lot, INV-7)", tags=["ledger"],
                request=models.CountRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    def record_count():
        body = parse_body(models.CountRequest)
        scoped(body.location_id)
        lines = tuple(ledger.CountLot(line.lot_id, line.counted_doses,
                                      tuple(ledger.DiscrepancyReason(r.reason, r.doses) for r in line.discrepancy_reasons))
                      for line in body.lines)
        return run(handlers.record_count, ledger.RecordCount(body.location_id, body.counted_at, lines), body, "counts")

    @bp.post("/reversals")
    @requires(*WRITERS)
    @documented("Reverse a receipt or an adjustment (StockMovementReversed, INV-33)", tags=["ledger"],
                request=models.ReversalRequest, responses=ACCEPTED, errors=[409], description=IDEMPOTENCY)
    def reverse_movement():
        body = parse_body(models.ReversalRequest)
        scoped(body.location_id)
        return run(handlers.reverse_movement, ledger.ReverseMovement(**body.model_dump()), body, "reversals")

    @bp.post("/shipments")
    @requires(*SHIPPERS)
    @documented("Dispatch a shipment: issue at the sender, stock in transit (ShipmentDispatched + StockIssued)",
                tags=["shipments"], request=models.DispatchRequest, responses=ACCEPTED, errors=[409],
                description=IDEMPOTENCY)
    def dispatch_shipment():
        body = parse_body(models.DispatchRequest)
        scoped(body.from_location_id, "from_location_id")
        command = shipments.DispatchShipment(
            body.shipment_id, body.from_location_id, body.to_location_id,
            tuple(shipments.DispatchLine(line.lot_id, line.doses, line.vials) for line in body.lines),
            body.dispatched_at, body.allocation_plan_id, body.allocation_line_id, body.transport_id,
            tuple(body.logger_ids))
        return run(handlers.dispatch_shipment, command, body, "shipments")

    def route_of(shipment_id: str) -> shipments.ShipmentDispatched:
        state, _ = handlers.shipment(shipment_id)
        if state.dispatched is None:
            raise DomainError(f"shipment {shipment_id} was never dispatched", field="shipment_id", rule="INV-9")
        return state.dispatched

    @bp.post("/shipments/<shipment_id>/delivery")
    @requires(*WRITERS)
    @documented("Record the proof of delivery: accepted + rejected = shipped, once (ShipmentReceived, INV-9)",
                tags=["shipments"], request=models.DeliveryRequest, responses=ACCEPTED, errors=[409],
                description=IDEMPOTENCY)
    def receive_shipment(shipment_id: str):
        body = parse_body(models.DeliveryRequest)
        scoped(route_of(shipment_id).to_location_id, "shipment_id")
        lines = tuple(shipments.ReceivedLine(line.lot_id, line.accepted_doses, line.rejected_doses,
                                             line.rejection_reason, line.vvm_stage) for line in body.lines)
        command = shipments.ReceiveShipment(shipment_id, body.received_at, lines, body.storage_unit_id)
        return run(handlers.receive_shipment, command, body, f"delivery:{shipment_id}")

    def close(shipment_id: str, outcome: str):
        body = parse_body(models.ShipmentClosure)
        scoped(route_of(shipment_id).from_location_id, "shipment_id")
        command = shipments.CloseShipment(shipment_id, outcome, body.reason, body.at)
        return run(handlers.close_shipment, command, body, f"{outcome.lower()}:{shipment_id}")

    @bp.post("/shipments/<shipment_id>/lost")
    @requires(*SHIPPERS)
    @documented("Declare a shipment in transit lost (ShipmentLost)", tags=["shipments"],
                request=models.ShipmentClosure, responses=ACCEPTED, errors=[409])
    def shipment_lost(shipment_id: str):
        return close(shipment_id, shipments.LOST)

    @bp.post("/shipments/<shipment_id>/returned")
    @requires(*SHIPPERS)
    @documented("Record a shipment returned to its sender (ShipmentReturned; stock back at the sender)",
                tags=["shipments"], request=models.ShipmentClosure, responses=ACCEPTED, errors=[409])
    def shipment_returned(shipment_id: str):
        return close(shipment_id, shipments.RETURNED)
