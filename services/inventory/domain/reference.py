"""Reference data as events: the supply tree (locations) and presentation versions.

Registering the same thing twice with the same content decides nothing (so loading a seed file is
idempotent); with different content it is refused: a location is never rewritten, and a presentation's
units are fixed per version (INV-35) - a label change is a new version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from eventkit.errors import DomainError, DuplicateEntity

LOCATION_KINDS = frozenset({"NATIONAL_STORE", "REGIONAL_STORE", "PROVINCE_STORE", "DISTRICT_STORE", "SITE",
                            "SPECIAL_UNIT"})
STORE_KINDS = frozenset({"NATIONAL_STORE", "REGIONAL_STORE"})
"""Locations that receive stock from outside the supply tree (manufacturer, COVAX, donors)."""
STORAGE_CAPABILITIES = frozenset({"ULTRA_COLD", "FROZEN", "FRIDGE"})
STORAGE_CONDITIONS = frozenset({"FROZEN_ULTRA_COLD", "FROZEN", "REFRIGERATED", "ROOM"})
CONDITION_NEEDS = {"FROZEN_ULTRA_COLD": "ULTRA_COLD", "FROZEN": "FROZEN", "REFRIGERATED": "FRIDGE", "ROOM": None}
_PROVINCE = re.compile(r"^\d{2}$")
_DISTRICT = re.compile(r"^\d{3}$")


def location_aggregate_id(location_id: str) -> str:
    return f"location:{location_id}"


def presentation_aggregate_id(presentation_id: str) -> str:
    return f"presentation:{presentation_id}"


# -- locations ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationRegistered:
    location_id: str
    kind: str
    name: str
    parent_id: str
    province_code: str
    district_code: str
    supplied_by: tuple[str, ...]
    storage_capabilities: tuple[str, ...]
    active_from: date
    registered_at: datetime
    commune_code: str = ""
    hospital_capable: bool = False
    injection_tables: int = 0
    special_unit_type: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.registered_at


RegisterLocation = LocationRegistered
"""The command carries exactly the event's fields."""


@dataclass(frozen=True)
class LocationDeactivated:
    """A location stopped operating after ``active_until``; its history stays."""

    location_id: str
    active_until: date
    reason: str
    deactivated_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.deactivated_at


DeactivateLocation = LocationDeactivated


@dataclass(frozen=True)
class Location:
    registered: LocationRegistered | None = None
    active_until: date | None = None

    @classmethod
    def empty(cls) -> Location:
        return cls()

    @property
    def exists(self) -> bool:
        return self.registered is not None


def evolve_location(state: Location, event: object) -> Location:
    if isinstance(event, LocationRegistered):
        return replace(state, registered=event)
    if isinstance(event, LocationDeactivated):
        return replace(state, active_until=event.active_until)
    raise TypeError(f"Location cannot apply {type(event).__name__}")


def deactivate_location(state: Location, command: DeactivateLocation) -> list:
    """No movement may be dated after ``active_until`` (INV-8) nor sent to the location (INV-4)."""
    if state.registered is None:
        raise DomainError(f"location {command.location_id!r} is not in the supply tree", field="location_id",
                          rule="INV-4")
    if state.active_until is not None:
        raise DomainError(f"{command.location_id} was deactivated after {state.active_until}", field="location_id",
                          rule="INV-4")
    if command.active_until < state.registered.active_from:
        raise DomainError("active_until is before the location went live", field="active_until", rule="INV-8")
    if not command.reason:
        raise DomainError("a deactivation needs a reason", field="reason", rule="INV-4")
    return [command]


def scope_path(location: LocationRegistered) -> list[str]:
    """The scopes that cover this location, widest first: national > province > district > site."""
    path = ["national"]
    if location.province_code:
        path.append(f"province:{location.province_code}")
    if location.district_code:
        path.append(f"district:{location.district_code}")
    if location.kind == "SITE":
        path.append(f"site:{location.location_id}")
    return path


def _same_registration(a: LocationRegistered, b: LocationRegistered) -> bool:
    return replace(a, registered_at=b.registered_at) == b


def register_location(state: Location, command: RegisterLocation, *, known: frozenset[str]) -> list:
    """``known``: ids of the locations already registered (parents and suppliers must be among them)."""
    if state.registered is not None:
        if _same_registration(command, state.registered):
            return []
        raise DuplicateEntity(f"location {command.location_id} is already registered with other details",
                              field="location_id", rule="reference-immutable")
    if command.kind not in LOCATION_KINDS:
        raise DomainError(f"kind must be one of {sorted(LOCATION_KINDS)}", field="kind", rule="INV-4")
    if command.kind != "NATIONAL_STORE" and command.parent_id not in known:
        raise DomainError(f"parent {command.parent_id!r} is not a registered location", field="parent_id",
                          rule="INV-4")
    unknown = [s for s in command.supplied_by if s not in known or s == command.location_id]
    if unknown:
        raise DomainError(f"supplied_by names unknown locations {unknown}", field="supplied_by", rule="INV-4")
    if command.province_code and not _PROVINCE.match(command.province_code):
        raise DomainError("province_code is a 2-digit GSO code", field="province_code", rule="INV-4")
    if command.district_code and not _DISTRICT.match(command.district_code):
        raise DomainError("district_code is a 3-digit GSO code", field="district_code", rule="INV-4")
    needs_province = command.kind in {"PROVINCE_STORE", "DISTRICT_STORE", "SITE"}
    if needs_province and not command.province_code:
        raise DomainError(f"a {command.kind} needs its province_code", field="province_code", rule="INV-4")
    if command.kind in {"DISTRICT_STORE", "SITE"} and not command.district_code:
        raise DomainError(f"a {command.kind} needs its district_code", field="district_code", rule="INV-4")
    bad = set(command.storage_capabilities) - STORAGE_CAPABILITIES
    if bad:
        raise DomainError(f"unknown storage capabilities {sorted(bad)}", field="storage_capabilities",
                          rule="INV-14")
    return [command]


# -- presentations --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageRange:
    condition: str
    min_celsius: Decimal
    max_celsius: Decimal
    max_days: int = 0


@dataclass(frozen=True)
class PresentationDefined:
    presentation_id: str
    version: int
    vaccine_code: str
    vaccine_code_system: str
    brand: str
    manufacturer: str
    doses_per_vial: int
    dose_volume_ml: Decimal
    storage_ranges: tuple[StorageRange, ...]
    defined_at: datetime
    diluent_product_code: str = ""
    diluent_volume_ml: Decimal | None = None
    thaw_beyond_use_days: int = 0
    refreeze_allowed: bool = False
    open_vial_window_hours: int = 6
    has_vvm: bool = False
    min_age_years: int = 18
    components: tuple[str, ...] = ()
    series_doses: int = 2
    extra_doses_allowed: int = 0
    platform: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.defined_at

    @property
    def storage_condition(self) -> str:
        """The coldest condition the presentation is kept in while unopened (its long-term storage)."""
        return self.storage_ranges[0].condition if self.storage_ranges else "REFRIGERATED"


DefinePresentation = PresentationDefined


@dataclass(frozen=True)
class Presentation:
    versions: dict[int, PresentationDefined] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Presentation:
        return cls()

    @property
    def latest(self) -> int:
        return max(self.versions, default=0)


def evolve_presentation(state: Presentation, event: object) -> Presentation:
    if isinstance(event, PresentationDefined):
        return Presentation({**state.versions, event.version: event})
    raise TypeError(f"Presentation cannot apply {type(event).__name__}")


def define_presentation(state: Presentation, command: DefinePresentation) -> list:
    """A new version (latest + 1); an existing version is never rewritten (INV-35)."""
    existing = state.versions.get(command.version)
    if existing is not None:
        if replace(command, defined_at=existing.defined_at) == existing:
            return []
        raise DomainError(
            f"{command.presentation_id} version {command.version} is already defined; units are immutable per "
            f"version - define version {state.latest + 1} instead", field="version", rule="INV-35")
    if command.version != state.latest + 1:
        raise DomainError(f"the next version of {command.presentation_id} is {state.latest + 1}",
                          field="version", rule="INV-35")
    if command.doses_per_vial <= 0:
        raise DomainError("doses_per_vial must be a positive whole number", field="doses_per_vial", rule="INV-2")
    if command.dose_volume_ml <= 0:
        raise DomainError("dose_volume_ml must be positive", field="dose_volume_ml", rule="INV-2")
    bad = {r.condition for r in command.storage_ranges} - STORAGE_CONDITIONS
    if bad or not command.storage_ranges:
        raise DomainError(f"storage_ranges need known conditions {sorted(STORAGE_CONDITIONS)}",
                          field="storage_ranges", rule="INV-14")
    if command.series_doses <= 0:
        raise DomainError("series_doses must be positive", field="series_doses", rule="INV-2")
    return [command]
