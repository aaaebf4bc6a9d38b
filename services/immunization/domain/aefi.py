"""The AEFI case aggregate (id = aefi_id): report, investigation, causality classification (INV-30).

Deadlines run from the report: a serious case must be investigated within 24 hours and classified within
5 days; the read model lists cases past either deadline. An A2 (quality defect) classification carries
the lots and ``lot_review_requested`` so inventory can review (and possibly suspend) them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, start_of_day
from eventkit.errors import DomainError

from .events import AefiClassified, AefiInvestigationOpened, AefiReported
from .record import PersonRecord

SOURCES = frozenset({"SITE_OBSERVATION", "SELF_REPORT", "HOSPITAL"})
CRITERIA = frozenset({"DEATH", "LIFE_THREATENING", "DISABILITY", "HOSPITALISATION", "CONGENITAL_ANOMALY"})
OUTCOMES = frozenset({"RECOVERED", "RECOVERING", "NOT_RECOVERED", "RECOVERED_WITH_SEQUELAE", "FATAL", "UNKNOWN"})
CAUSALITY = frozenset({"A1", "A2", "A3", "A4", "B1", "B2", "C", "UNCLASSIFIABLE"})
LEVELS = frozenset({"DISTRICT", "PROVINCE", "NATIONAL"})
INVESTIGATE_WITHIN = timedelta(hours=24)
CLASSIFY_WITHIN = timedelta(days=5)


@dataclass(frozen=True)
class AefiCase:
    aefi_id: str = ""
    person_id: str = ""
    serious: bool = False
    reported_at: datetime | None = None
    lot_ids: tuple[str, ...] = ()
    dose_ids: tuple[str, ...] = ()
    investigation_level: str = ""
    causality: str = ""

    @classmethod
    def empty(cls) -> AefiCase:
        return cls()


def evolve(state: AefiCase, event: object) -> AefiCase:
    if isinstance(event, AefiReported):
        return replace(state, aefi_id=event.aefi_id, person_id=event.person_id, serious=event.serious,
                       reported_at=event.reported_at, lot_ids=event.lot_ids, dose_ids=event.dose_ids)
    if isinstance(event, AefiInvestigationOpened):
        return replace(state, investigation_level=event.level)
    if isinstance(event, AefiClassified):
        return replace(state, causality=event.causality)
    raise TypeError(f"AefiCase cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class ReportAefi:
    aefi_id: str
    person_id: str
    dose_ids: tuple[str, ...]
    onset_at: datetime
    symptoms: tuple[str, ...]
    serious: bool
    seriousness_criteria: tuple[str, ...]
    outcome: str
    source: str
    reporter_id: str
    reported_at: datetime | None  # None: now (a report received late, on paper, gives its own time)
    died_at: datetime | None = None


@dataclass(frozen=True)
class OpenInvestigation:
    aefi_id: str
    level: str


@dataclass(frozen=True)
class ClassifyAefi:
    aefi_id: str
    level: str
    causality: str
    rationale: str = ""


def _reject(detail: str, field: str) -> DomainError:
    return DomainError(detail, field=field, rule="INV-30")


def report(state: AefiCase, command: ReportAefi, record: PersonRecord, *, now: datetime,
           zone: tzinfo = CAMPAIGN_ZONE) -> list:
    reported_at = command.reported_at or now
    if state.aefi_id:
        raise _reject("this AEFI is already reported", "aefi_id")
    if command.source not in SOURCES:
        raise _reject(f"source must be one of {sorted(SOURCES)}", "source")
    if command.outcome not in OUTCOMES:
        raise _reject(f"outcome must be one of {sorted(OUTCOMES)}", "outcome")
    if not command.dose_ids:
        raise _reject("name the dose(s) the event followed", "dose_ids")
    doses = []
    for dose_id in command.dose_ids:
        dose = record.dose(dose_id)
        if dose is None or dose.voided:
            raise _reject(f"dose {dose_id} is not a valid dose of this person", "dose_ids")
        doses.append(dose)
    for dose in doses:
        given = dose.given_at or start_of_day(dose.given_on, zone)
        if command.onset_at < given:
            raise _reject("onset cannot precede the vaccination", "onset_at")
        if reported_at < given:
            raise _reject("a report cannot precede the vaccination", "reported_at")
    if reported_at > now + timedelta(minutes=5):
        raise _reject("reported_at is in the future", "reported_at")
    criteria = set(command.seriousness_criteria)
    if criteria - CRITERIA:
        raise _reject(f"seriousness criteria are {sorted(CRITERIA)}", "seriousness_criteria")
    if command.serious and not criteria:
        raise _reject("a serious AEFI needs at least one seriousness criterion", "seriousness_criteria")
    if not command.serious and criteria:
        raise _reject("seriousness criteria make the case serious", "serious")
    if command.died_at is not None or command.outcome == "FATAL":
        if command.died_at is None or command.outcome != "FATAL" or "DEATH" not in criteria:
            raise _reject("a death needs outcome FATAL, died_at and the DEATH criterion", "died_at")
        if command.died_at < command.onset_at:
            raise _reject("death cannot precede the onset", "died_at")
    return [AefiReported(command.aefi_id, command.person_id, command.dose_ids,
                         tuple(dict.fromkeys(d.lot_id for d in doses if d.lot_id)), command.onset_at,
                         command.symptoms, command.serious, tuple(sorted(criteria)), command.outcome, command.source,
                         command.reporter_id, command.died_at, reported_at,
                         tuple(dict.fromkeys(d.site_id for d in doses if d.site_id)))]


def open_investigation(state: AefiCase, level: str, opened_by: str, *, at: datetime) -> list:
    if not state.aefi_id:
        raise _reject("unknown AEFI", "aefi_id")
    if level not in LEVELS:
        raise _reject(f"level must be one of {sorted(LEVELS)}", "level")
    if state.investigation_level:
        raise _reject("an investigation is already open", "aefi_id")
    if state.causality:
        raise _reject("the case is already classified", "aefi_id")
    return [AefiInvestigationOpened(state.aefi_id, level, state.reported_at + INVESTIGATE_WITHIN, at, opened_by)]


def classify(state: AefiCase, level: str, causality: str, rationale: str, classified_by: str, *,
             at: datetime) -> list:
    if not state.aefi_id:
        raise _reject("unknown AEFI", "aefi_id")
    if causality not in CAUSALITY:
        raise _reject(f"causality must be a WHO code: {sorted(CAUSALITY)}", "causality")
    if level not in LEVELS:
        raise _reject(f"level must be one of {sorted(LEVELS)}", "level")
    if state.serious and level == "DISTRICT":
        raise _reject("a serious AEFI is classified by the provincial or national expert council", "level")
    if state.serious and not state.investigation_level:
        raise _reject("a serious AEFI is investigated before it is classified", "aefi_id")
    if state.causality:
        raise _reject("the case is already classified", "aefi_id")
    return [AefiClassified(state.aefi_id, level, state.reported_at + CLASSIFY_WITHIN, causality, rationale, at,
                           state.lot_ids, causality == "A2", classified_by)]
