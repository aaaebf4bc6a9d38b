"""Request bodies of the inventory API: :class:`~eventkit.web.models.StrictModel` with bounded field types.

Whatever these models accept, the event store can hold and every projection can apply: text is ``Line``
(no control characters, bounded), times are ``Moment`` (with a zone, 1900-2099), dates ``Day``, integers and
decimals are bounded. Signs and business ranges (positive doses, whole vials, a VVM stage) stay the
decisions' business, so they keep answering with the invariant they enforce (INV-2, INV-5, INV-12 ...).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from eventkit.web.models import Day, Id, Moment, Quantity, StrictModel, line

LocalId = Annotated[Id, Field(max_length=64)]
"""An id of this service (location, lot, shipment, storage unit ...): letters, digits and ``. _ : -``."""
OptionalId = Annotated[str, Field(max_length=64, pattern=r"^([A-Za-z0-9][A-Za-z0-9._:\-]*)?$")]
"""A :data:`LocalId` or empty (not named)."""
MAX_DOSES = 100_000_000
Doses = Annotated[int, Field(ge=-MAX_DOSES, le=MAX_DOSES)]
"""A whole number of doses (or vials), at most 10^8 either way; its sign is the decision's business."""
Celsius = Annotated[Decimal, Field(ge=-100, le=100, max_digits=6, decimal_places=2)]
Millilitres = Annotated[Decimal, Field(ge=0, le=100, max_digits=8, decimal_places=4)]
Small = Annotated[int, Field(ge=0, le=1000)]
"""Counts of a presentation's properties: days, hours, years, doses in a series ..."""
CelsiusText = Annotated[str, Field(max_length=8, pattern=r"^(-?\d{1,3}(\.\d{1,2})?)?$")]
StorageCondition = Literal["FROZEN_ULTRA_COLD", "FROZEN", "REFRIGERATED", "ROOM"]
Reason = line(500, min_length=1)

# -- reference data -------------------------------------------------------------------------------------


class SeedRequest(StrictModel):
    version: Annotated[int, Field(ge=1, le=999)] = Field(
        default=1, description="which services/inventory/seed/reference.v<N>.json to load")


class LocationRequest(StrictModel):
    location_id: LocalId
    kind: Literal["NATIONAL_STORE", "REGIONAL_STORE", "PROVINCE_STORE", "DISTRICT_STORE", "SITE", "SPECIAL_UNIT"]
    name: line(200, min_length=1)
    parent_id: OptionalId = ""
    province_code: line(2) = ""
    district_code: line(3) = ""
    commune_code: line(5) = ""
    supplied_by: list[LocalId] = Field(default_factory=list, max_length=20,
                                       description="locations allowed to issue to this one (INV-4)")
    storage_capabilities: list[Literal["ULTRA_COLD", "FROZEN", "FRIDGE"]] = Field(
        default_factory=lambda: ["FRIDGE"], max_length=3)
    active_from: Day
    hospital_capable: bool = False
    injection_tables: Small = 0
    special_unit_type: Literal["", "ARMY", "POLICE", "HOSPITAL", "INSTITUTE", "OTHER"] = ""


class DeactivationRequest(StrictModel):
    active_until: Day = Field(description="the last day the location operates")
    reason: Reason


class StorageRangeModel(StrictModel):
    condition: StorageCondition
    min_celsius: Celsius
    max_celsius: Celsius
    max_days: Small = 0


class PresentationRequest(StrictModel):
    presentation_id: LocalId
    version: Quantity = Field(description="1, 2, 3 ...; an existing version is never rewritten (INV-35)")
    vaccine_code: line(32, min_length=1)
    vaccine_code_system: Literal["CVX", "NATIONAL"] = "CVX"
    brand: line(100, min_length=1)
    manufacturer: line(100, min_length=1)
    doses_per_vial: Small
    dose_volume_ml: Millilitres
    storage_ranges: list[StorageRangeModel] = Field(max_length=8)
    diluent_product_code: line(64) = ""
    diluent_volume_ml: Millilitres | None = None
    thaw_beyond_use_days: Small = 0
    refreeze_allowed: bool = False
    open_vial_window_hours: Small = 6
    has_vvm: bool = False
    min_age_years: Small = 18
    components: list[line(64, min_length=1)] = Field(default_factory=list, max_length=10)
    series_doses: Small = 2
    extra_doses_allowed: Small = 0
    platform: Literal["", "MRNA", "VIRAL_VECTOR", "INACTIVATED", "PROTEIN_SUBUNIT"] = ""


class LotRequest(StrictModel):
    lot_id: LocalId
    lot_number: line(64, min_length=1)
    presentation_id: LocalId
    presentation_version: Quantity
    manufacture_date: Day
    label_expiry_date: Day
    funding_source: Literal["COVAX", "PURCHASE", "DONATION"]
    release_certificate_reference: line(128) = ""


class LotDecisionRequest(StrictModel):
    scope: Literal["NATIONAL", "PROVINCE", "SITE"] = "NATIONAL"
    scope_id: OptionalId = Field(default="", description="province code or site id; empty for NATIONAL")
    reason: Reason
    authority: line(64, min_length=1) = Field(description='e.g. "MOH", "DAV"')
    decision_reference: line(128) = ""
    decided_at: Moment | None = Field(default=None, description="default: now")


class ExpiryExtensionRequest(StrictModel):
    new_expiry_date: Day
    legal_basis: line(200, min_length=1)
    required_storage_condition: StorageCondition
    required_min_celsius: CelsiusText = ""
    required_max_celsius: CelsiusText = ""
    extended_at: Moment | None = None


# -- ledger ---------------------------------------------------------------------------------------------


class ReceiptRequest(StrictModel):
    """Doses received at the national or a regional store from outside the supply tree."""

    location_id: LocalId
    lot_id: LocalId
    presentation_id: LocalId
    doses: Doses = Field(description="whole doses received; positive, whole vials (INV-2)")
    vials: Doses = Field(description="whole vials received; positive (INV-2)")
    source: Literal["manufacturer", "covax", "donation", "purchase"]
    shipment_reference: line(128, min_length=1)
    received_at: Moment
    storage_unit_id: OptionalId = ""
    vvm_stage: Annotated[int, Field(ge=0, le=4)] = 1
    temperature_log_ok: bool = True


class AdjustmentRequest(StrictModel):
    location_id: LocalId
    lot_id: LocalId
    doses: Doses = Field(description="signed: negative removes stock; must agree with the reason (INV-5)")
    reason: Literal["EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN", "OTHER_DEBIT",
                    "FOUND", "RETURNED", "OTHER_CREDIT"]
    adjusted_at: Moment
    closed_vial: bool = Field(default=True, description="closed-vial stock moves in whole vials (INV-2)")
    evidence: line(200) = ""


class DiscrepancyModel(StrictModel):
    reason: Literal["EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE", "VVM_DISCARD_POINT", "LOST", "STOLEN", "FOUND",
                    "RECORDING_ERROR", "UNEXPLAINED"]
    doses: Doses = Field(description="signed; a line's reasons sum to counted - book balance (INV-7)")


class CountLineModel(StrictModel):
    lot_id: LocalId
    counted_doses: Doses
    discrepancy_reasons: list[DiscrepancyModel] = Field(default_factory=list, max_length=10)


class CountRequest(StrictModel):
    location_id: LocalId
    counted_at: Moment
    lines: list[CountLineModel] = Field(max_length=500)


class ReversalRequest(StrictModel):
    location_id: LocalId
    lot_id: LocalId
    reverses_event_id: UUID = Field(description="event id of the receipt or adjustment")
    reason: Reason
    reversed_at: Moment


class DispatchLineModel(StrictModel):
    lot_id: LocalId
    doses: Doses
    vials: Doses | None = None


class DispatchRequest(StrictModel):
    shipment_id: LocalId
    from_location_id: LocalId
    to_location_id: LocalId
    lines: list[DispatchLineModel] = Field(max_length=100)
    dispatched_at: Moment
    allocation_plan_id: OptionalId = ""
    allocation_line_id: OptionalId = ""
    transport_id: OptionalId = ""
    logger_ids: list[LocalId] = Field(default_factory=list, max_length=20)
    session_id: OptionalId = Field("", description=(
        "the session whose dispensation (allocation's SessionStockDispensed) this shipment carries to its site: "
        "a shipment to a site cites one, or an allocation line (INV-17), within the dispensed lots and doses "
        "(INV-15)"))


class DeliveryLineModel(StrictModel):
    lot_id: LocalId
    accepted_doses: Doses
    rejected_doses: Doses = 0
    rejection_reason: Literal["", "DAMAGED", "VVM_DISCARD_POINT", "COLD_CHAIN_FAILURE", "EXPIRED", "WRONG_PRODUCT",
                              "SHORT_SHIPPED"] = ""
    vvm_stage: Annotated[int, Field(ge=0, le=4)] = 0


class DeliveryRequest(StrictModel):
    received_at: Moment
    lines: list[DeliveryLineModel] = Field(max_length=100)
    storage_unit_id: OptionalId = ""


class ShipmentClosure(StrictModel):
    reason: Reason
    at: Moment


# -- cold chain -----------------------------------------------------------------------------------------


class StorageUnitRequest(StrictModel):
    storage_unit_id: LocalId
    location_id: LocalId
    unit_type: Literal["ULTRA_COLD_MINUS_80", "FREEZER_MINUS_20", "FRIDGE_2_8", "COLD_BOX"]
    logger_id: line(64) = ""


class ExcursionRequest(StrictModel):
    excursion_id: LocalId
    min_celsius: Celsius
    max_celsius: Celsius
    started_at: Moment
    ended_at: Moment | None = Field(default=None, description="unset while the excursion goes on")
    alarm_type: Literal["HEAT_45C_1H", "HEAT_30C_10H_CUMULATIVE", "FREEZE_MINUS_0_5C_1H", "OTHER"]
    logger_id: line(64) = ""


class LotAssessmentModel(StrictModel):
    lot_id: LocalId
    decision: Literal["USABLE", "DISCARD"]
    rationale: Reason


class AssessmentRequest(StrictModel):
    assessments: list[LotAssessmentModel] = Field(max_length=100)
    assessed_at: Moment


class ThawRequest(StrictModel):
    location_id: LocalId
    lot_id: LocalId
    vials: Doses
    thawed_at: Moment
    storage_unit_id: LocalId = Field(description="the 2-8 °C unit the vials go into")

