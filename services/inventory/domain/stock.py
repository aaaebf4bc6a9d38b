"""The stock item (one lot at one location) as a dated timeline, and the checks every ledger decision shares.

Aggregate id ``<location_id>/<lot_id>``. Each movement is a signed quantity at its business time, so a new
movement - backdated or not - is checked against every balance from its date onwards (INV-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError
from services.inventory.domain.coldchain import StorageUnit, check_not_quarantined
from services.inventory.domain.ledger_events import (
    ConsumptionDiscrepancyDetected,
    DoseReceived,
    PhysicalCountRecorded,
    StockAdjusted,
    StockConsumed,
    StockIssued,
    StockMovementReversed,
    StockTransferredIn,
    VialsThawed,
)
from services.inventory.domain.lots import Lot
from services.inventory.domain.reference import LocationRegistered, PresentationDefined


def stock_item_id(location_id: str, lot_id: str) -> str:
    return f"{location_id}/{lot_id}"


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
    location_active_until: date | None = None
    """Set when the location was deactivated: nothing is dated after it (INV-8)."""
    zone: tzinfo = CAMPAIGN_ZONE
    """The campaign zone: every day rule takes the campaign date of a time (:mod:`eventkit.clock`)."""

    def day(self, at: datetime) -> date:
        """The campaign day ``at`` falls on, whatever offset the client wrote."""
        return campaign_date(at, self.zone)

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
    """INV-8: not in the future, not outside the location's active period, not before the lot was made or the
    latest count."""
    if at > ctx.now:
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")
    day = ctx.day(at)
    if day < ctx.location.active_from:
        raise DomainError(f"{ctx.location.location_id} went live on {ctx.location.active_from}", field=field_name,
                          rule="INV-8")
    if ctx.location_active_until is not None and day > ctx.location_active_until:
        raise DomainError(f"{ctx.location.location_id} stopped operating after {ctx.location_active_until}",
                          field=field_name, rule="INV-8")
    assert ctx.lot.registered is not None
    if day < ctx.lot.registered.manufacture_date:
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
    day = ctx.day(at)
    if day > expiry:
        extension = ctx.lot.extension
        if extension is not None and not ctx.extension_applies(state) and day <= extension.new_expiry_date:
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
