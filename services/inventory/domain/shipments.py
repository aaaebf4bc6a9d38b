"""Shipments through the supply tree (aggregate ``shipment:<id>``): DISPATCHED -> RECEIVED | LOST | RETURNED.

A dispatch is one atomic append: ``ShipmentDispatched`` on the shipment and a ``StockIssued`` ledger line
on each sender stock item (the stock is then in transit). The proof of delivery (``ShipmentReceived``,
once, accepted + rejected = shipped per line, INV-9) adds ``StockTransferredIn`` lines for the accepted
doses at the receiver; a returned shipment adds them back at the sender; a lost one adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError, DuplicateEntity
from services.inventory.domain import coldchain
from services.inventory.domain.reference import CONDITION_NEEDS, LocationRegistered, PresentationDefined

REJECTION_REASONS = frozenset({"DAMAGED", "VVM_DISCARD_POINT", "COLD_CHAIN_FAILURE", "EXPIRED", "WRONG_PRODUCT",
                               "SHORT_SHIPPED"})
DISPATCHED, RECEIVED, LOST, RETURNED = "DISPATCHED", "RECEIVED", "LOST", "RETURNED"


def shipment_aggregate_id(shipment_id: str) -> str:
    return f"shipment:{shipment_id}"


@dataclass(frozen=True)
class StockLine:
    lot_id: str
    doses: int
    vials: int


@dataclass(frozen=True)
class ShipmentDispatched:
    shipment_id: str
    from_location_id: str
    to_location_id: str
    presentation_id: str
    lines: tuple[StockLine, ...]
    dispatched_at: datetime
    allocation_plan_id: str = ""
    allocation_line_id: str = ""
    transport_id: str = ""
    logger_ids: tuple[str, ...] = ()
    session_id: str = ""
    """The session whose dispensation the shipment carries to its site (see :mod:`.dispensations`)."""

    @property
    def occurred_at(self) -> datetime:
        return self.dispatched_at


@dataclass(frozen=True)
class ReceivedLine:
    lot_id: str
    accepted_doses: int
    rejected_doses: int
    rejection_reason: str = ""
    vvm_stage: int = 0
    accepted_vials: int = 0
    rejected_vials: int = 0


@dataclass(frozen=True)
class ShipmentReceived:
    shipment_id: str
    to_location_id: str
    lines: tuple[ReceivedLine, ...]
    received_at: datetime
    storage_unit_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.received_at


@dataclass(frozen=True)
class ShipmentLost:
    shipment_id: str
    from_location_id: str
    to_location_id: str
    lines: tuple[StockLine, ...]
    reason: str
    lost_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.lost_at


@dataclass(frozen=True)
class ShipmentReturned:
    shipment_id: str
    to_location_id: str
    returned_to_location_id: str
    lines: tuple[StockLine, ...]
    reason: str
    returned_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.returned_at


@dataclass(frozen=True)
class DispatchLine:
    lot_id: str
    doses: int
    vials: int | None = None


@dataclass(frozen=True)
class DispatchShipment:
    shipment_id: str
    from_location_id: str
    to_location_id: str
    lines: tuple[DispatchLine, ...]
    dispatched_at: datetime
    allocation_plan_id: str = ""
    allocation_line_id: str = ""
    transport_id: str = ""
    logger_ids: tuple[str, ...] = ()
    session_id: str = ""


@dataclass(frozen=True)
class ReceiveShipment:
    shipment_id: str
    received_at: datetime
    lines: tuple[ReceivedLine, ...]
    storage_unit_id: str = ""


@dataclass(frozen=True)
class CloseShipment:
    """Declare a shipment in transit lost or returned (``outcome``)."""

    shipment_id: str
    outcome: str  # LOST | RETURNED
    reason: str
    at: datetime


@dataclass(frozen=True)
class Shipment:
    dispatched: ShipmentDispatched | None = None
    status: str = ""
    closed_at: datetime | None = None
    excursions: dict[str, str] = field(default_factory=dict)
    """Transport excursions: id -> OPEN | ASSESSED (INV-13)."""
    discarded_lots: frozenset[str] = frozenset()

    @classmethod
    def empty(cls) -> Shipment:
        return cls()

    @property
    def open_excursions(self) -> list[str]:
        return sorted(e for e, status in self.excursions.items() if status == coldchain.OPEN)


def evolve_shipment(state: Shipment, event: object) -> Shipment:
    if isinstance(event, ShipmentDispatched):
        return Shipment(event, DISPATCHED)
    if isinstance(event, coldchain.TemperatureExcursionDetected):
        return replace(state, excursions={**state.excursions, event.excursion_id: coldchain.OPEN})
    if isinstance(event, coldchain.ExcursionAssessed):
        discarded = {a.lot_id for a in event.assessments if a.decision == "DISCARD"}
        return replace(state, excursions={**state.excursions, event.excursion_id: coldchain.ASSESSED},
                       discarded_lots=state.discarded_lots | discarded)
    if isinstance(event, ShipmentReceived):
        return replace(state, status=RECEIVED, closed_at=event.received_at)
    if isinstance(event, ShipmentLost):
        return replace(state, status=LOST, closed_at=event.lost_at)
    if isinstance(event, ShipmentReturned):
        return replace(state, status=RETURNED, closed_at=event.returned_at)
    raise TypeError(f"Shipment cannot apply {type(event).__name__}")


def check_route(sender: LocationRegistered, receiver: LocationRegistered, presentation: PresentationDefined,
                *, thawed: bool, receiver_active_until: date | None = None, at: datetime | None = None,
                zone: tzinfo = CAMPAIGN_ZONE) -> None:
    """INV-4: an allowed edge of the supply tree to an operating location; INV-14: the receiver can store the
    product as it is."""
    if receiver_active_until is not None and at is not None and \
            campaign_date(at, zone) > receiver_active_until:
        raise DomainError(f"{receiver.location_id} stopped operating after {receiver_active_until}",
                          field="to_location_id", rule="INV-4")
    if sender.location_id not in receiver.supplied_by:
        raise DomainError(f"{sender.location_id} does not supply {receiver.location_id} (allowed: "
                          f"{', '.join(receiver.supplied_by) or 'none'})", field="to_location_id", rule="INV-4")
    condition = "REFRIGERATED" if thawed else presentation.storage_condition
    needed = CONDITION_NEEDS.get(condition)
    if needed and needed not in receiver.storage_capabilities:
        raise DomainError(f"{presentation.presentation_id} travels {condition.lower()} but {receiver.location_id} has "
                          f"no {needed} storage; record the thaw first", field="to_location_id", rule="INV-14")


def check_dispatch_lines(command: DispatchShipment) -> None:
    if not command.lines:
        raise DomainError("a shipment carries at least one line", field="lines", rule="INV-2")
    lots = [line.lot_id for line in command.lines]
    if len(lots) != len(set(lots)):
        raise DomainError("each lot appears once per shipment", field="lines", rule="INV-2")
    if command.from_location_id == command.to_location_id:
        raise DomainError("a shipment goes to another location", field="to_location_id", rule="INV-3")


def check_new(state: Shipment, command: DispatchShipment) -> None:
    """A shipment id is dispatched once (a retry with the same Idempotency-Key is answered from the record)."""
    if state.dispatched is not None:
        raise DuplicateEntity(f"shipment {command.shipment_id} was already dispatched", field="shipment_id",
                              rule="INV-34")


def dispatch(state: Shipment, command: DispatchShipment, issued: list, presentation_id: str) -> list:
    """``issued``: the sender's StockIssued lines already decided (one per line, same order)."""
    check_new(state, command)
    lines = tuple(StockLine(e.lot_id, e.doses, e.vials) for e in issued)
    return [ShipmentDispatched(command.shipment_id, command.from_location_id, command.to_location_id,
                               presentation_id, lines, command.dispatched_at, command.allocation_plan_id,
                               command.allocation_line_id, command.transport_id, command.logger_ids, command.session_id)]


def record_excursion(state: Shipment, command: coldchain.RecordExcursion, *, now: datetime) -> list:
    """A temperature excursion during transport: the delivery waits for its assessment (INV-13)."""
    shipped = _in_transit(state, command.shipment_id, "given an excursion")
    if command.started_at < shipped.dispatched_at:
        raise DomainError("a transport excursion starts after the dispatch", field="started_at", rule="INV-8")
    coldchain.check_excursion(state.excursions, command, now=now)
    return [command]


def assess_excursion(state: Shipment, command: coldchain.AssessExcursion, *, now: datetime) -> list:
    shipped = _in_transit(state, command.shipment_id, "assessed")
    coldchain.check_assessment(state.excursions, command, now=now)
    unknown = {a.lot_id for a in command.assessments} - {line.lot_id for line in shipped.lines}
    if unknown:
        raise DomainError(f"lots {sorted(unknown)} are not in this shipment", field="assessments", rule="INV-13")
    return [command]


def receive(state: Shipment, command: ReceiveShipment, *, now: datetime) -> list[ShipmentReceived]:
    """Proof of delivery: once; each shipped lot once; accepted + rejected = shipped; rejections reasoned;
    not before a transport excursion is assessed, and nothing assessed DISCARD accepted (INV-13)."""
    shipped = _in_transit(state, command.shipment_id, "received")
    if state.open_excursions:
        raise DomainError(f"transport excursion {state.open_excursions[0]} must be assessed before the delivery",
                          field="shipment_id", rule="INV-13")
    if command.received_at > now:
        raise DomainError("received_at is in the future", field="received_at", rule="INV-8")
    if command.received_at < shipped.dispatched_at:
        raise DomainError("a shipment cannot arrive before it left", field="received_at", rule="INV-8")
    by_lot = {line.lot_id: line for line in shipped.lines}
    if sorted(line.lot_id for line in command.lines) != sorted(by_lot):
        raise DomainError(f"the proof of delivery lists each shipped lot once: {sorted(by_lot)}", field="lines",
                          rule="INV-9")
    for index, line in enumerate(command.lines):
        where = f"lines[{index}]"
        if line.accepted_doses < 0 or line.rejected_doses < 0:
            raise DomainError("accepted and rejected doses are not negative", field=f"{where}.accepted_doses",
                              rule="INV-2")
        sent = by_lot[line.lot_id].doses
        if line.accepted_doses + line.rejected_doses != sent:
            raise DomainError(f"accepted {line.accepted_doses} + rejected {line.rejected_doses} must equal shipped "
                              f"{sent}", field=f"{where}.rejected_doses", rule="INV-9")
        if line.rejected_doses and line.rejection_reason not in REJECTION_REASONS:
            raise DomainError(f"a rejection needs a reason: one of {sorted(REJECTION_REASONS)}",
                              field=f"{where}.rejection_reason", rule="INV-9")
        if line.accepted_doses and line.lot_id in state.discarded_lots:
            raise DomainError(f"lot {line.lot_id} was assessed DISCARD after a transport excursion; reject it "
                              "(COLD_CHAIN_FAILURE)", field=f"{where}.accepted_doses", rule="INV-13")
        if line.accepted_doses and line.vvm_stage >= 3:
            raise DomainError(f"VVM stage {line.vvm_stage} stock cannot be accepted as usable; reject it",
                              field=f"{where}.vvm_stage", rule="INV-12")
    return [ShipmentReceived(command.shipment_id, shipped.to_location_id, command.lines, command.received_at,
                             command.storage_unit_id)]


def close(state: Shipment, command: CloseShipment, *, now: datetime) -> list:
    shipped = _in_transit(state, command.shipment_id, command.outcome.lower())
    if not command.reason:
        raise DomainError("a lost or returned shipment needs a reason", field="reason", rule="INV-5")
    if command.at > now or command.at < shipped.dispatched_at:
        raise DomainError("the date must lie between dispatch and now", field="at", rule="INV-8")
    if command.outcome == LOST:
        return [ShipmentLost(shipped.shipment_id, shipped.from_location_id, shipped.to_location_id, shipped.lines,
                             command.reason, command.at)]
    if command.outcome == RETURNED:
        return [ShipmentReturned(shipped.shipment_id, shipped.to_location_id, shipped.from_location_id, shipped.lines,
                                 command.reason, command.at)]
    raise DomainError("outcome is LOST or RETURNED", field="outcome", rule="INV-3")


def _in_transit(state: Shipment, shipment_id: str, verb: str) -> ShipmentDispatched:
    if state.dispatched is None:
        raise DomainError(f"shipment {shipment_id} was never dispatched", field="shipment_id", rule="INV-9")
    if state.status != DISPATCHED:
        raise DomainError(f"shipment {shipment_id} is already {state.status}; it cannot be {verb} again",
                          field="shipment_id", rule="INV-9")
    return state.dispatched
