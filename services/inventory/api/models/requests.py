"""Request bodies of the inventory API (``extra="forbid"``, strict types)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from services.inventory.api.models.base import Id, Strict

# -- reference data -------------------------------------------------------------------------------------


class SeedRequest(Strict):
    version: int = Field(default=1, ge=1, description="which services/inventory/seed/reference.v<N>.json to load")


class LocationRequest(Strict):
    location_id: str = Id()
    kind: Literal["NATIONAL_STORE", "REGIONAL_STORE", "PROVINCE_STORE", "DISTRICT_STORE", "SITE", "SPECIAL_UNIT"]
    name: str = Field(min_length=1, max_length=200)
    parent_id: str = Field(default="", max_length=64)
    province_code: str = Field(default="", max_length=2)
    district_code: str = Field(default="", max_length=3)
    commune_code: str = Field(default="", max_length=5)
    supplied_by: list[str] = Field(default_factory=list, description="locations allowed to issue to this one (INV-4)")
    storage_capabilities: list[Literal["ULTRA_COLD", "FROZEN", "FRIDGE"]] = Field(default_factory=lambda: ["FRIDGE"])
    active_from: date
    hospital_capable: bool = False
    injection_tables: int = Field(default=0, ge=0)
    special_unit_type: Literal["", "ARMY", "POLICE", "HOSPITAL", "INSTITUTE", "OTHER"] = ""


class DeactivationRequest(Strict):
    active_until: date = Field(description="the last day the location operates")
    reason: str = Field(min_length=1, max_length=500)


class StorageRangeModel(Strict):
    condition: Literal["FROZEN_ULTRA_COLD", "FROZEN", "REFRIGERATED", "ROOM"]
    min_celsius: Decimal
    max_celsius: Decimal
    max_days: int = Field(default=0, ge=0)


class PresentationRequest(Strict):
    presentation_id: str = Id()
    version: int = Field(ge=1, description="1, 2, 3 ...; an existing version is never rewritten (INV-35)")
    vaccine_code: str = Field(min_length=1, max_length=32)
    vaccine_code_system: Literal["CVX", "NATIONAL"] = "CVX"
    brand: str = Field(min_length=1, max_length=100)
    manufacturer: str = Field(min_length=1, max_length=100)
    doses_per_vial: int
    dose_volume_ml: Decimal
    storage_ranges: list[StorageRangeModel]
    diluent_product_code: str = ""
    diluent_volume_ml: Decimal | None = None
    thaw_beyond_use_days: int = Field(default=0, ge=0)
    refreeze_allowed: bool = False
    open_vial_window_hours: int = Field(default=6, ge=0)
    has_vvm: bool = False
    min_age_years: int = Field(default=18, ge=0)
    components: list[str] = Field(default_factory=list)
    series_doses: int = 2
    extra_doses_allowed: int = Field(default=0, ge=0)
    platform: Literal["", "MRNA", "VIRAL_VECTOR", "INACTIVATED", "PROTEIN_SUBUNIT"] = ""


class LotRequest(Strict):
    lot_id: str = Id()
    lot_number: str = Field(min_length=1, max_length=64)
    presentation_id: str = Id()
    presentation_version: int = Field(ge=1)
    manufacture_date: date
    label_expiry_date: date
    funding_source: Literal["COVAX", "PURCHASE", "DONATION"]
    release_certificate_reference: str = Field(default="", max_length=128)


class LotDecisionRequest(Strict):
    scope: Literal["NATIONAL", "PROVINCE", "SITE"] = "NATIONAL"
    scope_id: str = Field(default="", max_length=64, description="province code or site id; empty for NATIONAL")
    reason: str = Field(min_length=1, max_length=500)
    authority: str = Field(min_length=1, max_length=64, description='e.g. "MOH", "DAV"')
    decision_reference: str = Field(default="", max_length=128)
    decided_at: AwareDatetime | None = Field(default=None, description="default: now")


class ExpiryExtensionRequest(Strict):
    new_expiry_date: date
    legal_basis: str = Field(min_length=1, max_length=200)
    required_storage_condition: Literal["FROZEN_ULTRA_COLD", "FROZEN", "REFRIGERATED", "ROOM"]
    required_min_celsius: str = ""
    required_max_celsius: str = ""
    extended_at: AwareDatetime | None = None


# -- ledger ---------------------------------------------------------------------------------------------


class ReceiptRequest(Strict):
    """Doses received at the national or a regional store from outside the supply tree."""

    location_id: str = Id()
    lot_id: str = Id()
    presentation_id: str = Id()
    doses: int = Field(description="whole doses received; positive, whole vials (INV-2)")
    vials: int = Field(description="whole vials received; positive (INV-2)")
    source: Literal["manufacturer", "covax", "donation", "purchase"]
    shipment_reference: str = Field(min_length=1, max_length=128)
    received_at: AwareDatetime
    storage_unit_id: str = Field(default="", max_length=64)
    vvm_stage: int = 1
    temperature_log_ok: bool = True


class AdjustmentRequest(Strict):
    location_id: str = Id()
    lot_id: str = Id()
    doses: int = Field(description="signed: negative removes stock; must agree with the reason (INV-5)")
    reason: Literal["EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN", "OTHER_DEBIT",
                    "FOUND", "RETURNED", "OTHER_CREDIT"]
    adjusted_at: AwareDatetime
    closed_vial: bool = Field(default=True, description="closed-vial stock moves in whole vials (INV-2)")
    evidence: str = Field(default="", max_length=200)


class DiscrepancyModel(Strict):
    reason: Literal["EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN", "FOUND",
                    "RECORDING_ERROR", "UNEXPLAINED"]
    doses: int = Field(description="signed; a line's reasons sum to counted - book balance (INV-7)")


class CountLineModel(Strict):
    lot_id: str = Id()
    counted_doses: int
    discrepancy_reasons: list[DiscrepancyModel] = Field(default_factory=list)


class CountRequest(Strict):
    location_id: str = Id()
    counted_at: AwareDatetime
    lines: list[CountLineModel]


class ReversalRequest(Strict):
    location_id: str = Id()
    lot_id: str = Id()
    reverses_event_id: str = Field(min_length=1, max_length=64, description="event id of the receipt or adjustment")
    reason: str = Field(min_length=1, max_length=500)
    reversed_at: AwareDatetime


class DispatchLineModel(Strict):
    lot_id: str = Id()
    doses: int
    vials: int | None = None


class DispatchRequest(Strict):
    shipment_id: str = Id()
    from_location_id: str = Id()
    to_location_id: str = Id()
    lines: list[DispatchLineModel]
    dispatched_at: AwareDatetime
    allocation_plan_id: str = Field(default="", max_length=64)
    allocation_line_id: str = Field(default="", max_length=64)
    transport_id: str = Field(default="", max_length=64)
    logger_ids: list[str] = Field(default_factory=list)


class DeliveryLineModel(Strict):
    lot_id: str = Id()
    accepted_doses: int
    rejected_doses: int = 0
    rejection_reason: Literal["", "DAMAGED", "VVM_DISCARD_POINT", "COLD_CHAIN_FAILURE", "EXPIRED", "WRONG_PRODUCT",
                              "SHORT_SHIPPED"] = ""
    vvm_stage: int = Field(default=0, ge=0, le=4)


class DeliveryRequest(Strict):
    received_at: AwareDatetime
    lines: list[DeliveryLineModel]
    storage_unit_id: str = Field(default="", max_length=64)


class ShipmentClosure(Strict):
    reason: str = Field(min_length=1, max_length=500)
    at: AwareDatetime


# -- cold chain -----------------------------------------------------------------------------------------


class StorageUnitRequest(Strict):
    storage_unit_id: str = Id()
    location_id: str = Id()
    unit_type: Literal["ULTRA_COLD_MINUS_80", "FREEZER_MINUS_20", "FRIDGE_2_8", "COLD_BOX"]
    logger_id: str = Field(default="", max_length=64)


class ExcursionRequest(Strict):
    excursion_id: str = Id()
    min_celsius: Decimal
    max_celsius: Decimal
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = Field(default=None, description="unset while the excursion goes on")
    alarm_type: Literal["HEAT_45C_1H", "HEAT_30C_10H_CUMULATIVE", "FREEZE_MINUS_0_5C_1H", "OTHER"]
    logger_id: str = Field(default="", max_length=64)


class LotAssessmentModel(Strict):
    lot_id: str = Id()
    decision: Literal["USABLE", "DISCARD"]
    rationale: str = Field(min_length=1, max_length=500)


class AssessmentRequest(Strict):
    assessments: list[LotAssessmentModel]
    assessed_at: AwareDatetime


class ThawRequest(Strict):
    location_id: str = Id()
    lot_id: str = Id()
    vials: int
    thawed_at: AwareDatetime
    storage_unit_id: str = Field(min_length=1, max_length=64, description="the 2-8 °C unit the vials go into")

