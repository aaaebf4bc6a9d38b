"""What the route modules share: the role lists, the clock, and the scope pre-checks.

A write is checked against the caller's scope on the location whose stock moves, before the command runs.
The location (or storage unit, or shipment) is read with ``es.load`` for that pre-check; the command's own
transaction loads it again as a guard.
"""

from __future__ import annotations

from datetime import UTC, datetime

from eventkit.aggregates import EventSourcing
from eventkit.auth import current_principal
from eventkit.errors import DomainError
from services.inventory.domain import coldchain, reference, shipments
from services.inventory.handlers.aggregates import LOCATION, SHIPMENT, STORAGE_UNIT, registered

WRITERS = ("national_admin", "province_officer", "district_officer", "site_manager")
READERS = ("national_admin", "province_officer", "district_officer", "site_manager", "auditor", "analyst")
NATIONAL = ["national"]


def now() -> datetime:
    return datetime.now(UTC)


def scope_path(es: EventSourcing, location_id: str, field: str = "location_id") -> list[str]:
    """The scopes covering a registered location (INV-4 when it is not in the supply tree)."""
    state, _ = es.load(LOCATION, reference.location_aggregate_id(location_id), field=field)
    return reference.scope_path(registered(state, location_id, field).registered)


def require_scope(es: EventSourcing, location_id: str, field: str = "location_id") -> None:
    current_principal().require_scope(scope_path(es, location_id, field), field=field)


def unit_location(es: EventSourcing, storage_unit_id: str) -> str:
    """The location a storage unit belongs to (INV-13 when the unit is not registered)."""
    unit, _ = es.load(STORAGE_UNIT, coldchain.storage_unit_aggregate_id(storage_unit_id), field="storage_unit_id")
    if unit.registered is None:
        raise DomainError(f"storage unit {storage_unit_id} is not registered", field="storage_unit_id",
                          rule="INV-13")
    return unit.registered.location_id


def route_of(es: EventSourcing, shipment_id: str, rule: str = "INV-9") -> shipments.ShipmentDispatched:
    """Where a dispatched shipment goes from and to (``rule`` when it was never dispatched)."""
    state, _ = es.load(SHIPMENT, shipments.shipment_aggregate_id(shipment_id), field="shipment_id")
    if state.dispatched is None:
        raise DomainError(f"shipment {shipment_id} was never dispatched", field="shipment_id", rule=rule)
    return state.dispatched
