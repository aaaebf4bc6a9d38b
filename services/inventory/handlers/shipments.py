"""Shipment handlers: dispatch, proof of delivery, lost / returned.

Each appends the shipment and every stock item it moves in one transaction, at the versions the decision
saw: a dispatch is ``ShipmentDispatched`` + a ``StockIssued`` per sender stock item; a delivery is
``ShipmentReceived`` + a ``StockTransferredIn`` per accepted lot at the receiver; a return puts the stock
back at the sender.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import Reply, Transaction
from eventkit.errors import DomainError
from services.inventory.domain import allocation_lines, dispensations, ledger, shipments
from services.inventory.handlers.aggregates import (
    SHIPMENT,
    STOCK_ITEM,
    location,
    location_state,
    prefixed,
    stock_context,
)
from services.inventory.handlers.ledger import decide_on_item

if TYPE_CHECKING:
    from services.inventory.handlers import Deps


def _answer(shipment_id: str) -> Reply:
    return Reply(shipments.shipment_aggregate_id(shipment_id), {"shipment_id": shipment_id})


def dispatch_shipment(tx: Transaction, command: shipments.DispatchShipment, deps: Deps) -> Reply:
    shipments.check_dispatch_lines(command)
    shipment_id = shipments.shipment_aggregate_id(command.shipment_id)
    shipment = tx.load(SHIPMENT, shipment_id)
    shipments.check_new(shipment, command)
    receiver = location_state(tx, command.to_location_id, "to_location_id")
    issued, presentation_id = _issue_lines(tx, deps, command, receiver)
    line = deps.allocation_line(command.allocation_plan_id, command.allocation_line_id)
    allocation_lines.check_allocation_line(command, line, receiver.registered, sum(e.doses for e in issued))
    doses_by_lot = {e.lot_id: e.doses for e in issued}
    dispensations.check_site_supply(command, location(tx, command.from_location_id, "from_location_id"),
                                    receiver.registered, deps.dispensation(command.session_id), doses_by_lot)
    tx.append(SHIPMENT, shipment_id, shipments.dispatch(shipment, command, issued, presentation_id))
    return _answer(command.shipment_id)


def _issue_lines(tx: Transaction, deps: Deps, command: shipments.DispatchShipment,
                 receiver_state) -> tuple[list[ledger.StockIssued], str]:
    """The sender's StockIssued per line (route, usability and INV-1 checked on each stock item)."""
    sender = location(tx, command.from_location_id, "from_location_id")
    receiver = receiver_state.registered
    issued, presentation = [], None
    for index, line in enumerate(command.lines):
        item_id = ledger.stock_item_id(sender.location_id, line.lot_id)
        state = tx.load(STOCK_ITEM, item_id)
        ctx = stock_context(tx, deps.clock(), sender.location_id, line.lot_id, location_field="from_location_id",
                            lot_field=f"lines[{index}].lot_id", storage_unit_id=state.storage_unit_id,
                            zone=deps.zone)
        presentation = presentation or ctx.presentation
        if ctx.presentation.presentation_id != presentation.presentation_id:
            raise DomainError("a shipment carries one presentation", field=f"lines[{index}].lot_id", rule="INV-6")
        shipments.check_route(sender, receiver, presentation, thawed=state.thawed,
                              receiver_active_until=receiver_state.active_until, at=command.dispatched_at,
                              zone=deps.zone)
        try:
            event = ledger.issue(state, ctx, doses=line.doses, vials=line.vials, shipment_id=command.shipment_id,
                                 to_location_id=receiver.location_id, at=command.dispatched_at)
        except DomainError as error:
            raise prefixed(error, f"lines[{index}]") from error
        tx.append(STOCK_ITEM, item_id, [event])
        issued.append(event)
    return issued, presentation.presentation_id


def receive_shipment(tx: Transaction, command: shipments.ReceiveShipment, deps: Deps) -> Reply:
    shipment_id = shipments.shipment_aggregate_id(command.shipment_id)
    shipment = tx.load(SHIPMENT, shipment_id)
    tx.append(SHIPMENT, shipment_id, shipments.receive(shipment, command, now=deps.clock()))
    sent = shipment.dispatched
    for index, line in enumerate(command.lines):
        if line.accepted_doses == 0:
            continue
        # Thawed stock keeps the sender's beyond-use date (INV-14 / INV-36 at the receiver).
        thawed_until = tx.load(STOCK_ITEM, ledger.stock_item_id(sent.from_location_id, line.lot_id)).beyond_use_date

        def decide(state, ctx, line=line, index=index, thawed_until=thawed_until):
            try:
                return [ledger.transfer_in(state, ctx, doses=line.accepted_doses, shipment_id=sent.shipment_id,
                                           from_location_id=sent.from_location_id, at=command.received_at,
                                           vvm_stage=line.vvm_stage, kind="DELIVERY", beyond_use_date=thawed_until,
                                           storage_unit_id=command.storage_unit_id)]
            except DomainError as error:
                if error.field == "storage_unit_id":
                    raise
                raise prefixed(error, f"lines[{index}]") from error

        decide_on_item(tx, deps, sent.to_location_id, line.lot_id, decide, storage_unit_id=command.storage_unit_id)
    return _answer(command.shipment_id)


def close_shipment(tx: Transaction, command: shipments.CloseShipment, deps: Deps) -> Reply:
    """Lost: the shipment only. Returned: the shipment, and the stock back at the sender."""
    shipment_id = shipments.shipment_aggregate_id(command.shipment_id)
    shipment = tx.load(SHIPMENT, shipment_id)
    tx.append(SHIPMENT, shipment_id, shipments.close(shipment, command, now=deps.clock()))
    sent = shipment.dispatched
    if command.outcome == shipments.RETURNED:
        for line in sent.lines:
            decide_on_item(tx, deps, sent.from_location_id, line.lot_id, lambda state, ctx, line=line: [
                ledger.transfer_in(state, ctx, doses=line.doses, shipment_id=sent.shipment_id,
                                   from_location_id=sent.to_location_id, at=command.at, vvm_stage=0,
                                   kind="RETURN")])
    return _answer(command.shipment_id)
