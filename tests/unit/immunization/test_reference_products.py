"""Every product of the reference data, as the schedule knows it (issue 18, item 2).

Each presentation of ``services/inventory/seed/reference.v1.json`` (what inventory announces and immunization
and certificate read) is walked through a first dose, the minimum interval ±1 day, the second dose or
component, a booster and the age / pregnancy rules, under the schedule rules in force on each date.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from eventkit import products
from eventkit.errors import DomainError
from services.immunization.domain import dose_gate, record, schedule, session, vial
from services.immunization.domain import events as ev
from services.immunization.domain.reference import Lot, PersonRef, Presentation

from .builders import COMMUNE, HOSPITAL, NOW, at, dose, screened_visit

SEED = Path(__file__).resolve().parents[3] / "services/inventory/seed/reference.v1.json"
DAYS = (date(2021, 8, 2), date(2021, 10, 15), date(2022, 2, 1))


def _presentation(p: dict) -> Presentation:
    return Presentation(p["presentation_id"], p["version"], p["vaccine_code"], p["doses_per_vial"],
                        p["extra_doses_allowed"], Decimal(p["dose_volume_ml"]), p["open_vial_window_hours"],
                        p["min_age_years"], tuple(p["components"]), p["series_doses"], p["platform"])


REFERENCE = [_presentation(p) for p in json.loads(SEED.read_text())["presentations"]]
BY_ID = {(p.presentation_id, p.version): p for p in REFERENCE}


def _ids(p: Presentation) -> str:
    return f"{p.presentation_id}-v{p.version}"


def _first(p: Presentation) -> Presentation:
    """The presentation a series starts with: component I of a multi-component product, else ``p``."""
    if p.components and p.components[0] != "I":
        return next(q for q in REFERENCE if q.components == ("I",) and
                    products.product_of(q.vaccine_code) == products.product_of(p.vaccine_code))
    return p


def _second(p: Presentation) -> Presentation:
    """The presentation of dose 2: component II of a multi-component product, else the same."""
    if p.components:
        return next(q for q in REFERENCE if q.components == ("II",) and
                    products.product_of(q.vaccine_code) == products.product_of(p.vaccine_code))
    return p


def _earliest(since: date, minimum_on) -> date:
    """The first day the rules in force that day allow (``minimum_on(day)`` days after ``since``)."""
    day = since
    while (day - since).days < minimum_on(day):
        day += timedelta(days=1)
    return day


def ctx(day: date, p: Presentation, *, visit_state=None, site=COMMUNE,
        person: PersonRef | None = None) -> dose_gate.DoseContext:
    the_session = session.evolve(session.Session.empty(), ev.SessionOpened("SES-1", site.location_id, (), at(day, 7)))
    the_lot = Lot("LOT-1", "L1", p.presentation_id, p.version, date(2023, 12, 31), "RELEASED", True)
    the_vial = vial.evolve(vial.Vial.empty(), ev.VialOpened("VIAL-1", site.location_id, "SES-1", "LOT-1",
                                                            p.doses_per_vial, at(day, 8), at(day, 14),
                                                            p.presentation_id, p.version))
    return dose_gate.DoseContext(visit_state or screened_visit(day), the_session, site, the_lot, p,
                                 person or PersonRef("P-1", True, "760", date(1980, 5, 17)), "scr-1",
                                 vial=the_vial)


def give(state: record.PersonRecord, day: date, p: Presentation, series="PRIMARY", number=1, **kw):
    produced = dose_gate.administer_dose(state, dose(day, series=series, dose_number=number, dose_id=f"D-{day}"),
                                         ctx(day, p, **kw), now=NOW)
    for e in produced[:-1]:  # the last is the vial's VialDoseDrawn; each visit gets its own id on the record
        state = record.evolve(state, replace(e, visit_id=f"V-{day}") if isinstance(e, ev.DoseAdministered) else e)
    return state, produced[0]


def refused(state, day, p, series="PRIMARY", number=1, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        give(state, day, p, series, number, **kw)
    return caught.value


def test_every_reference_code_names_a_product_the_schedule_has_rules_for():
    for p in REFERENCE:
        product = products.product_of(p.vaccine_code)
        assert product in schedule.RULES[0].primary_doses, (p.presentation_id, product)
        assert schedule.RULES[0].primary_doses[product] == p.series_doses
        assert products.identify(p.vaccine_code).product.platform == p.platform
        assert products.component_of(p.vaccine_code) == (p.components[0] if p.components else "")


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("p", REFERENCE, ids=_ids)
def test_first_dose_interval_second_dose_or_component_and_booster(p: Presentation, day: date):
    empty = record.PersonRecord(person_id="P-1")
    product = products.product_of(p.vaccine_code)
    if p.components and p.components[0] != "I":
        error = refused(empty, day, p)  # component II is never a first dose
        assert (error.rule, error.field) == ("INV-22", "vial_opening_id")
        return
    state, first = give(empty, day, p)
    assert first.component == (p.components[0] if p.components else "")
    if p.series_doses == 1:
        error = refused(state, day + timedelta(days=60), p, number=2)
        assert error.rule == "INV-23"
        last = day
    else:
        second = _second(p)
        last = _earliest(day, lambda d: schedule.rules_in_force(d).primary_interval[product].minimum)
        error = refused(state, last - timedelta(days=1), second, number=2)
        assert (error.rule, error.field) == ("INV-21", "administered_at")
        if second is not p:
            error = refused(state, last, p, number=2)  # component I again is not dose 2
            assert (error.rule, error.field) == ("INV-22", "vial_opening_id")
        state, second_dose = give(state, last, second, number=2)
        assert second_dose.dose_number == 2
    booster_day = _earliest(last, lambda d: schedule.rules_in_force(d).booster.minimum
                            if schedule.rules_in_force(d).booster else 10_000)  # none before Dec 2021
    error = refused(state, booster_day - timedelta(days=1), _first(p), "BOOSTER", 1)
    assert error.rule == "INV-21" and error.field in ("administered_at", "series")  # series: no booster rule yet
    state, booster = give(state, booster_day, _first(p), "BOOSTER", 1)
    assert booster.series == "BOOSTER"


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("p", [q for q in REFERENCE if q is _first(q)], ids=_ids)
def test_age_on_the_day(p: Presentation, day: date):
    rules = schedule.rules_in_force(day)
    minimum = max(p.min_age_years, rules.min_age.get(products.product_of(p.vaccine_code), 18))
    born = date(day.year - minimum, day.month, day.day)
    empty = record.PersonRecord(person_id="P-1")
    give(empty, day, p, person=PersonRef("P-1", True, "760", born))
    error = refused(empty, day, p, person=PersonRef("P-1", True, "760", born + timedelta(days=1)))
    assert (error.rule, error.field) == ("INV-24", "vial_opening_id")


@pytest.mark.parametrize("p", [q for q in REFERENCE if q is _first(q)], ids=_ids)
def test_pregnancy(p: Presentation):
    day = date(2021, 10, 15)  # Decision 4355: >= 13 weeks is a caution (vaccinated at a hospital-capable site)
    pregnant = replace(screened_visit(day, outcome_of={"pregnancy_weeks": 20}))
    assert pregnant.screening.outcome == "ELIGIBLE_WITH_CAUTION"
    empty = record.PersonRecord(person_id="P-1")
    if products.product_of(p.vaccine_code) in schedule.rules_in_force(day).not_in_pregnancy:
        error = refused(empty, day, p, visit_state=pregnant, site=HOSPITAL)
        assert (error.rule, error.field) == ("INV-24", "vial_opening_id")
    else:
        give(empty, day, p, visit_state=pregnant, site=HOSPITAL)


def test_sputnik_component_two_twice_is_refused_and_one_then_two_after_21_days_is_accepted():
    one, two = BY_ID[("SPUTNIK-V-I-1", 1)], BY_ID[("SPUTNIK-V-II-1", 1)]
    day = date(2021, 10, 15)
    empty = record.PersonRecord(person_id="P-1")
    assert refused(empty, day, two).rule == "INV-22"
    state, _ = give(empty, day, one)
    assert refused(state, day + timedelta(days=20), two, number=2).rule == "INV-21"
    state, second = give(state, day + timedelta(days=21), two, number=2)
    assert (second.vaccine_code, second.component) == ("SPUTNIK-V-II", "II")
