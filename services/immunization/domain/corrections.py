"""Corrections to a person's dose record (INV-33) and doses given elsewhere.

A correction is a new event referencing exactly one original (the event that recorded the dose); a voided
dose is never voided again, and lot, person and vial are never corrected in place. A historical dose
counts toward the series and never touches local stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from . import schedule
from .events import DoseCorrected, DoseEnteredInError, DoseRecordedHistorical, FieldChange
from .record import DoseEntry, PersonRecord, numbering, recommend, reject

CORRECTABLE_FIELDS = frozenset({"body_site", "route", "volume_ml", "performer_id"})
HISTORICAL_SOURCES = frozenset({"FOREIGN_CERTIFICATE", "PAPER_CARD", "OTHER_REGISTRY"})


@dataclass(frozen=True)
class RecordHistoricalDose:
    dose_id: str
    person_id: str
    product: str
    lot_number: str
    administered_date: date
    country: str
    source: str
    series: str
    dose_number: int


@dataclass(frozen=True)
class EnterDoseInError:
    person_id: str
    dose_id: str
    reverses_event_id: str
    reason: str


@dataclass(frozen=True)
class CorrectDose:
    person_id: str
    dose_id: str
    reverses_event_id: str
    changes: tuple[FieldChange, ...]
    reason: str


# Before the first COVID-19 vaccine trials (spring 2020); earlier dates are typing errors.
FIRST_COVID_19_VACCINATION = date(2020, 3, 1)


def record_historical(record: PersonRecord, command: RecordHistoricalDose, *, today: date) -> list:
    """A dose given elsewhere: counted toward the series, never touching local stock."""
    if command.administered_date > today:
        raise reject("a historical dose cannot be in the future", "administered_date", "INV-8")
    if command.administered_date < FIRST_COVID_19_VACCINATION:
        # a dose "given" in year 1 would count toward the series and satisfy every later interval
        raise reject(f"no COVID-19 vaccine was given before {FIRST_COVID_19_VACCINATION.isoformat()}",
                     "administered_date", "INV-8")
    if command.source not in HISTORICAL_SOURCES:
        raise reject(f"source must be one of {sorted(HISTORICAL_SOURCES)}", "source", "INV-23")
    if record.dose(command.dose_id) is not None:
        raise reject("this dose id is already recorded", "dose_id", "INV-34")
    numbering(record, command.series, command.dose_number, schedule.product_of(command.product),
              schedule.rules_in_force(max(command.administered_date, schedule.RULES[0].effective_from)))
    earlier = record.valid(command.series)
    if earlier and command.administered_date < earlier[-1].given_on:
        raise reject("a later dose number cannot predate the earlier dose", "administered_date", "INV-23")
    historical = DoseRecordedHistorical(command.dose_id, command.person_id, command.product, command.lot_number,
                                        command.administered_date, command.country.upper(), command.source, False,
                                        command.series, command.dose_number)
    return [historical, *recommend(record, [historical], command.administered_date, historical.occurred_at)]


def _original(record: PersonRecord, dose_id: str, reverses_event_id: str) -> DoseEntry:
    dose = record.dose(dose_id)
    if dose is None:
        raise reject("no such dose on this person's record", "dose_id", "INV-33")
    if dose.voided:
        raise reject("the dose was already entered in error; a reversal is never reversed again", "dose_id",
                      "INV-33")
    if reverses_event_id != dose.event_id:
        raise reject("reverses_event_id must be the event that recorded this dose", "reverses_event_id", "INV-33")
    return dose


def enter_in_error(record: PersonRecord, dose_id: str, reverses_event_id: str, reason: str, *,
                   at: datetime) -> list:
    _original(record, dose_id, reverses_event_id)
    if not reason.strip():
        raise reject("a reason is required", "reason", "INV-33")
    voided = DoseEnteredInError(dose_id, reverses_event_id, reason.strip(), record.person_id, at)
    latest = max((d.given_on for d in record.valid() if d.dose_id != dose_id), default=None)
    return [voided, *recommend(record, [voided], latest, at)] if latest else [voided]


def correct_dose(record: PersonRecord, dose_id: str, reverses_event_id: str, changes: tuple[FieldChange, ...],
                 reason: str, *, at: datetime) -> list:
    _original(record, dose_id, reverses_event_id)
    if not changes:
        raise reject("a correction changes at least one field", "changes", "INV-33")
    for change in changes:
        if change.field not in CORRECTABLE_FIELDS:
            raise reject(f"{change.field} cannot be corrected in place: enter the dose in error and record the "
                          "right one", "changes", "INV-33")
    if not reason.strip():
        raise reject("a reason is required", "reason", "INV-33")
    return [DoseCorrected(dose_id, reverses_event_id, changes, reason.strip(), record.person_id, at)]
