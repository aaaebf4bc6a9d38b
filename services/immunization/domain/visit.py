"""The visit aggregate (id = visit_id): one person at one session — check-in, screening, observation.

Check-in matches an approved, assigned person and records how presence was established: the one-time
presence code the person's app shows, or an explicit override with a reason, attributed to its actor.
:class:`CheckInPerson` is the command as a site sends it (an identity proof and maybe a presence code); the
handler resolves the person and verifies the code, and :func:`check_in` decides on the resolved
:class:`CheckIn`. The visit remembers the id of its screening event: the dose refers to it.

Commands a site's offline device uploaded carry ``device_site`` (the device's site); the handler refuses
them unless the session is at that site. Online requests leave it empty (the route checked the caller's
scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError

from . import screening as rules
from .events import (
    DoseNotAdministered,
    ObservationCompleted,
    PersonCheckedIn,
    ScreeningAnswer,
    ScreeningCompleted,
    Vitals,
)
from .reference import PersonRef
from .session import Session

IDENTITY_METHODS = frozenset({"QR", "ID_DOCUMENT"})
NOT_ADMINISTERED_REASONS = frozenset({"REFUSED", "POSTPONED", "CONTRAINDICATED", "STOCK_OUT"})
OBSERVATION_OUTCOMES = frozenset({"NO_REACTION", "MINOR_REACTION", "AEFI_REPORTED"})
OBSERVATION_MINUTES = 30


@dataclass(frozen=True)
class Visit:
    visit_id: str = ""
    person_id: str = ""
    session_id: str = ""
    site_id: str = ""
    checked_in_at: datetime | None = None
    presence_code_verified: bool = False
    screening: ScreeningCompleted | None = None
    not_administered: str = ""
    observed: bool = False
    screening_event_id: str = ""  # the event the dose refers to (DoseAdministered.screening_event_id)

    @classmethod
    def empty(cls) -> Visit:
        return cls()


def evolve(state: Visit, event: object, event_id: str = "") -> Visit:
    if isinstance(event, PersonCheckedIn):
        return replace(state, visit_id=event.visit_id, person_id=event.person_id, session_id=event.session_id,
                       site_id=event.site_id, checked_in_at=event.checked_in_at,
                       presence_code_verified=event.presence_code_verified)
    if isinstance(event, ScreeningCompleted):
        return replace(state, screening=event, screening_event_id=event_id)
    if isinstance(event, DoseNotAdministered):
        return replace(state, not_administered=event.reason)
    if isinstance(event, ObservationCompleted):
        return replace(state, observed=True)
    raise TypeError(f"Visit cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class CheckIn:
    visit_id: str
    session_id: str
    person_id: str
    identity_method: str
    checked_in_at: datetime
    presence_code_verified: bool
    presence_override_reason: str = ""
    presence_override_by: str = ""
    read_model_positions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckInPerson:
    """Check a person in at a session: by QR token or identity document, with the presence code the person's
    app shows or (without one) an override reason attributed to the caller."""

    visit_id: str
    session_id: str
    identity_method: str
    checked_in_at: datetime
    qr_token: str = ""
    document_kind: str = ""
    document_number: str = ""
    presence_code: str | None = None
    presence_override_reason: str = ""
    device_site: str = ""


@dataclass(frozen=True)
class Screen:
    visit_id: str
    screener_id: str
    vitals: Vitals
    answers: tuple[ScreeningAnswer, ...]
    pregnancy_weeks: int | None
    screened_at: datetime
    device_site: str = ""


@dataclass(frozen=True)
class RecordNotAdministered:
    visit_id: str
    reason: str
    recorded_at: datetime
    device_site: str = ""


@dataclass(frozen=True)
class CompleteObservation:
    visit_id: str
    ended_at: datetime
    outcome: str
    started_at: datetime | None = None
    device_site: str = ""


def _not_future(moment: datetime, now: datetime, field_name: str) -> None:
    if moment > now + timedelta(minutes=5):
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")


def check_in(state: Visit, command: CheckIn, session: Session, person: PersonRef | None, *, now: datetime) -> list:
    if state.visit_id:
        raise DomainError("this visit is already checked in", field="visit_id", rule="INV-34")
    if session.status != "OPEN":
        raise DomainError("people check in only at an open session", field="session_id", rule="session-state")
    if command.identity_method not in IDENTITY_METHODS:
        raise DomainError(f"identity_method must be one of {sorted(IDENTITY_METHODS)}", field="identity_method",
                          rule="identity")
    if person is None or not person.approved or not person.district_code:
        raise DomainError("the person is not an approved registrant assigned to a district", field="person_id",
                          rule="identity")
    if not command.presence_code_verified and not command.presence_override_reason.strip():
        raise DomainError("the presence code was not verified: give the code, or an override reason",
                          field="presence_code", rule="presence")
    _not_future(command.checked_in_at, now, "checked_in_at")
    return [PersonCheckedIn(command.visit_id, command.person_id, command.session_id, command.checked_in_at,
                            command.identity_method, command.presence_code_verified,
                            command.presence_override_reason.strip() if not command.presence_code_verified else "",
                            command.presence_override_by if not command.presence_code_verified else "",
                            session.site_id, command.read_model_positions)]


def screen(state: Visit, command: Screen, *, now: datetime, zone: tzinfo = CAMPAIGN_ZONE) -> list:
    if not state.visit_id:
        raise DomainError("screen a person after check-in", field="visit_id", rule="INV-20")
    if state.checked_in_at is not None and command.screened_at < state.checked_in_at:
        raise DomainError("screening before check-in", field="screened_at", rule="INV-20")
    _not_future(command.screened_at, now, "screened_at")
    day = campaign_date(command.screened_at, zone)
    ruleset = rules.ruleset_in_force(day)
    answers = {a.question_code: a.answer for a in command.answers}
    result = rules.evaluate(ruleset, command.vitals, answers, command.pregnancy_weeks, day)
    return [ScreeningCompleted(
        state.visit_id, state.person_id, command.screener_id, command.vitals, command.answers,
        command.pregnancy_weeks, result.outcome, result.postponed_until_date, result.postponed_until_condition,
        result.contraindicated_products, ruleset.ruleset_id, command.screened_at, state.session_id, state.site_id)]


def record_not_administered(state: Visit, command: RecordNotAdministered, dose_given: bool) -> list:
    if not state.visit_id:
        raise DomainError("unknown visit", field="visit_id", rule="INV-20")
    if command.reason not in NOT_ADMINISTERED_REASONS:
        raise DomainError(f"reason must be one of {sorted(NOT_ADMINISTERED_REASONS)}", field="reason",
                          rule="INV-20")
    if dose_given:
        raise DomainError("a dose was already given at this visit", field="visit_id", rule="INV-23")
    return [DoseNotAdministered(state.person_id, state.visit_id, command.reason, state.session_id,
                                command.recorded_at)]


def complete_observation(state: Visit, command: CompleteObservation, administered_at: Sequence[datetime],
                         *, now: datetime) -> list:
    """``administered_at``: when this visit's dose was given (empty if none was)."""
    if not administered_at:
        raise DomainError("no dose was given at this visit", field="visit_id", rule="INV-29")
    if state.observed:
        raise DomainError("the observation is already completed", field="visit_id", rule="INV-29")
    if command.outcome not in OBSERVATION_OUTCOMES:
        raise DomainError(f"outcome must be one of {sorted(OBSERVATION_OUTCOMES)}", field="outcome", rule="INV-29")
    dose_at = administered_at[0]
    started = command.started_at or dose_at
    if started < dose_at:
        raise DomainError("observation starts after the dose", field="started_at", rule="INV-29")
    if command.ended_at < dose_at + timedelta(minutes=OBSERVATION_MINUTES):
        minutes = int((command.ended_at - dose_at).total_seconds() // 60)
        raise DomainError(f"observation must last at least {OBSERVATION_MINUTES} minutes after the dose "
                          f"(ended {minutes} min after it)", field="ended_at", rule="INV-29")
    _not_future(command.ended_at, now, "ended_at")
    return [ObservationCompleted(state.visit_id, state.person_id, started, command.ended_at, command.outcome)]
