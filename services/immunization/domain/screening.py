"""Pre-vaccination screening under versioned rulesets: raw vitals and answers in, an outcome out.

A ruleset is chosen by the screening date (the one in force that day) and its id is recorded with the raw
inputs, so an outcome can be audited after the rules change. Outcomes, strongest first: CONTRAINDICATED
(for the products / platforms named) > POSTPONED (until a date, and a condition where one applies) >
REFER_TO_HOSPITAL > ELIGIBLE_WITH_CAUTION (only at a hospital-capable site) > ELIGIBLE.

Question codes (answers YES / NO unless said otherwise):
ACUTE_ILLNESS · SEVERE_ALLERGY_HISTORY (anaphylaxis to any allergen) · IMMUNOCOMPROMISED ·
ANAPHYLAXIS_PREVIOUS_DOSE (answer: the product of that dose by vaccine code, brand or name - "208",
"Comirnaty", "PFIZER" - or its platform, e.g. "MRNA", or NO; recorded as the product key or platform the
dose gate compares, ``eventkit.products``; an answer naming no known product or platform is refused) ·
COVID_RECOVERED_ON (answer: YYYY-MM-DD of recovery from COVID-19, or NO).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from eventkit import products
from eventkit.errors import DomainError

from .events import Vitals

ELIGIBLE = "ELIGIBLE"
CAUTION = "ELIGIBLE_WITH_CAUTION"
REFER = "REFER_TO_HOSPITAL"
POSTPONED = "POSTPONED"
CONTRAINDICATED = "CONTRAINDICATED"
OUTCOMES = (ELIGIBLE, CAUTION, REFER, POSTPONED, CONTRAINDICATED)
_STRENGTH = {name: rank for rank, name in enumerate(OUTCOMES)}

QUESTIONS = frozenset({"ACUTE_ILLNESS", "SEVERE_ALLERGY_HISTORY", "IMMUNOCOMPROMISED", "ANAPHYLAXIS_PREVIOUS_DOSE",
                       "COVID_RECOVERED_ON"})


@dataclass(frozen=True)
class Ruleset:
    ruleset_id: str
    effective_from: date
    title: str
    pregnancy_any_week_postpones: bool  # before Sep 2021 pregnant women were not vaccinated
    pregnancy_caution_from_week: int | None  # Decision 4355: >= 13 weeks caution, < 13 postpone
    covid_postpone_months: int | None  # Decision 4355: within 6 months of COVID-19 (dropped in Dec 2021)
    abnormal_vitals_caution: bool  # Decision 4355 vital-sign thresholds
    fever_postpone_celsius: Decimal  # a temperature at or above this is an acute illness: postpone
    hypertension_refers: bool  # early 2021: uncontrolled blood pressure was referred to hospital


RULESETS: tuple[Ruleset, ...] = (
    Ruleset("VN-SCREENING-2021-03-08", date(2021, 3, 8),
            "Campaign start guidance (pregnancy postponed; blood pressure out of range referred)",
            pregnancy_any_week_postpones=True, pregnancy_caution_from_week=None, covid_postpone_months=6,
            abnormal_vitals_caution=False, fever_postpone_celsius=Decimal("37.5"), hypertension_refers=True),
    Ruleset("QD-4355-2021-09-10", date(2021, 9, 10),
            "Decision 4355/QD-BYT of 10 Sep 2021",
            pregnancy_any_week_postpones=False, pregnancy_caution_from_week=13, covid_postpone_months=6,
            abnormal_vitals_caution=True, fever_postpone_celsius=Decimal("38.0"), hypertension_refers=False),
    Ruleset("QD-4355-AMENDED-2021-12-01", date(2021, 12, 1),
            "Decision 4355 as amended in Dec 2021 (COVID-19 within 6 months no longer postpones)",
            pregnancy_any_week_postpones=False, pregnancy_caution_from_week=13, covid_postpone_months=None,
            abnormal_vitals_caution=True, fever_postpone_celsius=Decimal("38.0"), hypertension_refers=False),
)


def ruleset_in_force(day: date) -> Ruleset:
    applicable = [r for r in RULESETS if r.effective_from <= day]
    if not applicable:
        raise DomainError(f"no screening ruleset was in force on {day}", field="screened_at", rule="INV-20")
    return applicable[-1]


@dataclass(frozen=True)
class ScreeningOutcome:
    outcome: str
    postponed_until_date: date | None
    postponed_until_condition: str
    contraindicated_products: tuple[str, ...]
    reasons: tuple[str, ...]


def abnormal_vitals(vitals: Vitals) -> list[str]:
    """The Decision 4355 vital-sign caution triggers that fired (unmeasured values never fire)."""
    found = []
    t = vitals.temperature_celsius
    if t is not None and (t < Decimal("35.5") or t > Decimal("37.5")):
        found.append(f"temperature {t} °C")
    if vitals.pulse_per_minute and not 60 <= vitals.pulse_per_minute <= 100:
        found.append(f"pulse {vitals.pulse_per_minute}/min")
    if vitals.systolic_mmhg and not 90 <= vitals.systolic_mmhg <= 140:
        found.append(f"systolic {vitals.systolic_mmhg} mmHg")
    if vitals.diastolic_mmhg and not 60 <= vitals.diastolic_mmhg <= 90:
        found.append(f"diastolic {vitals.diastolic_mmhg} mmHg")
    if vitals.respiratory_rate_per_minute > 25:
        found.append(f"respiratory rate {vitals.respiratory_rate_per_minute}/min")
    return found


def _yes(answers: Mapping[str, str], code: str) -> bool:
    return answers.get(code, "").upper() == "YES"


def _covid_until(answers: Mapping[str, str], months: int | None, on: date) -> date | None:
    raw = answers.get("COVID_RECOVERED_ON", "").strip()
    if months is None or raw.upper() in {"", "NO", "UNKNOWN"}:
        return None
    try:
        recovered = date.fromisoformat(raw)
    except ValueError as exc:
        raise DomainError("COVID_RECOVERED_ON is a date YYYY-MM-DD or NO", field="answers", rule="INV-20") from exc
    until = recovered + timedelta(days=round(months * 30.44))
    return until if until > on else None


def evaluate(ruleset: Ruleset, vitals: Vitals, answers: Mapping[str, str], pregnancy_weeks: int | None,
             on: date) -> ScreeningOutcome:
    """The outcome of one screening on day ``on`` under ``ruleset``."""
    unknown = set(answers) - QUESTIONS
    if unknown:
        raise DomainError(f"unknown question codes {sorted(unknown)}", field="answers", rule="INV-20")
    found: list[tuple[str, str]] = []
    contraindicated: tuple[str, ...] = ()
    postpone_until: list[date] = []
    condition = ""

    previous = answers.get("ANAPHYLAXIS_PREVIOUS_DOSE", "").strip()
    if previous.upper() not in {"", "NO", "UNKNOWN"}:
        target = products.contraindication_target(previous)
        if target is None:
            raise DomainError(f"ANAPHYLAXIS_PREVIOUS_DOSE {previous!r} names no known product or platform (a vaccine "
                              "code, brand or product name, or MRNA / VIRAL_VECTOR / INACTIVATED / PROTEIN_SUBUNIT)",
                              field="answers", rule="INV-20")
        contraindicated = (target,)
        found.append((CONTRAINDICATED, f"anaphylaxis to a previous dose of {target}"))
    t = vitals.temperature_celsius
    if _yes(answers, "ACUTE_ILLNESS") or (t is not None and t >= ruleset.fever_postpone_celsius):
        found.append((POSTPONED, "acute illness or fever"))
        postpone_until.append(on + timedelta(days=7))
        condition = "RECOVERY_FROM_ACUTE_ILLNESS"
    if pregnancy_weeks is not None:
        if ruleset.pregnancy_any_week_postpones:
            found.append((POSTPONED, "pregnancy"))
            postpone_until.append(on + timedelta(weeks=max(1, 40 - pregnancy_weeks)))
            condition = condition or "END_OF_PREGNANCY"
        elif ruleset.pregnancy_caution_from_week is not None and pregnancy_weeks < ruleset.pregnancy_caution_from_week:
            found.append((POSTPONED, f"pregnancy under {ruleset.pregnancy_caution_from_week} weeks"))
            postpone_until.append(on + timedelta(weeks=ruleset.pregnancy_caution_from_week - pregnancy_weeks))
        else:
            found.append((CAUTION, f"pregnancy of {pregnancy_weeks} weeks"))
    covid_until = _covid_until(answers, ruleset.covid_postpone_months, on)
    if covid_until is not None:
        found.append((POSTPONED, "COVID-19 within the last months"))
        postpone_until.append(covid_until)
    if _yes(answers, "SEVERE_ALLERGY_HISTORY") or _yes(answers, "IMMUNOCOMPROMISED"):
        found.append((REFER, "severe allergy history or immunocompromise"))
    if ruleset.hypertension_refers and vitals.systolic_mmhg and not 90 <= vitals.systolic_mmhg <= 140:
        found.append((REFER, f"systolic {vitals.systolic_mmhg} mmHg"))
    if ruleset.abnormal_vitals_caution:
        found.extend((CAUTION, f"abnormal vital sign: {sign}") for sign in abnormal_vitals(vitals))

    outcome = max((o for o, _ in found), key=_STRENGTH.__getitem__, default=ELIGIBLE)
    return ScreeningOutcome(
        outcome=outcome,
        postponed_until_date=max(postpone_until) if outcome == POSTPONED else None,
        postponed_until_condition=condition if outcome == POSTPONED else "",
        contraindicated_products=contraindicated,
        reasons=tuple(reason for _, reason in found),
    )
