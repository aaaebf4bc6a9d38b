"""Allocation lines as inventory knows them (from its read model of the allocation topic), and the check a
dispatch that names one must pass: to the line's recipient (INV-17), from a released line (INV-16), within the
released doses (INV-15)."""

from __future__ import annotations

from dataclasses import dataclass

from eventkit.errors import DomainError
from services.inventory.domain.reference import LocationRegistered
from services.inventory.domain.shipments import DispatchShipment


@dataclass(frozen=True)
class AllocationLine:
    """An allocation line as inventory's read model of the allocation topic knows it."""

    recipient_unit_id: str
    recipient_unit_kind: str  # PROVINCE | SPECIAL_UNIT (national plans) | DISTRICT (province plans)
    doses_released: int
    doses_shipped: int
    cancelled: bool = False


def check_allocation_line(command: DispatchShipment, line: AllocationLine | None, receiver: LocationRegistered,
                          doses: int) -> None:
    """A shipment for an allocation line goes to the line's recipient, within the doses released so far."""
    if not command.allocation_line_id:
        return
    if not command.allocation_plan_id:
        raise DomainError("an allocation line is named with its plan", field="allocation_plan_id", rule="INV-17")
    if line is None or line.cancelled or line.doses_released <= 0:
        raise DomainError(f"allocation line {command.allocation_plan_id}/{command.allocation_line_id} is not released",
                          field="allocation_line_id", rule="INV-16")
    if line.recipient_unit_kind == "PROVINCE":
        matches = receiver.kind == "PROVINCE_STORE" and receiver.province_code == line.recipient_unit_id
    elif line.recipient_unit_kind == "DISTRICT":  # a province plan's line names the district by its GSO code
        matches = receiver.kind == "DISTRICT_STORE" and receiver.district_code == line.recipient_unit_id
    else:
        matches = receiver.location_id == line.recipient_unit_id
    if not matches:
        raise DomainError(f"the line allocates to {line.recipient_unit_kind} {line.recipient_unit_id}, not "
                          f"{receiver.location_id}", field="to_location_id", rule="INV-17")
    if line.doses_shipped + doses > line.doses_released:
        raise DomainError(f"{line.doses_released} doses released, {line.doses_shipped} already shipped: {doses} more "
                          "exceed the release", field="lines", rule="INV-15")
