"""Consumption at sites, reported by the immunization service (INV-28 across services).

An opened vial takes all its doses out of the site's unopened stock of that lot; a dose given without a
vial opening takes one dose. Consumption the books cannot cover - an unknown site or lot, no or too little
stock at that time (on the whole timeline, INV-1), a vial size that is not the presentation's, a date
before the last physical count - is never applied silently: it becomes a
``ConsumptionDiscrepancyDetected`` for reconciliation and the balance is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventkit.errors import DomainError
from services.inventory.domain import ledger

VIAL_OPENED, DOSE_ADMINISTERED = "VIAL_OPENED", "DOSE_ADMINISTERED"


@dataclass(frozen=True)
class ReportedConsumption:
    site_id: str
    lot_id: str
    doses: int
    source: str
    source_event_id: str
    reference_id: str
    at: datetime


def consume(state: ledger.StockItem, report: ReportedConsumption, ctx: ledger.StockContext | None,
            missing: str = "") -> list:
    """``ctx`` is None when the site or lot is unknown; ``missing`` then says which (UNKNOWN_SITE / UNKNOWN_LOT)."""
    if ctx is None:
        return [_discrepancy(state, report, missing or "UNKNOWN_LOT", f"{report.site_id} / {report.lot_id}")]
    vials = 0
    if report.source == VIAL_OPENED:
        if report.doses != ctx.presentation.doses_per_vial:
            return [_discrepancy(state, report, "WRONG_VIAL_SIZE",
                                 f"a vial of {ctx.presentation.presentation_id} v{ctx.presentation.version} holds "
                                 f"{ctx.presentation.doses_per_vial} doses, not {report.doses}")]
        vials = 1
    last_count = state.last_count_at
    if last_count is not None and report.at < last_count:
        return [_discrepancy(state, report, "BOOKS_CLOSED", f"a physical count at {last_count.isoformat()} closed "
                                                            "the books")]
    try:
        ledger.check_timeline(state, report.at, -report.doses)
    except DomainError as error:
        reason = "NO_STOCK" if state.balance_at(report.at) <= 0 else "INSUFFICIENT_STOCK"
        return [_discrepancy(state, report, reason, error.detail)]
    return [ledger.StockConsumed(report.site_id, report.lot_id, ctx.presentation.presentation_id, report.doses, vials,
                                 report.source, report.source_event_id, report.reference_id, report.at)]


def _discrepancy(state: ledger.StockItem, report: ReportedConsumption, reason: str,
                 detail: str) -> ledger.ConsumptionDiscrepancyDetected:
    return ledger.ConsumptionDiscrepancyDetected(report.site_id, report.lot_id, report.source, report.source_event_id,
                                                 report.reference_id, report.doses, state.balance_at(report.at),
                                                 reason, detail, report.at)
