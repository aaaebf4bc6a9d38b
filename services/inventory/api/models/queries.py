"""Query-string models of the inventory read routes (:class:`~eventkit.web.models.QueryModel`: unknown
parameters are refused, every value is bounded)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from eventkit.web.models import Code, Moment, QueryModel
from services.inventory.api.models.requests import LocalId


class StockQuery(QueryModel):
    location_id: LocalId | None = Field(default=None, description="only this location (required below national scope)")
    lot_id: LocalId | None = Field(default=None, description="only this lot")
    presentation_id: LocalId | None = Field(default=None, description="only this presentation")
    as_of: Moment | None = Field(default=None, description="balances as they stood at this time (default now)")


class StockCardQuery(QueryModel):
    location_id: LocalId
    lot_id: LocalId


class ShipmentQuery(QueryModel):
    location_id: LocalId | None = Field(default=None, description="shipments from or to this location")
    status: Literal["DISPATCHED", "RECEIVED", "LOST", "RETURNED"] | None = Field(
        default=None, description="DISPATCHED = in transit")


class PickingQuery(QueryModel):
    location_id: LocalId
    presentation_id: LocalId


class NearExpiryQuery(QueryModel):
    location_id: LocalId
    days: Annotated[int, Field(ge=0, le=3650)] = Field(default=30, description="horizon in days")


class WastageQuery(QueryModel):
    location_id: LocalId
    since: Moment | None = None
    until: Moment | None = None


class LocationQuery(QueryModel):
    location_id: LocalId


class LocationsQuery(QueryModel):
    kind: Code | None = Field(default=None, description="NATIONAL_STORE | REGIONAL_STORE | PROVINCE_STORE | ...")
    province_code: Annotated[str, Field(pattern=r"^\d{2}$")] | None = Field(
        default=None, description="2-digit GSO province code")
    parent_id: LocalId | None = None


class LotsQuery(QueryModel):
    presentation_id: LocalId | None = None


class ProvincesQuery(QueryModel):
    province_code: Annotated[str, Field(pattern=r"^(\d{2}|NATIONAL)$")] | None = Field(
        default=None, description="only this province (2-digit GSO code; NATIONAL = the national store); "
                                  "required below national scope")
