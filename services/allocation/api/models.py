"""Allocation request and response models: strict bodies, query strings, and what the routes answer.

Every field uses eventkit's validated types (:mod:`eventkit.web.models`), so what a request model accepts
is what every read model of the allocation topic can apply: text without control characters, dates and
times in 1900-2099, integers that fit the events' int32. Lists and maps are bounded so that no event nears
Kafka's 1 MB message limit (the relay would retry it forever).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from eventkit.web.models import (
    INT32_MAX,
    Code,
    Count,
    Day,
    Id,
    Moment,
    Quantity,
    QueryModel,
    StrictModel,
    line,
    text,
)

MANY = 1_000
RecordId = Annotated[Id, Field(max_length=64)]
"""A plan, line or session id chosen by a client."""
ProvinceCode = Annotated[line(2), Field(pattern=r"^([0-9]{2})?$")]
Weight = Annotated[float, Field(ge=0, le=1_000_000)]
"""Scales a unit's share: a negative or huge weight would empty or overflow a proposal."""
DoseNumber = Annotated[int, Field(ge=1, le=10)]
Series = Literal["PRIMARY", "ADDITIONAL", "BOOSTER"]
Level = Literal["NATIONAL", "PROVINCE"]
Comment = text(1000)
Reason = text(1000, min_length=1)
LegalReference = line(200, min_length=1)
Cohort = line(200)


# -- plans ------------------------------------------------------------------------------------------------
class LineBody(StrictModel):
    line_id: RecordId | None = Field(default=None, description="default: L-<recipient_unit_id>")
    recipient_unit_id: Id
    doses: Quantity = Field(description="whole vials of the presentation")
    use_by_date: Day | None = Field(default=None, description="default: the plan's completion deadline")
    series: Series = "PRIMARY"
    dose_number: DoseNumber = 1
    target_group_codes: list[Code] = Field(default=[], max_length=50)


class DraftBody(StrictModel):
    plan_id: RecordId | None = Field(default=None, description="default: AP-<12 hex>")
    level: Level
    province_code: ProvinceCode = Field(default="", description="the issuing province of a PROVINCE plan")
    source_location_id: Id | None = Field(default=None, description="default: the national / province store")
    presentation_id: Id
    lot_ids: list[Id] = Field(default=[], max_length=100, description="pinned lots; empty = any usable lot")
    method: Literal["POPULATION", "PRIORITY_WEIGHTED", "PROGRESS", "MANUAL"]
    total_doses: Count = Field(default=0, description="what a proposal splits (ignored for MANUAL)")
    funding_source: Literal["COVAX", "PURCHASE", "DONATION"]
    legal_reference: LegalReference
    completion_deadline_date: Day
    use_by_date: Day | None = None
    series: Series = "PRIMARY"
    dose_number: DoseNumber = 1
    target_group_codes: list[Code] = Field(default=[], max_length=50)
    recipients: list[Id] = Field(default=[], max_length=MANY, description="proposal only among these; empty = all")
    group_weights: dict[Code, Weight] = Field(default={}, max_length=50)
    unit_weights: dict[Id, Weight] = Field(default={}, max_length=MANY)
    fixed_quotas: dict[Id, Quantity] = Field(default={}, max_length=MANY,
                                             description="doses for special units, off the top")
    lines: list[LineBody] = Field(default=[], max_length=MANY, description="MANUAL plans: the lines")

    @model_validator(mode="after")
    def _province_plans_name_their_province(self):
        if self.level == "PROVINCE" and len(self.province_code) != 2:
            raise ValueError("a PROVINCE plan names its 2-digit province_code")
        return self


class CommentBody(StrictModel):
    comment: Comment = ""


class AmendBody(StrictModel):
    line_id: RecordId
    delta_doses: Annotated[int, Field(ge=-INT32_MAX, le=INT32_MAX,
                                      description="signed change; the plan needs approval again")]
    reason: Reason


class ReleaseLine(StrictModel):
    line_id: RecordId
    doses: Quantity


class ReleaseBody(StrictModel):
    lines: list[ReleaseLine] = Field(default=[], max_length=MANY,
                                     description="partial release per line; empty = all that is left")


class PlanQuery(QueryModel):
    status: Literal["DRAFT", "SUBMITTED", "APPROVED", "RELEASED", "CANCELLED"] | None = None
    presentation_id: Id | None = None


# -- sessions and reserves --------------------------------------------------------------------------------
class SessionBody(StrictModel):
    session_id: RecordId
    site_id: Id
    session_date: Day
    starts_at: Moment
    ends_at: Moment
    injection_tables: Annotated[int, Field(ge=1, le=100)]
    presentation_id: Id
    planned_persons: Quantity
    planned_doses: Quantity
    priority_group_codes: list[Code] = Field(default=[], max_length=50)
    target_series: Series = "PRIMARY"
    target_dose_numbers: list[DoseNumber] = Field(default=[], max_length=10)


class DispenseLine(StrictModel):
    lot_id: Id
    doses: Quantity
    vials: Quantity


class DispenseBody(StrictModel):
    lines: list[DispenseLine] = Field(min_length=1, max_length=100)


class ReserveBody(StrictModel):
    unit_id: Id
    presentation_id: Id
    cohort: Cohort = ""
    held_at_location_id: Id | None = Field(default=None, description="default: the national store")


# -- read models ------------------------------------------------------------------------------------------
class SupplyQuery(QueryModel):
    location_id: Id = Field(description="the store")
    presentation_id: Id = Field(description="the product")


class SiteQuery(QueryModel):
    site_id: Id = Field(description="the vaccination site")


class DemandQuery(QueryModel):
    level: Level = Field(description="NATIONAL (provinces and special units) or PROVINCE (its districts)")
    province_code: ProvinceCode = Field(default="", description="for PROVINCE")


# -- responses --------------------------------------------------------------------------------------------
class Accepted(BaseModel):
    id: str
    event_ids: list[str]
    versions: dict[str, int]
    status: str | None = Field(default=None, description="plans: the plan's status after the command")
    reserved_doses: int | None = Field(default=None, description="reserves: the doses now reserved")


class PlanLine(BaseModel):
    line_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    doses: int
    released: int
    series: str
    dose_number: int
    use_by_date: date
    target_group_codes: list[str]


class PlanView(BaseModel):
    plan_id: str
    status: str
    level: str
    issuing_province_code: str
    source_location_id: str
    presentation_id: str
    lot_ids: list[str]
    method: str
    total_doses: int
    submitted_by: str
    approved_by: str
    lines: list[PlanLine]


class PlanList(BaseModel):
    items: list[PlanView]
