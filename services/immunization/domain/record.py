"""A person's dose record (aggregate id = person_id): its state, dense numbering, the next dose.

The commands on it live in ``dose_gate`` (a dose given here, INV-20 … INV-28) and ``corrections``
(historical doses, entered in error, corrected fields). A screening that postponed vaccination or found a
contraindication is also noted here (``note_screening``), in the same append as the visit's
``ScreeningCompleted``, so a dose at any later visit is decided on it under the record's version check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError

from . import schedule
from .events import (
    DoseAdministered,
    DoseCorrected,
    DoseEnteredInError,
    DoseRecordedHistorical,
    NextDoseRecommended,
    ScreeningCompleted,
)


@dataclass(frozen=True)
class DoseEntry:
    dose_id: str
    series: str
    dose_number: int
    vaccine_code: str
    given_on: date
    visit_id: str = ""
    lot_id: str = ""
    component: str = ""
    given_at: datetime | None = None
    historical: bool = False
    event_id: str = ""
    voided: bool = False
    site_id: str = ""

    @property
    def product(self) -> str:
        return schedule.product_of(self.vaccine_code)


@dataclass(frozen=True)
class Deferral:
    """The latest screening outcome of one visit that postponed vaccination or contraindicated products."""

    visit_id: str
    postponed_until: date | None
    contraindicated: tuple[str, ...]


@dataclass(frozen=True)
class PersonRecord:
    person_id: str = ""
    doses: tuple[DoseEntry, ...] = ()
    deferrals: tuple[Deferral, ...] = ()
    zone: tzinfo = field(default=CAMPAIGN_ZONE, compare=False, repr=False)
    """The campaign zone (``CAMPAIGN_TIME_ZONE``): a dose given at a moment was given on its campaign day."""

    @classmethod
    def empty(cls, zone: tzinfo = CAMPAIGN_ZONE) -> PersonRecord:
        return cls(zone=zone)

    def valid(self, series: str | None = None) -> list[DoseEntry]:
        doses = [d for d in self.doses if not d.voided and (series is None or d.series == series)]
        return sorted(doses, key=lambda d: (d.given_on, d.dose_number))

    def dose(self, dose_id: str) -> DoseEntry | None:
        return next((d for d in self.doses if d.dose_id == dose_id), None)

    def given_at_visit(self, visit_id: str) -> list[datetime]:
        return [d.given_at for d in self.valid() if d.visit_id == visit_id and d.given_at is not None]

    def deferral(self, visit_id: str) -> Deferral | None:
        return next((d for d in self.deferrals if d.visit_id == visit_id), None)

    def postponed_until(self, other_than_visit: str) -> date | None:
        """The latest postponement from the person's screenings at other visits (INV-20)."""
        return max((d.postponed_until for d in self.deferrals
                    if d.visit_id != other_than_visit and d.postponed_until is not None), default=None)

    def contraindicated(self, other_than_visit: str) -> tuple[str, ...]:
        """Every product / platform contraindicated at the person's screenings at other visits (INV-20)."""
        return tuple(sorted({p for d in self.deferrals if d.visit_id != other_than_visit for p in d.contraindicated}))


def evolve(state: PersonRecord, event: object, event_id: str = "") -> PersonRecord:
    if isinstance(event, DoseAdministered):
        entry = DoseEntry(event.dose_id, event.series, event.dose_number, event.vaccine_code,
                          campaign_date(event.administered_at, state.zone), event.visit_id, event.lot_id, event.component,
                          event.administered_at, event_id=event_id, site_id=event.site_id)
        return replace(state, person_id=event.person_id, doses=(*state.doses, entry))
    if isinstance(event, DoseRecordedHistorical):
        entry = DoseEntry(event.dose_id, event.series, event.dose_number, event.product, event.administered_date,
                          historical=True, event_id=event_id)
        return replace(state, person_id=event.person_id, doses=(*state.doses, entry))
    if isinstance(event, DoseEnteredInError):
        return replace(state, doses=tuple(replace(d, voided=True) if d.dose_id == event.dose_id else d
                                          for d in state.doses))
    if isinstance(event, ScreeningCompleted):
        noted = Deferral(event.visit_id, event.postponed_until_date, tuple(event.contraindicated_products))
        others = tuple(d for d in state.deferrals if d.visit_id != event.visit_id)
        return replace(state, person_id=event.person_id, deferrals=(*others, noted))
    if isinstance(event, (DoseCorrected, NextDoseRecommended)):
        return state
    raise TypeError(f"PersonRecord cannot apply {type(event).__name__}")


def reject(detail: str, field: str, rule: str) -> DomainError:
    return DomainError(detail, field=field, rule=rule)


def note_screening(state: PersonRecord, screening: ScreeningCompleted) -> list:
    """INV-20 across visits: a screening that postponed vaccination or contraindicated products goes on the
    person's record too (so does a later screening of a visit already noted, which replaces it)."""
    if screening.postponed_until_date is not None or screening.contraindicated_products \
            or state.deferral(screening.visit_id) is not None:
        return [screening]
    return []


def numbering(record: PersonRecord, series: str, dose_number: int, product: str,
              rules: schedule.ScheduleRules) -> None:
    """INV-23: dense, unique numbering per series; boosters and additional doses need a complete primary."""
    if series not in schedule.SERIES:
        raise reject(f"series must be one of {list(schedule.SERIES)}", "series", "INV-23")
    expected = len(record.valid(series)) + 1
    if dose_number != expected:
        raise reject(f"the next {series.lower()} dose is number {expected}, not {dose_number}", "dose_number",
                      "INV-23")
    primary = record.valid("PRIMARY")
    needed = rules.primary_doses.get(primary[0].product if primary else product, 2)
    if series == "PRIMARY" and dose_number > needed:
        raise reject(f"the primary series has {needed} doses", "dose_number", "INV-23")
    if series != "PRIMARY" and len(primary) < needed:
        raise reject(f"a {series.lower()} dose needs a complete primary series ({len(primary)} of {needed})",
                      "series", "INV-23")


@dataclass(frozen=True)
class Recommendation:
    series: str
    dose_number: int
    earliest_date: date
    due_date: date
    latest_date: date | None
    allowed_products: tuple[str, ...]
    schedule_rule_id: str


def next_dose(record: PersonRecord, today: date) -> Recommendation | None:
    """The next dose under the rules in force today; None when nothing is due (or nothing was given yet)."""
    rules = schedule.rules_in_force(max(today, schedule.RULES[0].effective_from))
    primary = record.valid("PRIMARY")
    if not primary:
        return None
    product = primary[0].product
    needed = rules.primary_doses.get(product, 2)
    if len(primary) < needed:
        previous = primary[-1]
        rule = rules.primary_interval.get(previous.product, schedule.Interval(28, 28, None))
        allowed = (previous.product, *sorted(b for a, b in rules.heterologous if a == previous.product))
        component = schedule.required_component(product, len(primary) + 1)
        return _recommend("PRIMARY", len(primary) + 1, previous.given_on, rule,
                          tuple(f"{p}-{component}" if component else p for p in allowed), rules.rule_id)
    if rules.booster is None:
        return None
    boosters = record.valid("BOOSTER")
    previous = boosters[-1] if boosters else primary[-1]
    allowed = () if rules.booster_any_product else (product,)
    return _recommend("BOOSTER", len(boosters) + 1, previous.given_on, rules.booster, allowed, rules.rule_id)


def recommend(record: PersonRecord, changes: list, as_of: date, at: datetime) -> list[NextDoseRecommended]:
    """The recommendation after ``changes``, as of ``as_of`` (the latest dose's day, so a replay agrees)."""
    for change in changes:
        record = evolve(record, change)
    found = next_dose(record, as_of)
    if found is None:
        return []
    return [NextDoseRecommended(record.person_id, found.series, found.dose_number, found.earliest_date,
                                found.due_date, found.latest_date, found.allowed_products, found.schedule_rule_id,
                                at)]


def _recommend(series: str, number: int, since: date, rule: schedule.Interval, allowed: tuple[str, ...],
               rule_id: str) -> Recommendation:
    return Recommendation(series, number, since + timedelta(days=rule.minimum), since + timedelta(days=rule.due),
                          since + timedelta(days=rule.latest) if rule.latest is not None else None, allowed, rule_id)
