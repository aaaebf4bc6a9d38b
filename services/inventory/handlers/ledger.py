"""Ledger handlers: receipts, thaws, adjustments, reversals and physical counts on stock items."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eventkit.aggregates import Reply, Transaction
from services.inventory.domain import ledger
from services.inventory.handlers.aggregates import STOCK_ITEM, location, stock_context

if TYPE_CHECKING:
    from services.inventory.handlers import Deps

Decide = Callable[[ledger.StockItem, ledger.StockContext], list[Any]]


def decide_on_item(tx: Transaction, deps: Deps, location_id: str, lot_id: str, decide: Decide, *,
                   storage_unit_id: str | None = None, **context_fields: str) -> str:
    """Decide on one stock item and append what was decided; returns its aggregate id.

    The decision's context carries the storage unit the stock sits in, or ``storage_unit_id`` when the
    command puts stock away somewhere (receipt, delivery, thaw).
    """
    item_id = ledger.stock_item_id(location_id, lot_id)
    state = tx.load(STOCK_ITEM, item_id)
    unit = state.storage_unit_id if storage_unit_id is None else storage_unit_id
    ctx = stock_context(tx, deps.clock(), location_id, lot_id, storage_unit_id=unit, zone=deps.zone,
                        **context_fields)
    tx.append(STOCK_ITEM, item_id, decide(state, ctx))
    return item_id


def _answer(item_id: str) -> Reply:
    return Reply(item_id, {"stock_item_id": item_id})


def receive_doses(tx: Transaction, command: ledger.ReceiveDoses, deps: Deps) -> Reply:
    return _answer(decide_on_item(tx, deps, command.location_id, command.lot_id,
                                  lambda state, ctx: ledger.receive_doses(state, command, ctx),
                                  storage_unit_id=command.storage_unit_id))


def thaw_vials(tx: Transaction, command: ledger.ThawVials, deps: Deps) -> Reply:
    return _answer(decide_on_item(tx, deps, command.location_id, command.lot_id,
                                  lambda state, ctx: ledger.thaw_vials(state, command, ctx),
                                  storage_unit_id=command.storage_unit_id))


def adjust_stock(tx: Transaction, command: ledger.AdjustStock, deps: Deps) -> Reply:
    return _answer(decide_on_item(tx, deps, command.location_id, command.lot_id,
                                  lambda state, ctx: ledger.adjust_stock(state, command, ctx)))


def reverse_movement(tx: Transaction, command: ledger.ReverseMovement, deps: Deps) -> Reply:
    return _answer(decide_on_item(tx, deps, command.location_id, command.lot_id,
                                  lambda state, ctx: ledger.reverse_movement(state, command, ctx)))


def record_count(tx: Transaction, command: ledger.RecordCount, deps: Deps) -> None:
    """One PhysicalCountRecorded per counted stock item, all in one append (answered by its first item)."""
    ledger.check_count_lines(command)
    location(tx, command.location_id)
    for index, line in enumerate(command.lines):
        decide_on_item(tx, deps, command.location_id, line.lot_id,
                       lambda state, ctx, line=line, index=index: ledger.count_lot(state, line, index, command, ctx),
                       lot_field=f"lines[{index}].lot_id")
