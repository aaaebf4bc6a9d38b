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

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from eventkit.errors import DomainError
from services.inventory.domain.coldchain import UNIT_TYPES, StorageUnit, check_not_quarantined
from services.inventory.domain.lots import Lot
from services.inventory.domain.reference import STORE_KINDS, LocationRegistered, PresentationDefined

RECEIPT_SOURCES = frozenset({"manufacturer", "covax", "donation", "purchase"})
DEBIT_REASONS = frozenset({"EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN",
                           "OTHER_DEBIT"})
CREDIT_REASONS = frozenset({"FOUND", "RETURNED", "OTHER_CREDIT"})
COUNT_REASONS = frozenset({"EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN",
                           "FOUND", "RECORDING_ERROR", "UNEXPLAINED"})
REVERSIBLE = {"RECEIPT": "vaxtrail.inventory.v1.DoseReceived", "ADJUSTMENT": "vaxtrail.inventory.v1.StockAdjusted"}


def stock_item_id(location_id: str, lot_id: str) -> str:
    return f"{location_id}/{lot_id}"


# -- events ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseReceived:
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    source: str
    shipment_reference: str
    received_at: datetime
    storage_unit_id: str
    vvm_stage: int
    temperature_log_ok: bool

    @property
    def occurred_at(self) -> datetime:
        return self.received_at


@dataclass(frozen=True)
class StockIssued:
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    shipment_id: str
    to_location_id: str
    issued_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True)
class StockTransferredIn:
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    shipment_id: str
    from_location_id: str
    received_at: datetime
    vvm_stage: int
    kind: str  # DELIVERY | RETURN
    beyond_use_date: date | None = None
    storage_unit_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.received_at


@dataclass(frozen=True)
class StockAdjusted:
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int  # signed
    vials: int  # signed
    reason: str
    closed_vial: bool
    evidence: str
    adjusted_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.adjusted_at


@dataclass(frozen=True)
class DiscrepancyReason:
    reason: str
    doses: int


@dataclass(frozen=True)
class CountLine:
    lot_id: str
    counted_doses: int
    previous_balance_doses: int
    discrepancy_reasons: tuple[DiscrepancyReason, ...] = ()
    counted_vials: int = 0


@dataclass(frozen=True)
class PhysicalCountRecorded:
    """One stock item's count (a count of several lots appends one event per stock item)."""

    location_id: str
    presentation_id: str
    counted_at: datetime
    lines: tuple[CountLine, ...]

    @property
    def occurred_at(self) -> datetime:
        return self.counted_at


@dataclass(frozen=True)
class StockMovementReversed:
    reverses_event_id: str
    reverses_event_type: str
    reason: str
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int  # signed effect of the reversal
    vials: int
    reversed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.reversed_at


@dataclass(frozen=True)
class VialsThawed:
    """Frozen vials moved to 2-8 °C: the stock item's effective expiry becomes min(expiry, beyond-use date)."""

    location_id: str
    lot_id: str
    presentation_id: str
    vials: int
    thawed_at: datetime
    beyond_use_date: date
    storage_unit_id: str

    @property
    def occurred_at(self) -> datetime:
        return self.thawed_at


@dataclass(frozen=True)
class StockConsumed:
    """Consumption at a site reported by immunization (an opened vial, or a dose given without one)."""

    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    source: str  # VIAL_OPENED | DOSE_ADMINISTERED
    source_event_id: str
    reference_id: str
    consumed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.consumed_at


@dataclass(frozen=True)
class ConsumptionDiscrepancyDetected:
    """Reported consumption the site's books cannot cover; the balance is left unchanged."""

    location_id: str
    lot_id: str
    source: str
    source_event_id: str
    reference_id: str
    doses: int
    balance_doses: int
    reason: str
    detail: str
    consumed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.consumed_at


LEDGER_EVENTS = (DoseReceived, StockIssued, StockTransferredIn, StockAdjusted, PhysicalCountRecorded,
                 StockMovementReversed, VialsThawed, StockConsumed, ConsumptionDiscrepancyDetected)


# -- commands -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveDoses:
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    source: str
    shipment_reference: str
    received_at: datetime
    storage_unit_id: str = ""
    vvm_stage: int = 1
    temperature_log_ok: bool = True


@dataclass(frozen=True)
class AdjustStock:
    location_id: str
    lot_id: str
    doses: int  # signed
    reason: str
    adjusted_at: datetime
    closed_vial: bool = True
    evidence: str = ""


@dataclass(frozen=True)
class CountLot:
    lot_id: str
    counted_doses: int
    discrepancy_reasons: tuple[DiscrepancyReason, ...] = ()


@dataclass(frozen=True)
class RecordCount:
    location_id: str
    counted_at: datetime
    lines: tuple[CountLot, ...]


@dataclass(frozen=True)
class ThawVials:
    location_id: str
    lot_id: str
    vials: int
    thawed_at: datetime
    storage_unit_id: str


@dataclass(frozen=True)
class ReverseMovement:
    location_id: str
    lot_id: str
    reverses_event_id: str
    reason: str
    reversed_at: datetime


# -- state ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One movement on the timeline: a signed quantity at its business time."""

    at: datetime
    doses: int
    vials: int
    kind: str  # RECEIPT | ISSUE | TRANSFER_IN | ADJUSTMENT | COUNT | REVERSAL | CONSUMPTION
    event_id: str = ""


@dataclass(frozen=True)
class StockItem:
    location_id: str = ""
    lot_id: str = ""
    presentation_id: str = ""
    entries: tuple[Entry, ...] = ()
    reversed: frozenset[str] = field(default_factory=frozenset)
    vvm_stage: int = 0
    storage_unit_id: str = ""
    """The unit the stock was last put away in (empty when not recorded)."""
    beyond_use_date: date | None = None
    """Set once vials were thawed (the earliest beyond-use date): the stock is no longer frozen."""

    @property
    def thawed(self) -> bool:
        return self.beyond_use_date is not None

    @classmethod
    def empty(cls) -> StockItem:
        return cls()

    @property
    def on_hand(self) -> int:
        return sum(e.doses for e in self.entries)

    @property
    def vials(self) -> int:
        return sum(e.vials for e in self.entries)

    def balance_at(self, at: datetime) -> int:
        return sum(e.doses for e in self.entries if e.at <= at)

    @property
    def last_count_at(self) -> datetime | None:
        return max((e.at for e in self.entries if e.kind == "COUNT"), default=None)

    def entry(self, event_id: str) -> Entry | None:
        return next((e for e in self.entries if e.event_id == event_id), None)


def _entry(event: object) -> tuple[Entry, int]:
    """The timeline entry of a ledger event, and the VVM stage it reports (0 = none)."""
    if isinstance(event, DoseReceived):
        return Entry(event.received_at, event.doses, event.vials, "RECEIPT"), event.vvm_stage
    if isinstance(event, StockIssued):
        return Entry(event.issued_at, -event.doses, -event.vials, "ISSUE"), 0
    if isinstance(event, StockTransferredIn):
        return Entry(event.received_at, event.doses, event.vials, "TRANSFER_IN"), event.vvm_stage
    if isinstance(event, StockAdjusted):
        return Entry(event.adjusted_at, event.doses, event.vials, "ADJUSTMENT"), 0
    if isinstance(event, PhysicalCountRecorded):
        delta = sum(line.counted_doses - line.previous_balance_doses for line in event.lines)
        return Entry(event.counted_at, delta, 0, "COUNT"), 0
    if isinstance(event, StockMovementReversed):
        return Entry(event.reversed_at, event.doses, event.vials, "REVERSAL"), 0
    if isinstance(event, StockConsumed):
        return Entry(event.consumed_at, -event.doses, -event.vials, "CONSUMPTION"), 0
    raise TypeError(f"StockItem cannot apply {type(event).__name__}")


def _thawed(state: StockItem, event: object) -> StockItem:
    bud = getattr(event, "beyond_use_date", None)
    unit = getattr(event, "storage_unit_id", "")
    if bud is not None:
        state = replace(state, beyond_use_date=min(bud, state.beyond_use_date or bud))
    return replace(state, storage_unit_id=unit) if unit else state


def evolve(state: StockItem, event: object, event_id: str = "") -> StockItem:
    """Apply one ledger event; ``event_id`` (from the envelope) lets reversals name their original."""
    if isinstance(event, ConsumptionDiscrepancyDetected):
        return state  # recorded for reconciliation; the books are unchanged
    state = _thawed(state, event)
    if isinstance(event, VialsThawed):
        return replace(state, location_id=event.location_id, lot_id=event.lot_id,
                       presentation_id=event.presentation_id)
    entry, vvm = _entry(event)
    entries = tuple(sorted((*state.entries, replace(entry, event_id=event_id)), key=lambda e: e.at))
    reversed_ = state.reversed | {event.reverses_event_id} if isinstance(event, StockMovementReversed) else state.reversed
    return replace(state, location_id=event.location_id, lot_id=_lot_of(event), presentation_id=event.presentation_id,
                   entries=entries, reversed=reversed_, vvm_stage=max(state.vvm_stage, vvm))


def _lot_of(event: object) -> str:
    return event.lines[0].lot_id if isinstance(event, PhysicalCountRecorded) else event.lot_id


# -- shared checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockContext:
    """Reference data a ledger decision needs, loaded by the handler."""

    location: LocationRegistered
    lot: Lot
    presentation: PresentationDefined
    now: datetime
    storage_unit: StorageUnit | None = None
    """The unit the stock item sits in, when it records one (INV-13)."""

    def extension_applies(self, state: StockItem | None) -> bool:
        """INV-36: an extension conditional on frozen storage does not cover stock that was thawed."""
        extension = self.lot.extension
        if extension is None or state is None or not state.thawed:
            return True
        return extension.required_storage_condition not in FROZEN_CONDITIONS

    def effective_expiry(self, state: StockItem | None = None) -> date:
        """min(label or (applicable) extended expiry, beyond-use date of thawed stock)."""
        expiry = self.lot.expiry(extension_applies=self.extension_applies(state))
        if state is not None and state.beyond_use_date is not None:
            expiry = min(expiry, state.beyond_use_date)
        return expiry


FROZEN_CONDITIONS = frozenset({"FROZEN_ULTRA_COLD", "FROZEN"})


def check_positive_whole_doses(doses: int, field_name: str = "doses") -> None:
    if doses <= 0:
        raise DomainError(f"{field_name} must be a positive whole number, got {doses}", field=field_name,
                          rule="INV-2")


def check_whole_vials(doses: int, vials: int | None, presentation: PresentationDefined,
                      field_name: str = "doses") -> int:
    """Unopened stock moves in whole vials: doses = vials x doses per vial (INV-2). Returns the vials."""
    per_vial = presentation.doses_per_vial
    if abs(doses) % per_vial:
        raise DomainError(f"{abs(doses)} doses is not a whole number of {per_vial}-dose vials of "
                          f"{presentation.presentation_id} v{presentation.version}", field=field_name, rule="INV-2")
    expected = doses // per_vial
    if vials is not None and vials != expected:
        raise DomainError(f"{doses} doses are {expected} vials of {per_vial}, not {vials}", field="vials",
                          rule="INV-2")
    return expected


def check_business_time(state: StockItem, at: datetime, ctx: StockContext, field_name: str) -> None:
    """INV-8: not in the future, not before the location went live or the lot was made, not before a count."""
    if at > ctx.now:
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")
    if at.date() < ctx.location.active_from:
        raise DomainError(f"{ctx.location.location_id} went live on {ctx.location.active_from}", field=field_name,
                          rule="INV-8")
    assert ctx.lot.registered is not None
    if at.date() < ctx.lot.registered.manufacture_date:
        raise DomainError(f"lot {ctx.lot.registered.lot_id} was made on {ctx.lot.registered.manufacture_date}",
                          field=field_name, rule="INV-8")
    last_count = state.last_count_at
    if last_count is not None and at < last_count:
        raise DomainError(f"the books of this stock item are closed by a physical count at {last_count.isoformat()}",
                          field=field_name, rule="INV-8")


def check_timeline(state: StockItem, at: datetime, delta: int, field_name: str = "doses") -> None:
    """INV-1: adding ``delta`` at ``at`` keeps the balance >= 0 there and at every later movement."""
    if delta >= 0:
        return
    running = state.balance_at(at) + delta
    if running < 0:
        raise DomainError(f"balance at {at.isoformat()} is {running - delta} doses; {-delta} cannot be taken",
                          field=field_name, rule="INV-1")
    for entry in state.entries:
        if entry.at > at:
            running += entry.doses
            if running < 0:
                raise DomainError(f"this would leave {running} doses on {entry.at.isoformat()} (a later movement)",
                                  field=field_name, rule="INV-1")


def check_lot_matches(ctx: StockContext, presentation_id: str) -> None:
    assert ctx.lot.registered is not None
    if ctx.lot.registered.presentation_id != presentation_id:
        raise DomainError(f"lot {ctx.lot.registered.lot_id} belongs to {ctx.lot.registered.presentation_id}, "
                          f"not {presentation_id}", field="lot_id", rule="INV-6")


def check_usable(state: StockItem, ctx: StockContext, at: datetime) -> None:
    """INV-10, INV-11, INV-12, INV-13, INV-36: nothing leaves from expired, blocked, VVM 3-4 or quarantined stock."""
    expiry = ctx.effective_expiry(state)
    if at.date() > expiry:
        extension = ctx.lot.extension
        if extension is not None and not ctx.extension_applies(state) and at.date() <= extension.new_expiry_date:
            raise DomainError(f"the extension to {extension.new_expiry_date} covers only stock kept "
                              f"{extension.required_storage_condition}; this stock was thawed", field="lot_id",
                              rule="INV-36")
        raise DomainError(f"lot {ctx.lot.registered.lot_id} expired on {expiry} (effective expiry)", field="lot_id",
                          rule="INV-10")
    blocked = ctx.lot.blocked_at(ctx.location)
    if blocked:
        raise DomainError(f"lot is {blocked} at {ctx.location.location_id}; nothing may be issued from it",
                          field="lot_id", rule="INV-11")
    if state.vvm_stage >= 3:
        raise DomainError(f"VVM stage {state.vvm_stage} stock is never usable", field="lot_id", rule="INV-12")
    check_not_quarantined(ctx.storage_unit, ctx.lot.registered.lot_id)


def check_vvm(state: StockItem, stage: int, field_name: str = "vvm_stage") -> None:
    if not 0 <= stage <= 4:
        raise DomainError("VVM stage is 1, 2, 3 or 4 (0 = no VVM)", field=field_name, rule="INV-12")
    if stage >= 3:
        raise DomainError(f"VVM stage {stage} stock is never usable and cannot be accepted as stock",
                          field=field_name, rule="INV-12")
    if stage and stage < state.vvm_stage:
        raise DomainError(f"VVM stage never goes back: this stock is already at stage {state.vvm_stage}",
                          field=field_name, rule="INV-12")


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
    if command.received_at.date() > ctx.effective_expiry():
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
    bud = command.thawed_at.date() + timedelta(days=days)
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
    if command.adjusted_at.date() > expiry and command.reason != "EXPIRED":
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
