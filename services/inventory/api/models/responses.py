"""Response bodies and query-string models of the inventory API."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from services.inventory.api.models.base import Lazy

# -- responses ------------------------------------------------------------------------------------------


class CommandAccepted(Lazy):
    """What a write appended (empty ``event_ids`` when it changed nothing, e.g. a seed loaded twice)."""

    event_ids: list[str]
    aggregates: dict[str, int] = Field(description="aggregate id -> its version after the append")
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


class LocationQuery(Lazy):
    location_id: str


# -- queries --------------------------------------------------------------------------------------------


class StockQuery(Lazy):
    location_id: str | None = Field(default=None, description="only this location (required below national scope)")
    lot_id: str | None = Field(default=None, description="only this lot")
    presentation_id: str | None = Field(default=None, description="only this presentation")
    as_of: AwareDatetime | None = Field(default=None, description="balances as they stood at this time (default now)")


class StockCardQuery(Lazy):
    location_id: str
    lot_id: str


class ShipmentQuery(Lazy):
    location_id: str | None = Field(default=None, description="shipments from or to this location")
    status: Literal["DISPATCHED", "RECEIVED", "LOST", "RETURNED"] | None = Field(
        default=None, description="DISPATCHED = in transit")


class PickingQuery(Lazy):
    location_id: str
    presentation_id: str


class NearExpiryQuery(Lazy):
    location_id: str
    days: int = Field(default=30, ge=0, le=3650, description="horizon in days")


class WastageQuery(Lazy):
    location_id: str
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


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


class LocationsQuery(Lazy):
    kind: str | None = Field(default=None, description="NATIONAL_STORE | REGIONAL_STORE | PROVINCE_STORE | ...")
    province_code: str | None = Field(default=None, description="2-digit GSO province code")
    parent_id: str | None = None


class LotView(Lazy):
    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    manufacture_date: str
    label_expiry_date: str
    extended_expiry_date: str | None
    funding_source: str


class LotList(Lazy):
    items: list[LotView]


class LotsQuery(Lazy):
    presentation_id: str | None = None



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
