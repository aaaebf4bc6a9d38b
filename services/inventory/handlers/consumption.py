"""The consumption handler: stock used at a site as immunization reported it (INV-28 across services).

Run by the consumption worker (:mod:`services.inventory.projections.consumption`), one reported consumption
per transaction, with an idempotency key per source event: ``StockConsumed`` or, when the books cannot cover
it, ``ConsumptionDiscrepancyDetected`` on the site's stock item. The reasons of the discrepancies raised are
part of the answer (stored with the key), so the worker counts each one once in its metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import Reply, Transaction
from eventkit.errors import DomainError
from services.inventory.domain import consumption, ledger
from services.inventory.handlers.aggregates import STOCK_ITEM, stock_context

if TYPE_CHECKING:
    from services.inventory.handlers import Deps

MISSING = {"INV-4": "UNKNOWN_SITE", "INV-6": "UNKNOWN_LOT"}
"""The rule a missing reference raises -> the discrepancy it becomes."""


def consume_stock(tx: Transaction, command: consumption.ReportedConsumption, deps: Deps) -> Reply:
    item_id = ledger.stock_item_id(command.site_id, command.lot_id)
    state = tx.load(STOCK_ITEM, item_id)
    try:
        ctx, missing = stock_context(tx, deps.clock(), command.site_id, command.lot_id, zone=deps.zone,
                                     storage_unit_id=state.storage_unit_id), ""
    except DomainError as error:
        if error.rule not in MISSING:
            raise
        ctx, missing = None, MISSING[error.rule]
    events = consumption.consume(state, command, ctx, missing)
    tx.append(STOCK_ITEM, item_id, events)
    flagged = [e.reason for e in events if isinstance(e, ledger.ConsumptionDiscrepancyDetected)]
    return Reply(item_id, {"stock_item_id": item_id, "discrepancies": flagged})
