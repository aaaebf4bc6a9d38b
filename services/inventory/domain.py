"""Inventory domain: pure commands, events and decisions (no I/O, no framework imports).

A stock item is one lot at one location; its id is ``<location_id>/<lot_id>``. Quantities are whole
doses. Reference-data checks that need the presentation catalogue (whole vials, lot <-> presentation,
supply-tree edges) arrive with the catalogue itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DomainError

RECEIPT_SOURCES = frozenset({"manufacturer", "covax", "donation", "purchase"})


def stock_item_id(location_id: str, lot_id: str) -> str:
    return f"{location_id}/{lot_id}"


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
class StockItem:
    location_id: str = ""
    lot_id: str = ""
    on_hand: int = 0

    @classmethod
    def empty(cls) -> StockItem:
        return cls()


def evolve(state: StockItem, event: object) -> StockItem:
    if isinstance(event, DoseReceived):
        return replace(state, location_id=event.location_id, lot_id=event.lot_id, on_hand=state.on_hand + event.doses)
    raise TypeError(f"StockItem cannot apply {type(event).__name__}")


def receive_doses(state: StockItem, command: ReceiveDoses, *, now: datetime) -> list[DoseReceived]:
    """Record a receipt at a store. Rejects what INV-2, INV-8 and INV-12 forbid."""
    if command.doses <= 0:
        raise DomainError(f"doses must be a positive whole number, got {command.doses}", field="doses", rule="INV-2")
    if command.vials <= 0:
        raise DomainError(f"vials must be a positive whole number, got {command.vials}", field="vials", rule="INV-2")
    if command.received_at > now:
        raise DomainError("a receipt cannot be dated in the future", field="received_at", rule="INV-8")
    if command.source not in RECEIPT_SOURCES:
        raise DomainError(
            f"source must be one of {sorted(RECEIPT_SOURCES)}", field="source", rule="INV-3"
        )
    if not 1 <= command.vvm_stage <= 4:
        raise DomainError("VVM stage is 1, 2, 3 or 4", field="vvm_stage", rule="INV-12")
    if command.vvm_stage >= 3:
        raise DomainError("VVM stage 3 or 4 stock is never usable and cannot be received as stock",
                          field="vvm_stage", rule="INV-12")
    return [
        DoseReceived(
            location_id=command.location_id,
            lot_id=command.lot_id,
            presentation_id=command.presentation_id,
            doses=command.doses,
            vials=command.vials,
            source=command.source,
            shipment_reference=command.shipment_reference,
            received_at=command.received_at,
            storage_unit_id=command.storage_unit_id,
            vvm_stage=command.vvm_stage,
            temperature_log_ok=command.temperature_log_ok,
        )
    ]
