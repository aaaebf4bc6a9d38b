"""Ledger and shipment handlers: receipts, adjustments, counts, reversals, dispatch, delivery, lost/returned.

Commands that touch several aggregates (a dispatch: the shipment and every sender stock item; a count:
every counted stock item) decide on each and append them in one transaction at the versions they saw.
"""

from __future__ import annotations

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.store.base import AppendResult
from services.inventory.domain import ledger, shipments
from services.inventory.handlers.base import SHIPMENT, STOCK_ITEM, Change, HandlerBase, prefixed


class LedgerHandlers(HandlerBase):
    def _item_change(self, location_id: str, lot_id: str, decide, *, storage_unit_id: str | None = None,
                     **context_fields) -> Change:
        """Decide on one stock item. The context carries the unit the stock sits in, or ``storage_unit_id``
        when the command puts stock away somewhere (receipt, delivery, thaw)."""
        state, version = self.load_item(location_id, lot_id)
        unit = state.storage_unit_id if storage_unit_id is None else storage_unit_id
        ctx = self.stock_context(location_id, lot_id, storage_unit_id=unit, **context_fields)
        return Change(STOCK_ITEM, ledger.stock_item_id(location_id, lot_id), version, decide(state, ctx))

    def _stock_command(self, location_id: str, lot_id: str, decide, context: CommandContext,
                       request_hash: str, storage_unit_id: str | None = None) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        change = self._item_change(location_id, lot_id, decide, storage_unit_id=storage_unit_id)
        return self.append([change], context, request_hash, summary={"stock_item_id": change.aggregate_id})

    def receive_doses(self, command: ledger.ReceiveDoses, context: CommandContext, request_hash: str) -> AppendResult:
        return self._stock_command(command.location_id, command.lot_id,
                                   lambda state, ctx: ledger.receive_doses(state, command, ctx), context, request_hash,
                                   storage_unit_id=command.storage_unit_id)

    def thaw_vials(self, command: ledger.ThawVials, context: CommandContext, request_hash: str) -> AppendResult:
        return self._stock_command(command.location_id, command.lot_id,
                                   lambda state, ctx: ledger.thaw_vials(state, command, ctx), context, request_hash,
                                   storage_unit_id=command.storage_unit_id)

    def adjust_stock(self, command: ledger.AdjustStock, context: CommandContext, request_hash: str) -> AppendResult:
        return self._stock_command(command.location_id, command.lot_id,
                                   lambda state, ctx: ledger.adjust_stock(state, command, ctx), context, request_hash)

    def reverse_movement(self, command: ledger.ReverseMovement, context: CommandContext,
                         request_hash: str) -> AppendResult:
        return self._stock_command(command.location_id, command.lot_id,
                                   lambda state, ctx: ledger.reverse_movement(state, command, ctx), context,
                                   request_hash)

    def record_count(self, command: ledger.RecordCount, context: CommandContext, request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        ledger.check_count_lines(command)
        self.location(command.location_id)
        changes = []
        for index, line in enumerate(command.lines):
            changes.append(self._item_change(
                command.location_id, line.lot_id,
                lambda state, ctx, line=line, index=index: ledger.count_lot(state, line, index, command, ctx),
                lot_field=f"lines[{index}].lot_id"))
        return self.append(changes, context, request_hash)

    # -- shipments ------------------------------------------------------------------------------------
    def dispatch_shipment(self, command: shipments.DispatchShipment, context: CommandContext,
                          request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        shipments.check_dispatch_lines(command)
        shipment, shipment_version = self.shipment(command.shipment_id)
        shipments.check_new(shipment, command)
        receiver_state = self.location_state(command.to_location_id, "to_location_id")
        changes, issued, presentation_id = self._issue_lines(command, receiver_state)
        line = self.allocation_line(command.allocation_plan_id, command.allocation_line_id)
        shipments.check_allocation_line(command, line, receiver_state.registered, sum(e.doses for e in issued))
        events = shipments.dispatch(shipment, command, issued, presentation_id)
        changes.insert(0, Change(SHIPMENT, shipments.shipment_aggregate_id(command.shipment_id), shipment_version,
                                 events))
        return self.append(changes, context, request_hash, summary={"shipment_id": command.shipment_id})

    def _issue_lines(self, command: shipments.DispatchShipment, receiver_state) -> tuple[list[Change], list, str]:
        """The sender's StockIssued per line (route, usability and INV-1 checked on each stock item)."""
        sender = self.location(command.from_location_id, "from_location_id")
        receiver = receiver_state.registered
        changes, issued, presentation = [], [], None
        for index, line in enumerate(command.lines):
            state, version = self.load_item(sender.location_id, line.lot_id)
            ctx = self.stock_context(sender.location_id, line.lot_id, location_field="from_location_id",
                                     lot_field=f"lines[{index}].lot_id", storage_unit_id=state.storage_unit_id)
            presentation = presentation or ctx.presentation
            if ctx.presentation.presentation_id != presentation.presentation_id:
                raise DomainError("a shipment carries one presentation", field=f"lines[{index}].lot_id", rule="INV-6")
            shipments.check_route(sender, receiver, presentation, thawed=state.thawed,
                                  receiver_active_until=receiver_state.active_until, at=command.dispatched_at)
            try:
                event = ledger.issue(state, ctx, doses=line.doses, vials=line.vials, shipment_id=command.shipment_id,
                                     to_location_id=receiver.location_id, at=command.dispatched_at)
            except DomainError as error:
                raise prefixed(error, f"lines[{index}]") from error
            issued.append(event)
            changes.append(Change(STOCK_ITEM, ledger.stock_item_id(sender.location_id, line.lot_id), version, [event]))
        return changes, issued, presentation.presentation_id

    def receive_shipment(self, command: shipments.ReceiveShipment, context: CommandContext,
                         request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        shipment, version = self.shipment(command.shipment_id)
        events = shipments.receive(shipment, command, now=self._clock())
        sent = shipment.dispatched
        changes = [Change(SHIPMENT, shipments.shipment_aggregate_id(command.shipment_id), version, events)]
        for index, line in enumerate(command.lines):
            if line.accepted_doses == 0:
                continue

            thawed_until = self.load_item(sent.from_location_id, line.lot_id)[0].beyond_use_date

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

            changes.append(self._item_change(sent.to_location_id, line.lot_id, decide,
                                             storage_unit_id=command.storage_unit_id))
        return self.append(changes, context, request_hash, summary={"shipment_id": command.shipment_id})

    def close_shipment(self, command: shipments.CloseShipment, context: CommandContext,
                       request_hash: str) -> AppendResult:
        earlier = self.replayed(context, request_hash)
        if earlier is not None:
            return earlier
        shipment, version = self.shipment(command.shipment_id)
        events = shipments.close(shipment, command, now=self._clock())
        changes = [Change(SHIPMENT, shipments.shipment_aggregate_id(command.shipment_id), version, events)]
        sent = shipment.dispatched
        if command.outcome == shipments.RETURNED:
            for line in sent.lines:
                changes.append(self._item_change(
                    sent.from_location_id, line.lot_id,
                    lambda state, ctx, line=line: [ledger.transfer_in(
                        state, ctx, doses=line.doses, shipment_id=sent.shipment_id,
                        from_location_id=sent.to_location_id, at=command.at, vvm_stage=0, kind="RETURN")]))
        return self.append(changes, context, request_hash, summary={"shipment_id": command.shipment_id})
