"""Request and response models of the immunization API (pydantic; unknown fields are rejected)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

Id = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:\-]+$")
OptionalId = Field(default=None, min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:\-]+$")
# Every list and string of a request is bounded: an event must stay far below Kafka's 1 MB message limit,
# or the relay would retry it forever and hold back every later event of the service.
ItemId = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:\-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=40)]


EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime) -> datetime:
    # Far-off instants (year 1 at +14:00) overflow when converted to local time or to a protobuf Timestamp.
    if not EARLIEST <= moment < LATEST:
        raise ValueError("a time between 2000 and 2100 is expected")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Staff(Strict):
    actor_id: str = Id
    role: Literal["VACCINATOR", "SCREENER", "RECORDER", "SUPERVISOR", "OBSERVER"]


class OpenSessionRequest(Strict):
    opened_at: Moment
    staff: list[Staff] = Field(default_factory=list, max_length=50)


class CloseSessionRequest(Strict):
    closed_at: Moment
    discard_open_vials: bool = Field(False, description="discard every vial still open (reason SESSION_CLOSED) "
                                                        "in the same append; without it an open vial is a 422 INV-27")


class OpenVialRequest(Strict):
    vial_opening_id: str | None = OptionalId
    lot_id: str = Id
    opened_at: Moment


class DiscardVialRequest(Strict):
    discarded_at: Moment
    reason: Literal["EMPTY", "WINDOW_ELAPSED", "SESSION_CLOSED", "CONTAMINATED", "BROKEN"]
    residual_doses: int | None = Field(None, ge=0, description="if given, must equal doses in vial - doses drawn")


class CheckInRequest(Strict):
    visit_id: str | None = OptionalId
    identity_method: Literal["QR", "ID_DOCUMENT"]
    qr_token: str | None = Field(None, max_length=200)
    document_kind: Literal["CITIZEN_ID", "PASSPORT", "OTHER"] | None = None
    document_number: str | None = Field(None, max_length=40)
    presence_code: str | None = Field(None, pattern=r"^\d{6}$", description="the code the person's app shows")
    presence_override_reason: str | None = Field(None, max_length=300, description="required without a code")
    checked_in_at: Moment


class VitalsModel(Strict):
    temperature_celsius: Decimal | None = Field(None, ge=30, le=45)
    pulse_per_minute: int = Field(0, ge=0, le=300)
    systolic_mmhg: int = Field(0, ge=0, le=300)
    diastolic_mmhg: int = Field(0, ge=0, le=200)
    respiratory_rate_per_minute: int = Field(0, ge=0, le=100)
    spo2_percent: int = Field(0, ge=0, le=100)


class Answer(Strict):
    question_code: str = Field(min_length=1, max_length=60)
    answer: str = Field(max_length=60)


class ScreeningRequest(Strict):
    vitals: VitalsModel
    answers: list[Answer] = Field(default_factory=list, max_length=100)
    pregnancy_weeks: int | None = Field(None, ge=0, le=45)
    screened_at: Moment


class ScreeningResult(BaseModel):
    visit_id: str
    event_ids: list[str]
    outcome: str
    ruleset_id: str
    postponed_until_date: str | None
    postponed_until_condition: str
    contraindicated_products: list[str]


class Override(Strict):
    reason: str = Field(min_length=1, max_length=300)
    approver_id: str = Id


class DoseRequest(Strict):
    dose_id: str | None = OptionalId
    vial_opening_id: str = Id
    lot_id: str | None = OptionalId
    series: Literal["PRIMARY", "ADDITIONAL", "BOOSTER"]
    dose_number: int = Field(ge=1, le=20)
    administered_at: Moment
    volume_ml: Decimal | None = Field(None, gt=0, le=2)
    route: Literal["IM", "SC", "ID"] = "IM"
    body_site: Literal["LEFT_DELTOID", "RIGHT_DELTOID", "LEFT_THIGH", "RIGHT_THIGH"] = "LEFT_DELTOID"
    heterologous_consent: bool = False
    interval_override: Override | None = None


class NotAdministeredRequest(Strict):
    reason: Literal["REFUSED", "POSTPONED", "CONTRAINDICATED", "STOCK_OUT"]
    recorded_at: Moment


class ObservationRequest(Strict):
    started_at: Moment | None = None
    ended_at: Moment
    outcome: Literal["NO_REACTION", "MINOR_REACTION", "AEFI_REPORTED"]


class HistoricalDoseRequest(Strict):
    dose_id: str | None = OptionalId
    product: str = Field(min_length=1, max_length=40, description="vaccine code (CVX) or product name")
    lot_number: str = Field("", max_length=40)
    administered_date: date
    country: str = Field(pattern=r"^[A-Za-z]{2}$")
    source: Literal["FOREIGN_CERTIFICATE", "PAPER_CARD", "OTHER_REGISTRY"]
    series: Literal["PRIMARY", "ADDITIONAL", "BOOSTER"]
    dose_number: int = Field(ge=1, le=20)


class EnteredInErrorRequest(Strict):
    reverses_event_id: str = Field(min_length=1, max_length=80)
    reason: str = Field(min_length=1, max_length=300)


class Change(Strict):
    field: str = Field(min_length=1, max_length=40)
    old_value: str = Field(max_length=100)
    new_value: str = Field(max_length=100)


class CorrectionRequest(Strict):
    reverses_event_id: str = Field(min_length=1, max_length=80)
    changes: list[Change] = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=300)


class AefiRequest(Strict):
    aefi_id: str | None = OptionalId
    person_id: str = Id
    dose_ids: list[ItemId] = Field(min_length=1, max_length=10)
    onset_at: Moment
    symptoms: list[Text] = Field(min_length=1, max_length=30)
    serious: bool
    seriousness_criteria: list[Code] = Field(default_factory=list, max_length=10)
    outcome: str = Field(max_length=40)
    source: Literal["SITE_OBSERVATION", "SELF_REPORT", "HOSPITAL"]
    died_at: Moment | None = None
    reported_at: Moment | None = Field(None, description="when the report was received, if earlier than "
                                                                "now (a paper form entered later); default now")


class InvestigationRequest(Strict):
    level: Literal["DISTRICT", "PROVINCE", "NATIONAL"]


class ClassificationRequest(Strict):
    level: Literal["DISTRICT", "PROVINCE", "NATIONAL"]
    causality: str = Field(min_length=1, max_length=20, description="WHO code: A1 A2 A3 A4 B1 B2 C UNCLASSIFIABLE")
    rationale: str = Field("", max_length=2000)


class Accepted(BaseModel):
    event_ids: list[str]
    session_id: str | None = None
    visit_id: str | None = None
    vial_opening_id: str | None = None
    dose_id: str | None = None
    person_id: str | None = None
    aefi_id: str | None = None


class BatchItemModel(Strict):
    sequence: int = Field(ge=0, le=2**63 - 1,  # DoseAdministered.device_sequence is an int64
                          description="the device's local sequence number (idempotency key with device id)")
    kind: Literal["check_in", "screening", "vial_open", "vial_discard", "dose", "not_administered", "observation"]
    session_id: str | None = OptionalId
    visit_id: str | None = OptionalId
    vial_opening_id: str | None = OptionalId
    body: dict


class BatchRequest(Strict):
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
