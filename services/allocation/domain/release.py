"""Releasing an approved plan: AllocationReleased per line, with lots picked earliest expiry first (INV-15, INV-17).

Each released line names what inventory is to ship: from which store, to which recipient location, which
lots (usable, expiring on or after the line's use-by date) net of what earlier releases picked and inventory
has not dispatched yet (``SupplyPicture.lot_outstanding``).
"""

from __future__ import annotations

from eventkit.errors import DomainError
from services.allocation.domain.common import StockLine, SupplyPicture, require_whole_vials
from services.allocation.domain.plans import (
    APPROVED,
    AllocationPlan,
    AllocationReleased,
    Decision,
    Line,
    line_of,
    require_status,
)


def release(state: AllocationPlan, decision: Decision, picture: SupplyPicture,
            requested: dict[str, int] | None = None) -> list:
    """Release approved lines (all that is left, or ``requested`` doses per line); lots picked EEFO."""
    require_status(state, APPROVED, "no release before approval")
    wanted = requested or {k: line.doses - line.released for k, line in state.lines.items()}
    outstanding = dict(picture.lot_outstanding)
    events = []
    for index, (line_id, doses) in enumerate(wanted.items()):
        line = line_of(state, line_id, field=f"lines.{index}.line_id")
        if doses <= 0 and requested is None:
            continue
        if doses <= 0 or doses > line.doses - line.released:
            raise DomainError(f"released {doses} > approved {line.doses - line.released} left on line {line_id}",
                              field=f"lines.{index}.doses", rule="INV-15")
        require_whole_vials(doses, picture.doses_per_vial, f"lines.{index}.doses")
        picked = _pick_lots(state, line, doses, picture, outstanding, f"lines.{index}.doses")
        events.append(AllocationReleased(
            state.plan_id, line_id, doses, state.source_location_id, line.recipient_unit_id,
            line.recipient_unit_kind, line.recipient_location_id, state.presentation_id, picked,
            line.use_by_date, line.series, line.dose_number, decision.now))
    return events


def _pick_lots(plan: AllocationPlan, line: Line, doses: int, picture: SupplyPicture, outstanding: dict[str, int],
               field: str) -> tuple[StockLine, ...]:
    """Earliest effective expiry first, among usable lots expiring on or after the line's use-by (INV-17)."""
    candidates = sorted(
        (lot for lot in picture.lots
         if lot.usable and (not plan.lot_ids or lot.lot_id in plan.lot_ids)
         and lot.effective_expiry is not None and lot.effective_expiry >= line.use_by_date),
        key=lambda lot: (lot.effective_expiry, lot.lot_id))
    per_vial = max(picture.doses_per_vial, 1)
    picked, left = [], doses
    for lot in candidates:
        free = lot.on_hand - outstanding.get(lot.lot_id, 0)
        take = min(left, free - free % per_vial)
        if take <= 0:
            continue
        picked.append(StockLine(lot.lot_id, take, take // per_vial))
        outstanding[lot.lot_id] = outstanding.get(lot.lot_id, 0) + take
        left -= take
        if left == 0:
            return tuple(picked)
    raise DomainError(f"only {doses - left} of {doses} doses are in usable lots at {plan.source_location_id} "
                      f"that expire on or after {line.use_by_date}", field=field, rule="INV-15")
