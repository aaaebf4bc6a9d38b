"""Stock-ledger events and commands (frozen dataclasses); the decisions live in :mod:`.ledger`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
    """Reported consumption the site's books cannot cover (balance unchanged), or of a blocked / expired lot."""

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
    stock_decremented: bool = False
    """True for a lot used while blocked or expired: the doses left the stock, the use is flagged."""

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
