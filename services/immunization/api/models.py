"""Request and response models of the immunization API.

Request bodies derive from :class:`~eventkit.web.models.StrictModel` (unknown fields refused, nothing coerced)
and every string, time, date and integer uses eventkit's validated field types, so whatever a request
carries can be stored, relayed and applied by every projection (issue 9). Tighter bounds are added where
the domain has them. Every list and string is bounded: an event stays far below Kafka's 1 MB message limit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from eventkit.web.models import Code, Count, Day, Id, Moment, Quantity, QueryModel, StrictModel, line, text

ItemId = Annotated[Id, Field(max_length=80)]
Series = Literal["PRIMARY", "ADDITIONAL", "BOOSTER"]
Level = Literal["DISTRICT", "PROVINCE", "NATIONAL"]
Reason = line(300, min_length=1)


class Staff(StrictModel):
    actor_id: ItemId
    role: Literal["VACCINATOR", "SCREENER", "RECORDER", "SUPERVISOR", "OBSERVER"]


class OpenSessionRequest(StrictModel):
    opened_at: Moment
    staff: list[Staff] = Field(default_factory=list, max_length=50)


class CloseSessionRequest(StrictModel):
    closed_at: Moment
    discard_open_vials: bool = Field(False, description="discard every vial still open (reason SESSION_CLOSED) "
                                                        "in the same append; without it an open vial is a 422 INV-27")


class OpenVialRequest(StrictModel):
    vial_opening_id: ItemId | None = None
    lot_id: ItemId
    opened_at: Moment


class DiscardVialRequest(StrictModel):
    discarded_at: Moment
    reason: Literal["EMPTY", "WINDOW_ELAPSED", "SESSION_CLOSED", "CONTAMINATED", "BROKEN"]
    residual_doses: Count | None = Field(None, description="if given, must equal doses in vial - doses drawn")


class CheckInRequest(StrictModel):
    visit_id: ItemId | None = None
    identity_method: Literal["QR", "ID_DOCUMENT"]
    qr_token: line(200) | None = None
    document_kind: Literal["CITIZEN_ID", "PASSPORT", "OTHER"] | None = None
    document_number: line(40) | None = None
    presence_code: Annotated[line(6), Field(pattern=r"^[0-9]{6}$")] | None = Field(
        None, description="the code the person's app shows")
    presence_override_reason: line(300) | None = Field(None, description="required without a code")
    checked_in_at: Moment


class VitalsModel(StrictModel):
    temperature_celsius: Decimal | None = Field(None, ge=30, le=45, decimal_places=2)
    pulse_per_minute: Annotated[Count, Field(le=300)] = 0
    systolic_mmhg: Annotated[Count, Field(le=300)] = 0
    diastolic_mmhg: Annotated[Count, Field(le=200)] = 0
    respiratory_rate_per_minute: Annotated[Count, Field(le=100)] = 0
    spo2_percent: Annotated[Count, Field(le=100)] = 0


class Answer(StrictModel):
    question_code: line(60, min_length=1)
    answer: line(60)


class ScreeningRequest(StrictModel):
    vitals: VitalsModel
    answers: list[Answer] = Field(default_factory=list, max_length=100)
    pregnancy_weeks: Annotated[Count, Field(le=45)] | None = None
    screened_at: Moment


class Accepted(BaseModel):
    """The standard answer of a command (``id``, ``event_ids``, ``versions``) and the ids it concerns."""

    id: str
    event_ids: list[str]
    versions: dict[str, int]
    session_id: str | None = None
    visit_id: str | None = None
    vial_opening_id: str | None = None
    dose_id: str | None = None
    person_id: str | None = None
    aefi_id: str | None = None


class VialOpenedResult(Accepted):
    opened_at: str
    discard_at: str = Field(description="when the vial must be discarded: min(opened + the presentation's open-vial "
                                        "window, the session's end, the lot's effective expiry), as decided (INV-26)")
    doses_in_vial: int


class ScreeningResult(Accepted):
    outcome: str
    ruleset_id: str
    postponed_until_date: str | None
    postponed_until_condition: str
    contraindicated_products: list[str]


class Override(StrictModel):
    reason: Reason
    approver_id: ItemId


class DoseRequest(StrictModel):
    dose_id: ItemId | None = None
    vial_opening_id: ItemId
    lot_id: ItemId | None = None
    series: Series
    dose_number: Annotated[Quantity, Field(le=20)]
    administered_at: Moment
    volume_ml: Decimal | None = Field(None, gt=0, le=2, decimal_places=2)
    route: Literal["IM", "SC", "ID"] = "IM"
    body_site: Literal["LEFT_DELTOID", "RIGHT_DELTOID", "LEFT_THIGH", "RIGHT_THIGH"] = "LEFT_DELTOID"
    heterologous_consent: bool = False
    interval_override: Override | None = None


class NotAdministeredRequest(StrictModel):
    reason: Literal["REFUSED", "POSTPONED", "CONTRAINDICATED", "STOCK_OUT"]
    recorded_at: Moment


class ObservationRequest(StrictModel):
    started_at: Moment | None = None
    ended_at: Moment
    outcome: Literal["NO_REACTION", "MINOR_REACTION", "AEFI_REPORTED"]


class HistoricalDoseRequest(StrictModel):
    dose_id: ItemId | None = None
    product: line(40, min_length=1) = Field(description="vaccine code (CVX) or product name")
    lot_number: line(40) = ""
    administered_date: Day
    country: Annotated[Code, Field(pattern=r"^[A-Za-z]{2}$")]
    source: Literal["FOREIGN_CERTIFICATE", "PAPER_CARD", "OTHER_REGISTRY"]
    series: Series
    dose_number: Annotated[Quantity, Field(le=20)]


class EnteredInErrorRequest(StrictModel):
    reverses_event_id: ItemId
    reason: Reason


class Change(StrictModel):
    field: Code
    old_value: line(100)
    new_value: line(100)


class CorrectionRequest(StrictModel):
    reverses_event_id: ItemId
    changes: list[Change] = Field(min_length=1, max_length=20)
    reason: Reason


class AefiRequest(StrictModel):
    aefi_id: ItemId | None = None
    person_id: ItemId
    dose_ids: list[ItemId] = Field(min_length=1, max_length=10)
    onset_at: Moment
    symptoms: list[line(200, min_length=1)] = Field(min_length=1, max_length=30)
    serious: bool
    seriousness_criteria: list[Code] = Field(default_factory=list, max_length=10)
    outcome: line(40)
    source: Literal["SITE_OBSERVATION", "SELF_REPORT", "HOSPITAL"]
    died_at: Moment | None = None
    reported_at: Moment | None = Field(None, description="when the report was received, if earlier than now "
                                                         "(a paper form entered later); default now")


class InvestigationRequest(StrictModel):
    level: Level


class ClassificationRequest(StrictModel):
    level: Level
    causality: Annotated[Code, Field(max_length=20)] = Field(
        description="WHO code: A1 A2 A3 A4 B1 B2 C UNCLASSIFIABLE")
    rationale: text(2000) = ""


class BatchItemModel(StrictModel):
    sequence: Count = Field(description="the device's local sequence number (idempotency key with device id)")
    kind: Literal["check_in", "screening", "vial_open", "vial_discard", "dose", "not_administered", "observation"]
    session_id: ItemId | None = None
    visit_id: ItemId | None = None
    vial_opening_id: ItemId | None = None
    body: dict = Field(description="the request body of the item's kind, validated per item: an invalid one is "
                                   "rejected with the field it names (prefixed with body.)")


class BatchRequest(StrictModel):
    items: list[BatchItemModel] = Field(min_length=1, max_length=1000)


class BatchItemResult(BaseModel):
    sequence: int
    status: Literal["accepted", "replayed", "rejected"]
    response: dict | None = None
    rule: str | None = None
    field: str | None = None
    detail: str | None = None
    http_status: int | None = None


class BatchResult(BaseModel):
    device_id: str
    accepted: int
    replayed: int
    rejected: int
    items: list[BatchItemResult]


class CheckInPass(BaseModel):
    person_id: str
    session_id: str
    qr_token: str
    presence_code: str


# -- query strings ---------------------------------------------------------------------------------------------
class PurposeQuery(QueryModel):
    purpose: Literal["CARE", "CERTIFICATE_CHECK", "SUPPORT", "INVESTIGATION", "ADMINISTRATION"] | None = Field(
        None, description="staff: why they read (or the X-Purpose header); citizens need none")


class SessionQuery(QueryModel):
    session_id: ItemId = Field(description="the session the presence code is for")


class AsOfQuery(QueryModel):
    as_of: Day | None = Field(None, description="default: today")


class DosesQuery(QueryModel):
    level: Literal["site", "district", "province"]
    code: Annotated[Id, Field(max_length=80)] = Field(description="site id, 3-digit district code or 2-digit "
                                                                  "province code")
    date_from: Day
    date_to: Day


class RatesQuery(QueryModel):
    by: Literal["product", "lot"] = "product"


class DistrictQuery(QueryModel):
    district_code: Code


class SiteSessionsQuery(QueryModel):
    date: Day = Field(description="the session day (YYYY-MM-DD, in the campaign's zone)")
    limit: Annotated[Quantity, Field(le=500)] = 100
    offset: Annotated[Count, Field(le=1_000_000)] = 0


class PathIds(StrictModel):
    """Every id a route's path carries (``/visits/<visit_id>/...``): checked before anything looks it up."""

    model_config = StrictModel.model_config | {"extra": "ignore"}
    session_id: ItemId | None = None
    visit_id: ItemId | None = None
    vial_opening_id: ItemId | None = None
    person_id: ItemId | None = None
    dose_id: ItemId | None = None
    aefi_id: ItemId | None = None
    site_id: ItemId | None = None
    device_id: ItemId | None = None
    district_code: Code | None = None



# -- responses of the reads ------------------------------------------------------------------------------------
class Items(BaseModel):
    items: list[dict]


class NextDose(BaseModel):
    person_id: str
    series: str
    dose_number: int
    earliest_date: date
    due_date: date
    latest_date: date | None
    allowed_products: list[str] = Field(description="schedule product keys; empty = any eligible product")
    schedule_rule_id: str


class SiteSession(BaseModel):
    session_id: str
    site_id: str
    session_date: date
    starts_at: str
    ends_at: str
    presentation_id: str
    vaccine_code: str | None = Field(description="the presentation's vaccine code (null until it is known here)")
    status: Literal["PLANNED", "OPEN", "CLOSED"] = Field(description="PLANNED until the opening is projected")
    opened_at: str | None = None
    closed_at: str | None = None


class SiteSessions(BaseModel):
    site_id: str
    date: date
    total: int = Field(description="sessions of the site that day (all pages)")
    limit: int
    offset: int
    items: list[SiteSession]


class DaySheet(BaseModel):
    session_id: str
    status: str = Field(description="OPEN | CLOSED | UNKNOWN (not opened yet, or not yet projected)")
    opened_at: str | None = None
    closed_at: str | None = None
    totals: dict = Field(description="checked_in, screened, outcomes (per outcome), vaccinated, postponed, "
                                     "observed, doses_opened, doses_drawn, open_vial_wastage, usage_rate_percent")
    visits: list[dict]
    vials: list[dict]
