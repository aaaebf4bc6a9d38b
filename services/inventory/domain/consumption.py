"""Consumption at sites, reported by the immunization service (INV-28 across services).

An opened vial takes all its doses out of the site's unopened stock of that lot; a dose given without a
vial opening takes one dose. Consumption the books cannot cover - an unknown site or lot, no or too little
stock at that time (on the whole timeline, INV-1), a vial size that is not the presentation's, a date
before the last physical count - is never applied silently: it becomes a
``ConsumptionDiscrepancyDetected`` for reconciliation and the balance is left as it is. Consumption of a lot
that was suspended, recalled (at that time, in the site's scope) or past its effective expiry is applied -
the doses did leave the stock - and flagged too (``stock_decremented``; INV-10 / INV-11 detected); so is
consumption from a storage unit with a temperature excursion unassessed at that time (``UNDER_EXCURSION``,
INV-13 detected: immunization refuses such an opening, but a report decided on a lagging read model, or by
an older immunization, still has to reach reconciliation).
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
    consumed = ledger.StockConsumed(report.site_id, report.lot_id, ctx.presentation.presentation_id, report.doses,
                                    vials, report.source, report.source_event_id, report.reference_id, report.at)
    unusable = _unusable(state, report, ctx)
    if unusable:
        # The doses physically left the stock, so the books follow; the use itself is flagged (INV-10, INV-11).
        return [consumed, _discrepancy(state, report, unusable[0], unusable[1], decremented=True)]
    return [consumed]


def _unusable(state: ledger.StockItem, report: ReportedConsumption,
              ctx: ledger.StockContext) -> tuple[str, str] | None:
    """Why the lot was not usable at the site at the time of the consumption, if it was not."""
    blocked = ctx.lot.blocked_at(ctx.location, report.at)
    if blocked:
        return f"LOT_{blocked}", f"lot {report.lot_id} was {blocked} at {report.site_id} on {report.at.isoformat()}"
    unit = ctx.storage_unit
    excursion = unit.open_excursion_at(report.at) if unit is not None and unit.registered is not None else None
    if excursion is not None:
        return "UNDER_EXCURSION", (f"lot {report.lot_id} in {unit.registered.storage_unit_id} was quarantined by "
                                   f"excursion {excursion} (not assessed) on {report.at.isoformat()}")
    expiry = ctx.effective_expiry(state)
    if ctx.day(report.at) > expiry:
        return "LOT_EXPIRED", f"lot {report.lot_id} expired on {expiry} (effective expiry)"
    return None


def _discrepancy(state: ledger.StockItem, report: ReportedConsumption, reason: str, detail: str, *,
                 decremented: bool = False) -> ledger.ConsumptionDiscrepancyDetected:
    return ledger.ConsumptionDiscrepancyDetected(report.site_id, report.lot_id, report.source, report.source_event_id,
                                                 report.reference_id, report.doses, state.balance_at(report.at),
                                                 reason, detail, report.at, decremented)
