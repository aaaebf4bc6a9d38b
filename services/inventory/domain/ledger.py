"""The stock ledger: one stock item per location x lot (aggregate id ``<location_id>/<lot_id>``).

The item's state is a **dated timeline** of movements (receipts, issues, transfers in, adjustments,
counts, reversals), each a signed quantity at its business time. A new movement - backdated or not - is
checked against every balance from its date onwards, so no point of the timeline ever goes negative
(INV-1: receive 1,000 on 10 Aug, issue 800 on 12 Aug, then an issue of 300 dated 11 Aug is refused).
A physical count closes the books up to its date: nothing may be dated before the latest count (INV-8),
and nothing before it may be reversed (INV-33).

Decisions take the reference data they need (lot, presentation version, location) as a
:class:`StockContext` the handler loads, so they stay pure.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from eventkit.errors import DomainError
from services.inventory.domain.coldchain import UNIT_TYPES
from services.inventory.domain.ledger_events import (  # noqa: F401 - re-exported: ledger.X is the ledger's API
    LEDGER_EVENTS,
    AdjustStock,
    ConsumptionDiscrepancyDetected,
    CountLine,
    CountLot,
    DiscrepancyReason,
    DoseReceived,
    PhysicalCountRecorded,
    ReceiveDoses,
    RecordCount,
    ReverseMovement,
    StockAdjusted,
    StockConsumed,
    StockIssued,
    StockMovementReversed,
    StockTransferredIn,
    ThawVials,
    VialsThawed,
)
from services.inventory.domain.reference import STORE_KINDS
from services.inventory.domain.stock import (  # noqa: F401 - re-exported
    FROZEN_CONDITIONS,
    Entry,
    StockContext,
    StockItem,
    check_business_time,
    check_lot_matches,
    check_positive_whole_doses,
    check_timeline,
    check_usable,
    check_vvm,
    check_whole_vials,
    evolve,
    stock_item_id,
)

RECEIPT_SOURCES = frozenset({"manufacturer", "covax", "donation", "purchase"})
DEBIT_REASONS = frozenset({"EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN",
                           "OTHER_DEBIT"})
CREDIT_REASONS = frozenset({"FOUND", "RETURNED", "OTHER_CREDIT"})
COUNT_REASONS = frozenset({"EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN",
                           "FOUND", "RECORDING_ERROR", "UNEXPLAINED"})
REVERSIBLE = {"RECEIPT": "vaxtrail.inventory.v1.DoseReceived", "ADJUSTMENT": "vaxtrail.inventory.v1.StockAdjusted"}


# -- decisions ------------------------------------------------------------------------------------------


def receive_doses(state: StockItem, command: ReceiveDoses, ctx: StockContext) -> list[DoseReceived]:
    """A receipt at a store from outside the supply tree (a source, no destination)."""
    check_positive_whole_doses(command.doses)
    check_positive_whole_doses(command.vials, "vials")
    if command.source not in RECEIPT_SOURCES:
        raise DomainError(f"source must be one of {sorted(RECEIPT_SOURCES)}", field="source", rule="INV-3")
    if ctx.location.kind not in STORE_KINDS:
        raise DomainError(f"{ctx.location.location_id} is a {ctx.location.kind}: stock enters the supply tree "
                          "only at the national or a regional store; elsewhere it arrives by shipment",
                          field="location_id", rule="INV-4")
    check_lot_matches(ctx, command.presentation_id)
    check_whole_vials(command.doses, command.vials, ctx.presentation)
    check_business_time(state, command.received_at, ctx, "received_at")
    check_vvm(state, command.vvm_stage)
    check_put_away(state, ctx, command.storage_unit_id, thawed=False)
    if ctx.day(command.received_at) > ctx.effective_expiry():
        raise DomainError(f"lot expired on {ctx.effective_expiry()}", field="lot_id", rule="INV-10")
    return [DoseReceived(**vars(command))]


def issue(state: StockItem, ctx: StockContext, *, doses: int, vials: int | None, shipment_id: str,
          to_location_id: str, at: datetime) -> StockIssued:
    """The sender's ledger line of a dispatch."""
    check_positive_whole_doses(doses)
    vials = check_whole_vials(doses, vials, ctx.presentation)
    check_business_time(state, at, ctx, "dispatched_at")
    check_usable(state, ctx, at)
    check_timeline(state, at, -doses)
    return StockIssued(ctx.location.location_id, ctx.lot.registered.lot_id, ctx.presentation.presentation_id, doses,
                       vials, shipment_id, to_location_id, at)


def transfer_in(state: StockItem, ctx: StockContext, *, doses: int, shipment_id: str, from_location_id: str,
                at: datetime, vvm_stage: int, kind: str, beyond_use_date: date | None = None,
                storage_unit_id: str = "") -> StockTransferredIn:
    """The receiver's ledger line of a proof of delivery (or the sender's, for a returned shipment)."""
    check_positive_whole_doses(doses)
    vials = check_whole_vials(doses, None, ctx.presentation, "accepted_doses")
    check_business_time(state, at, ctx, "received_at")
    check_vvm(state, vvm_stage)
    check_put_away(state, ctx, storage_unit_id, thawed=beyond_use_date is not None)
    return StockTransferredIn(ctx.location.location_id, ctx.lot.registered.lot_id, ctx.presentation.presentation_id,
                              doses, vials, shipment_id, from_location_id, at, vvm_stage, kind, beyond_use_date,
                              storage_unit_id)


def check_put_away(state: StockItem, ctx: StockContext, storage_unit_id: str, *, thawed: bool) -> None:
    """INV-14: a named unit belongs to the location; thawed stock is never refrozen."""
    if not storage_unit_id:
        return
    unit = ctx.storage_unit
    if unit is None or unit.registered is None or unit.registered.location_id != ctx.location.location_id:
        raise DomainError(f"{storage_unit_id} is not a storage unit of {ctx.location.location_id}",
                          field="storage_unit_id", rule="INV-14")
    if (thawed or state.thawed) and unit.frozen:
        raise DomainError(f"thawed {ctx.presentation.presentation_id} is never refrozen ({unit.registered.unit_type})",
                          field="storage_unit_id", rule="INV-14")


def thaw_vials(state: StockItem, command: ThawVials, ctx: StockContext) -> list[VialsThawed]:
    """Frozen vials moved to a 2-8 °C unit; their beyond-use date follows the presentation (INV-14)."""
    days = ctx.presentation.thaw_beyond_use_days
    if days <= 0:
        raise DomainError(f"{ctx.presentation.presentation_id} is not a frozen product", field="lot_id", rule="INV-14")
    check_positive_whole_doses(command.vials, "vials")
    check_business_time(state, command.thawed_at, ctx, "thawed_at")
    unit = ctx.storage_unit
    if unit is None or unit.registered is None or unit.registered.location_id != ctx.location.location_id or \
            UNIT_TYPES[unit.registered.unit_type] != "REFRIGERATED":
        raise DomainError("thawed vials go into a 2-8 °C unit of the same location", field="storage_unit_id",
                          rule="INV-14")
    unopened = sum(e.vials for e in state.entries if e.at <= command.thawed_at)
    if command.vials > unopened:
        raise DomainError(f"only {unopened} unopened vials are on hand", field="vials", rule="INV-1")
    bud = ctx.day(command.thawed_at) + timedelta(days=days)
    return [VialsThawed(command.location_id, command.lot_id, ctx.presentation.presentation_id, command.vials,
                        command.thawed_at, bud, command.storage_unit_id)]


def adjust_stock(state: StockItem, command: AdjustStock, ctx: StockContext) -> list[StockAdjusted]:
    """A signed correction with a reason; the sign must agree with the reason (INV-5)."""
    if command.doses == 0:
        raise DomainError("an adjustment moves a non-zero whole number of doses", field="doses", rule="INV-2")
    if command.reason not in DEBIT_REASONS | CREDIT_REASONS:
        raise DomainError(f"reason must be one of {sorted(DEBIT_REASONS | CREDIT_REASONS)}", field="reason",
                          rule="INV-5")
    if (command.doses < 0) != (command.reason in DEBIT_REASONS):
        kind = "a debit" if command.reason in DEBIT_REASONS else "a credit"
        raise DomainError(f"{command.reason} is {kind} reason; doses {command.doses:+d} has the other sign",
                          field="doses", rule="INV-5")
    vials = check_whole_vials(command.doses, None, ctx.presentation) if command.closed_vial else 0
    check_business_time(state, command.adjusted_at, ctx, "adjusted_at")
    expiry = ctx.effective_expiry(state)
    if ctx.day(command.adjusted_at) > expiry and command.reason != "EXPIRED":
        raise DomainError(f"the lot expired on {expiry}: disposal as EXPIRED is the only movement allowed",
                          field="reason", rule="INV-10")
    check_timeline(state, command.adjusted_at, command.doses)
    return [StockAdjusted(command.location_id, command.lot_id, ctx.presentation.presentation_id, command.doses, vials,
                          command.reason, command.closed_vial, command.evidence, command.adjusted_at)]


def check_count_lines(command: RecordCount) -> None:
    """INV-7 on the whole count: each lot once."""
    if not command.lines:
        raise DomainError("a count lists at least one lot", field="lines", rule="INV-7")
    seen: set[str] = set()
    for index, line in enumerate(command.lines):
        if line.lot_id in seen:
            raise DomainError(f"lot {line.lot_id} is listed twice", field=f"lines[{index}].lot_id", rule="INV-7")
        seen.add(line.lot_id)


def count_lot(state: StockItem, line: CountLot, index: int, command: RecordCount,
              ctx: StockContext) -> list[PhysicalCountRecorded]:
    """One lot's count: the reasons explain the whole discrepancy (INV-7)."""
    where = f"lines[{index}]"
    if line.counted_doses < 0:
        raise DomainError("counted doses cannot be negative", field=f"{where}.counted_doses", rule="INV-2")
    check_business_time(state, command.counted_at, ctx, "counted_at")
    book = state.balance_at(command.counted_at)
    discrepancy = line.counted_doses - book
    bad = [r.reason for r in line.discrepancy_reasons if r.reason not in COUNT_REASONS]
    if bad:
        raise DomainError(f"unknown discrepancy reasons {bad}", field=f"{where}.discrepancy_reasons", rule="INV-7")
    explained = sum(r.doses for r in line.discrepancy_reasons)
    if explained != discrepancy:
        raise DomainError(f"discrepancy is {discrepancy:+d} doses (counted {line.counted_doses}, book {book}) but the "
                          f"reasons total {explained:+d}", field=f"{where}.discrepancy_reasons", rule="INV-7")
    check_timeline(state, command.counted_at, discrepancy, f"{where}.counted_doses")
    counted = CountLine(line.lot_id, line.counted_doses, book, line.discrepancy_reasons)
    return [PhysicalCountRecorded(command.location_id, ctx.presentation.presentation_id, command.counted_at,
                                  (counted,))]


def reverse_movement(state: StockItem, command: ReverseMovement, ctx: StockContext) -> list[StockMovementReversed]:
    """INV-33: one original, never a reversal, never twice, never before a later count; INV-1 still holds."""
    original = state.entry(command.reverses_event_id)
    field_name = "reverses_event_id"
    if original is None:
        raise DomainError(f"{command.reverses_event_id} is not a movement of stock item "
                          f"{stock_item_id(command.location_id, command.lot_id)}", field=field_name, rule="INV-33")
    if original.kind == "REVERSAL":
        raise DomainError("a reversal cannot itself be reversed", field=field_name, rule="INV-33")
    if original.kind not in REVERSIBLE:
        raise DomainError(f"a {original.kind} is corrected through its shipment (lost / returned), not reversed",
                          field=field_name, rule="INV-33")
    if command.reverses_event_id in state.reversed:
        raise DomainError("this movement was already reversed", field=field_name, rule="INV-33")
    if any(e.kind == "COUNT" and e.at > original.at for e in state.entries):
        raise DomainError("a physical count after this movement closed it; it can no longer be reversed",
                          field=field_name, rule="INV-33")
    if not command.reason:
        raise DomainError("a reversal needs a reason", field="reason", rule="INV-33")
    if command.reversed_at > ctx.now:
        raise DomainError("reversed_at is in the future", field="reversed_at", rule="INV-8")
    if command.reversed_at < original.at:
        raise DomainError("a reversal cannot be dated before its original", field="reversed_at", rule="INV-8")
    check_timeline(state, command.reversed_at, -original.doses, field_name)
    return [StockMovementReversed(command.reverses_event_id, REVERSIBLE[original.kind], command.reason,
                                  command.location_id, command.lot_id, state.presentation_id, -original.doses,
                                  -original.vials, command.reversed_at)]
