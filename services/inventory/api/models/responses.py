"""Response bodies of the inventory API (documentation of what the routes answer; never used to parse)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Lazy(BaseModel):
    # defer_build: schemas are built on first use (the OpenAPI document), not at import.
    model_config = ConfigDict(defer_build=True)

# -- responses ------------------------------------------------------------------------------------------


class CommandAccepted(Lazy):
    """What a write appended (empty ``event_ids`` when it changed nothing, e.g. a seed loaded twice)."""

    id: str = Field(description="the main aggregate id of the command")
    event_ids: list[str]
    versions: dict[str, int] = Field(description="aggregate id -> its version after the append")
    stock_item_id: str | None = None
    shipment_id: str | None = None
    aggregate_id: str | None = None
    seed_version: int | None = None
    appended: int | None = None


class StockRow(Lazy):
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    usable_doses: int
    blocked_doses: int
    status: str = Field(description="USABLE | SUSPENDED | RECALLED | QUARANTINED | COLD_CHAIN_DISCARD | EXPIRED | VVM_DISCARD")
    effective_expiry: str | None
    vvm_stage: int


class StockList(Lazy):
    as_of: str
    items: list[StockRow]


class StockCardLine(Lazy):
    event_id: str
    occurred_at: str
    kind: str
    doses: int
    vials: int
    reason: str
    reference: str
    counterpart: str
    balance: int


class StockCard(Lazy):
    location_id: str
    lot_id: str
    lines: list[StockCardLine]


class ShipmentLineView(Lazy):
    lot_id: str
    doses: int
    vials: int
    accepted_doses: int | None
    rejected_doses: int | None
    rejection_reason: str


class ShipmentView(Lazy):
    shipment_id: str
    from_location_id: str
    to_location_id: str
    presentation_id: str
    status: str
    dispatched_at: str
    closed_at: str | None
    allocation_plan_id: str
    allocation_line_id: str
    session_id: str = Field(description="the session whose dispensation the shipment carries to its site, if any")
    open_excursions: int = Field(description="transport excursions not yet assessed (delivery waits, INV-13)")
    lines: list[ShipmentLineView]


class ShipmentList(Lazy):
    items: list[ShipmentView]


class NearExpiryRow(StockRow):
    days_to_expiry: int
    daily_burn_rate: float
    days_of_supply: float | None
    doses_at_risk: int


class NearExpiryList(Lazy):
    items: list[NearExpiryRow]


class Wastage(Lazy):
    location_id: str
    closed_vial_wastage_doses: int
    closed_vial_wastage_by_reason: dict[str, int]
    doses_supplied: int
    closed_vial_wastage_rate: float | None
    doses_opened: int = Field(description="doses in vials opened at the location (immunization topic)")
    doses_administered: int
    open_vial_wastage_doses: int = Field(description="residual doses of discarded open vials")
    usage_rate: float | None = Field(description="administered / opened x 100")
    wastage_rate: float | None = Field(description="100 - usage rate")
    wastage_factor: float | None = Field(description="100 / (100 - wastage rate)")


class Discrepancy(Lazy):
    location_id: str
    lot_id: str
    source: str
    source_event_id: str
    reference_id: str
    doses: int
    balance_doses: int
    reason: str
    detail: str
    consumed_at: str
    stock_decremented: bool = Field(description="true when a blocked or expired lot was used (applied, flagged)")


class DiscrepancyList(Lazy):
    items: list[Discrepancy]


# -- catalogue reads ------------------------------------------------------------------------------------


class LocationView(Lazy):
    location_id: str
    kind: str
    name: str
    parent_id: str
    province_code: str
    district_code: str
    supplied_by: list[str]
    storage_capabilities: list[str]
    active_from: str
    active_until: str | None = Field(description="set once deactivated: no movement after this day")


class LocationList(Lazy):
    items: list[LocationView]


class LotDecisionView(Lazy):
    reason: str
    decision_reference: str


class LotView(Lazy):
    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    manufacture_date: str
    label_expiry_date: str
    extended_expiry_date: str | None
    funding_source: str
    national_status: str
    """RELEASED | SUSPENDED | RECALLED: the latest national decision (none: RELEASED)."""
    national_decision: LotDecisionView | None
    """The reason and reference of that decision (a lot review opened by an AEFI: ``AEFI:<aefi id>``)."""


class LotList(Lazy):
    items: list[LotView]


class PresentationView(Lazy):
    presentation_id: str
    version: int
    brand: str
    manufacturer: str
    doses_per_vial: int
    storage: str = Field(description="long-term storage condition of the unopened product")
    has_vvm: bool


class PresentationList(Lazy):
    items: list[PresentationView]


class ProvinceStock(Lazy):
    province_code: str = Field(description="2-digit GSO code of the locations holding the stock; NATIONAL = national store")
    doses: int
    usable_doses: int
    blocked_doses: int
    administered_7d: int = Field(description="doses administered at the province's sites in the last 7 campaign days")
    days_of_supply: float | None = Field(description="usable doses / (administered_7d / 7); null without use")
    doses_opened_30d: int
    administered_30d: int
    open_vial_wastage_30d: int = Field(description="residual doses of open vials discarded in the last 30 days")
    closed_vial_wastage_30d: int = Field(description="closed-vial debit adjustments in the last 30 days")
    wastage_rate_30d: float | None = Field(description="100 - administered / opened x 100 over 30 days")


class BlockedLot(Lazy):
    lot_id: str
    scope: str = Field(description="NATIONAL | PROVINCE | SITE")
    scope_id: str
    status: str = Field(description="SUSPENDED | RECALLED (the latest decision of that scope)")
    reason: str
    decided_at: str


class ProvinceReport(Lazy):
    as_of: str
    items: list[ProvinceStock]
    blocked_lots: list[BlockedLot]
