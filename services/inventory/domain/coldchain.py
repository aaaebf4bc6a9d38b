"""Cold chain: storage units (aggregate ``storage-unit:<id>``), their temperature excursions and assessments.

Stock put away in a unit with an unresolved excursion is quarantined: nothing is issued from it until the
excursion is assessed (INV-13). An assessment gives a verdict per lot; a DISCARD lot stays blocked in that
unit until it is written off (``StockAdjusted`` COLD_CHAIN_FAILURE).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from eventkit.errors import DomainError, DuplicateEntity
from services.inventory.domain.reference import LocationRegistered

UNIT_TYPES = {"ULTRA_COLD_MINUS_80": "FROZEN_ULTRA_COLD", "FREEZER_MINUS_20": "FROZEN", "FRIDGE_2_8": "REFRIGERATED",
              "COLD_BOX": "REFRIGERATED"}
"""Unit type -> the storage condition it keeps."""
FROZEN_UNITS = frozenset({"ULTRA_COLD_MINUS_80", "FREEZER_MINUS_20"})
ALARMS = frozenset({"HEAT_45C_1H", "HEAT_30C_10H_CUMULATIVE", "FREEZE_MINUS_0_5C_1H", "OTHER"})
VERDICTS = frozenset({"USABLE", "DISCARD"})
OPEN, ASSESSED = "OPEN", "ASSESSED"


def storage_unit_aggregate_id(storage_unit_id: str) -> str:
    return f"storage-unit:{storage_unit_id}"


@dataclass(frozen=True)
class StorageUnitRegistered:
    storage_unit_id: str
    location_id: str
    unit_type: str
    logger_id: str
    registered_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.registered_at


RegisterStorageUnit = StorageUnitRegistered


@dataclass(frozen=True)
class TemperatureExcursionDetected:
    """In a storage unit (``storage_unit_id``) or during transport (``shipment_id``): exactly one is set."""

    excursion_id: str
    storage_unit_id: str
    min_celsius: Decimal
    max_celsius: Decimal
    started_at: datetime
    alarm_type: str
    logger_id: str = ""
    ended_at: datetime | None = None
    shipment_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.started_at


RecordExcursion = TemperatureExcursionDetected


@dataclass(frozen=True)
class LotAssessment:
    lot_id: str
    decision: str
    rationale: str


@dataclass(frozen=True)
class ExcursionAssessed:
    excursion_id: str
    storage_unit_id: str
    assessments: tuple[LotAssessment, ...]
    assessor_id: str
    assessed_at: datetime
    shipment_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.assessed_at


AssessExcursion = ExcursionAssessed


@dataclass(frozen=True)
class StorageUnit:
    registered: StorageUnitRegistered | None = None
    excursions: dict[str, str] = field(default_factory=dict)
    discarded_lots: frozenset[str] = frozenset()
    excursion_started: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> StorageUnit:
        return cls()

    @property
    def open_excursions(self) -> list[str]:
        return sorted(e for e, status in self.excursions.items() if status == OPEN)

    def open_excursion_at(self, moment: datetime) -> str | None:
        """An excursion still unassessed that had started by ``moment`` (the stock was quarantined then)."""
        return next((e for e in self.open_excursions
                     if e not in self.excursion_started or self.excursion_started[e] <= moment), None)

    @property
    def frozen(self) -> bool:
        return self.registered is not None and self.registered.unit_type in FROZEN_UNITS


def evolve_storage_unit(state: StorageUnit, event: object) -> StorageUnit:
    if isinstance(event, StorageUnitRegistered):
        return replace(state, registered=event)
    if isinstance(event, TemperatureExcursionDetected):
        return replace(state, excursions={**state.excursions, event.excursion_id: OPEN},
                       excursion_started={**state.excursion_started, event.excursion_id: event.started_at})
    if isinstance(event, ExcursionAssessed):
        discarded = {a.lot_id for a in event.assessments if a.decision == "DISCARD"}
        return replace(state, excursions={**state.excursions, event.excursion_id: ASSESSED},
                       discarded_lots=state.discarded_lots | discarded)
    raise TypeError(f"StorageUnit cannot apply {type(event).__name__}")


def register_storage_unit(state: StorageUnit, command: RegisterStorageUnit, location: LocationRegistered) -> list:
    if state.registered is not None:
        if replace(command, registered_at=state.registered.registered_at) == state.registered:
            return []
        raise DuplicateEntity(f"storage unit {command.storage_unit_id} is already registered", field="storage_unit_id",
                              rule="reference-immutable")
    if command.unit_type not in UNIT_TYPES:
        raise DomainError(f"unit_type must be one of {sorted(UNIT_TYPES)}", field="unit_type", rule="INV-14")
    needs = {"ULTRA_COLD_MINUS_80": "ULTRA_COLD", "FREEZER_MINUS_20": "FROZEN"}.get(command.unit_type, "FRIDGE")
    if command.unit_type != "COLD_BOX" and needs not in location.storage_capabilities:
        raise DomainError(f"{location.location_id} has no {needs} storage capability", field="unit_type",
                          rule="INV-14")
    return [command]


def record_excursion(state: StorageUnit, command: RecordExcursion, *, now: datetime) -> list:
    if state.registered is None:
        raise DomainError(f"storage unit {command.storage_unit_id} is not registered", field="storage_unit_id",
                          rule="INV-13")
    check_excursion(state.excursions, command, now=now)
    return [command]


def check_excursion(known: dict[str, str], command: RecordExcursion, *, now: datetime) -> None:
    """A new excursion with a known alarm, a sane range and times (storage units and shipments alike)."""
    if command.excursion_id in known:
        raise DuplicateEntity(f"excursion {command.excursion_id} is already recorded", field="excursion_id",
                              rule="INV-13")
    if command.alarm_type not in ALARMS:
        raise DomainError(f"alarm_type must be one of {sorted(ALARMS)}", field="alarm_type", rule="INV-13")
    if command.min_celsius > command.max_celsius:
        raise DomainError("min_celsius is above max_celsius", field="min_celsius", rule="INV-13")
    if command.started_at > now or (command.ended_at is not None and command.ended_at < command.started_at):
        raise DomainError("an excursion starts in the past and ends after it starts", field="started_at",
                          rule="INV-8")


def assess_excursion(state: StorageUnit, command: AssessExcursion, *, now: datetime) -> list:
    check_assessment(state.excursions, command, now=now)
    return [command]


def check_assessment(known: dict[str, str], command: AssessExcursion, *, now: datetime) -> None:
    """Once per excursion, a reasoned USABLE / DISCARD verdict for each lot."""
    status = known.get(command.excursion_id)
    if status is None:
        raise DomainError(f"no excursion {command.excursion_id} here", field="excursion_id", rule="INV-13")
    if status != OPEN:
        raise DomainError(f"excursion {command.excursion_id} was already assessed", field="excursion_id",
                          rule="INV-13")
    if not command.assessments:
        raise DomainError("an assessment gives a verdict for each lot", field="assessments", rule="INV-13")
    lots = [a.lot_id for a in command.assessments]
    if len(lots) != len(set(lots)):
        raise DomainError("each lot is assessed once", field="assessments", rule="INV-13")
    for index, assessment in enumerate(command.assessments):
        if assessment.decision not in VERDICTS or not assessment.rationale:
            raise DomainError("each verdict is USABLE or DISCARD with a rationale",
                              field=f"assessments[{index}].decision", rule="INV-13")
    if command.assessed_at > now:
        raise DomainError("assessed_at is in the future", field="assessed_at", rule="INV-8")


def check_not_quarantined(unit: StorageUnit | None, lot_id: str) -> None:
    """INV-13: nothing leaves a unit with an open excursion, nor a lot assessed DISCARD there."""
    if unit is None or unit.registered is None:
        return
    if unit.open_excursions:
        raise DomainError(f"stock in {unit.registered.storage_unit_id} is quarantined until excursion "
                          f"{unit.open_excursions[0]} is assessed", field="lot_id", rule="INV-13")
    if lot_id in unit.discarded_lots:
        raise DomainError(f"lot {lot_id} in {unit.registered.storage_unit_id} was assessed DISCARD; write it off",
                          field="lot_id", rule="INV-13")
