"""Versioned schedule rules: primary-series intervals, mixing (heterologous doses), boosters and age.

A rule set is chosen by the date of the dose (the one in force that day) and its id is recorded on the
dose. Products are identified by the presentation's vaccine code (CVX where one exists, else a national
code such as ``SPUTNIK-V-II``); the campaign's one product table, ``eventkit.products``, maps every code,
brand and name to a product key (certificate reads the same table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eventkit import products
from eventkit.errors import DomainError

SERIES = ("PRIMARY", "ADDITIONAL", "BOOSTER")
product_of = products.product_of


@dataclass(frozen=True)
class Interval:
    """Days after the previous dose: no earlier than ``minimum``, recommended ``due``, latest ``latest``."""

    minimum: int
    due: int
    latest: int | None


@dataclass(frozen=True)
class ScheduleRules:
    rule_id: str
    effective_from: date
    primary_doses: dict[str, int]
    primary_interval: dict[str, Interval]  # keyed by the product of the previous dose
    heterologous: frozenset[tuple[str, str]] = frozenset()  # (earlier product, this product), consent needed
    min_age: dict[str, int] = field(default_factory=dict)  # years; default 18
    not_in_pregnancy: frozenset[str] = frozenset({"SPUTNIK"})
    booster: Interval | None = None  # after the primary series (or the previous booster)
    additional: Interval | None = None  # for special groups, after the primary series
    booster_any_product: bool = False


_DOSES = {"ASTRAZENECA": 2, "PFIZER": 2, "MODERNA": 2, "SINOPHARM": 2, "SINOVAC": 2, "SPUTNIK": 2, "JANSSEN": 1}
_INTERVALS = {
    "ASTRAZENECA": Interval(56, 70, 84), "PFIZER": Interval(21, 21, 42), "MODERNA": Interval(28, 28, 42),
    "SINOPHARM": Interval(21, 21, 28), "SINOVAC": Interval(14, 21, 28), "SPUTNIK": Interval(21, 21, 90),
}
_AZ_4_TO_12 = {**_INTERVALS, "ASTRAZENECA": Interval(28, 56, 84)}
_AZ_PFIZER = frozenset({("ASTRAZENECA", "PFIZER"), ("ASTRAZENECA", "MODERNA")})
_MRNA_BOOSTER = Interval(180, 180, None)

RULES: tuple[ScheduleRules, ...] = (
    ScheduleRules("VN-SCHEDULE-2021-03-08", date(2021, 3, 8), _DOSES, _INTERVALS),
    ScheduleRules("VN-SCHEDULE-2021-07-20", date(2021, 7, 20), _DOSES, _INTERVALS, heterologous=_AZ_PFIZER),
    ScheduleRules("VN-SCHEDULE-2021-09-20", date(2021, 9, 20), _DOSES, _AZ_4_TO_12, heterologous=_AZ_PFIZER),
    ScheduleRules("VN-SCHEDULE-2021-10-01", date(2021, 10, 1), _DOSES, _AZ_4_TO_12, heterologous=_AZ_PFIZER,
                  min_age={"PFIZER": 12}),
    ScheduleRules("VN-SCHEDULE-2021-12-01", date(2021, 12, 1), _DOSES, _AZ_4_TO_12, heterologous=_AZ_PFIZER,
                  min_age={"PFIZER": 12}, booster=_MRNA_BOOSTER, additional=Interval(28, 28, None),
                  booster_any_product=True),
    ScheduleRules("VN-SCHEDULE-2022-01-01", date(2022, 1, 1), _DOSES, _AZ_4_TO_12, heterologous=_AZ_PFIZER,
                  min_age={"PFIZER": 12}, booster=Interval(90, 90, None), additional=Interval(28, 28, None),
                  booster_any_product=True),
)


def rules_in_force(day: date) -> ScheduleRules:
    applicable = [r for r in RULES if r.effective_from <= day]
    if not applicable:
        raise DomainError(f"no schedule rules were in force on {day}", field="administered_at", rule="INV-21")
    return applicable[-1]


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


MULTI_COMPONENT = frozenset(p.key for p in products.PRODUCTS if p.components)


def required_component(product: str, dose_number: int) -> str:
    """Sputnik-style products: dose 1 is component I, dose 2 component II; other products have none."""
    if product not in MULTI_COMPONENT:
        return ""
    return "I" if dose_number == 1 else "II"


def component_of(components: tuple[str, ...], vaccine_code: str = "") -> str:
    """The component a presentation holds: its one component code ("I" / "II"), else the one its vaccine
    code names (``SPUTNIK-V-II``), else "" (single-component product, or unknown)."""
    if len(components) == 1:
        return components[0]
    return products.component_of(vaccine_code) if vaccine_code else ""
