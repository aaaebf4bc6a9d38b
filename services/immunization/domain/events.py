"""Immunization domain events (frozen dataclasses mapped by ``codec.py`` to ``immunization/v1/events.proto``).

Every event exposes ``occurred_at`` (business time). Codes are plain strings with the allowed values in
the protobuf comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal


@dataclass(frozen=True)
class StaffMember:
    actor_id: str
    role: str


@dataclass(frozen=True)
class Vitals:
    temperature_celsius: Decimal | None = None
    pulse_per_minute: int = 0
    systolic_mmhg: int = 0
    diastolic_mmhg: int = 0
    respiratory_rate_per_minute: int = 0
    spo2_percent: int = 0


@dataclass(frozen=True)
class ScreeningAnswer:
    question_code: str
    answer: str


@dataclass(frozen=True)
class IntervalOverride:
    reason: str
    approver_id: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class SessionOpened:
    session_id: str
    site_id: str
    staff: tuple[StaffMember, ...]
    opened_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.opened_at


@dataclass(frozen=True)
class SessionClosed:
    session_id: str
    site_id: str
    staff: tuple[StaffMember, ...]
    closed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.closed_at


@dataclass(frozen=True)
class PersonCheckedIn:
    visit_id: str
    person_id: str
    session_id: str
    checked_in_at: datetime
    identity_method: str
    presence_code_verified: bool
    presence_override_reason: str = ""
    presence_override_by: str = ""
    site_id: str = ""
    read_model_positions: tuple[str, ...] = ()

    @property
    def occurred_at(self) -> datetime:
        return self.checked_in_at


@dataclass(frozen=True)
class ScreeningCompleted:
    visit_id: str
    person_id: str
    screener_id: str
    vitals: Vitals
    answers: tuple[ScreeningAnswer, ...]
    pregnancy_weeks: int | None
    outcome: str
    postponed_until_date: date | None
    postponed_until_condition: str
    contraindicated_products: tuple[str, ...]
    ruleset_id: str
    screened_at: datetime
    session_id: str = ""
    site_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.screened_at


@dataclass(frozen=True)
class VialOpened:
    vial_opening_id: str
    site_id: str
    session_id: str
    lot_id: str
    doses_in_vial: int
    opened_at: datetime
    discard_at: datetime
    presentation_id: str = ""
    presentation_version: int = 0
    read_model_positions: tuple[str, ...] = ()

    @property
    def occurred_at(self) -> datetime:
        return self.opened_at


@dataclass(frozen=True)
class VialDiscarded:
    vial_opening_id: str
    discarded_at: datetime
    doses_drawn: int
    residual_doses: int
    reason: str
    site_id: str
    lot_id: str
    session_id: str

    @property
    def occurred_at(self) -> datetime:
        return self.discarded_at


@dataclass(frozen=True)
class VialRegistered:
    session_id: str
    vial_opening_id: str
    site_id: str
    opened_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.opened_at


@dataclass(frozen=True)
class VialDoseDrawn:
    vial_opening_id: str
    dose_id: str
    person_id: str
    visit_id: str
    session_id: str
    site_id: str
    lot_id: str
    drawn_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.drawn_at


@dataclass(frozen=True)
class DoseAdministered:
    dose_id: str
    person_id: str
    visit_id: str
    session_id: str
    site_id: str
    administered_at: datetime
    presentation_id: str
    lot_id: str
    lot_number: str
    effective_expiry_date: date
    vial_opening_id: str
    series: str
    dose_number: int
    volume_ml: Decimal
    route: str
    body_site: str
    performer_id: str
    screening_reference: str
    heterologous_consent: bool
    interval_override: IntervalOverride | None
    device_id: str
    device_sequence: int
    vaccine_code: str
    component: str
    schedule_rule_id: str
    presence_code_verified: bool
    platform: str = ""
    read_model_positions: tuple[str, ...] = ()

    @property
    def occurred_at(self) -> datetime:
        return self.administered_at


@dataclass(frozen=True)
class DoseNotAdministered:
    person_id: str
    visit_id: str
    reason: str
    session_id: str
    recorded_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.recorded_at


@dataclass(frozen=True)
class DoseRecordedHistorical:
    dose_id: str
    person_id: str
    product: str
    lot_number: str
    administered_date: date
    country: str
    source: str
    primary_source: bool
    series: str
    dose_number: int

    @property
    def occurred_at(self) -> datetime:
        # Backdated on purpose: the business time of a historical dose is the day it was given.
        return datetime.combine(self.administered_date, time(), UTC)


@dataclass(frozen=True)
class DoseEnteredInError:
    dose_id: str
    reverses_event_id: str
    reason: str
    person_id: str
    recorded_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.recorded_at


@dataclass(frozen=True)
class DoseCorrected:
    dose_id: str
    reverses_event_id: str
    changes: tuple[FieldChange, ...]
    reason: str
    person_id: str
    corrected_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.corrected_at


@dataclass(frozen=True)
class ObservationCompleted:
    visit_id: str
    person_id: str
    started_at: datetime
    ended_at: datetime
    outcome: str

    @property
    def occurred_at(self) -> datetime:
        return self.ended_at


@dataclass(frozen=True)
class AefiReported:
    aefi_id: str
    person_id: str
    dose_ids: tuple[str, ...]
    lot_ids: tuple[str, ...]
    onset_at: datetime
    symptoms: tuple[str, ...]
    serious: bool
    seriousness_criteria: tuple[str, ...]
    outcome: str
    source: str
    reporter_id: str
    died_at: datetime | None
    reported_at: datetime
    site_ids: tuple[str, ...] = ()

    @property
    def occurred_at(self) -> datetime:
        return self.reported_at


@dataclass(frozen=True)
class AefiInvestigationOpened:
    aefi_id: str
    level: str
    due_by: datetime
    opened_at: datetime
    opened_by: str

    @property
    def occurred_at(self) -> datetime:
        return self.opened_at


@dataclass(frozen=True)
class AefiClassified:
    aefi_id: str
    level: str
    due_by: datetime
    causality: str
    rationale: str
    classified_at: datetime
    lot_ids: tuple[str, ...]
    lot_review_requested: bool
    classified_by: str

    @property
    def occurred_at(self) -> datetime:
        return self.classified_at


@dataclass(frozen=True)
class NextDoseRecommended:
    person_id: str
    series: str
    dose_number: int
    earliest_date: date
    due_date: date
    latest_date: date | None
    allowed_products: tuple[str, ...]
    schedule_rule_id: str
    recommended_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.recommended_at


ALL_EVENTS = (
    SessionOpened, SessionClosed, PersonCheckedIn, ScreeningCompleted, VialOpened, VialDiscarded, VialRegistered,
    VialDoseDrawn,
    DoseAdministered, DoseNotAdministered, DoseRecordedHistorical, DoseEnteredInError, DoseCorrected,
    ObservationCompleted, AefiReported, AefiInvestigationOpened, AefiClassified, NextDoseRecommended,
)
