"""Step 3, the dose gate: each invariant INV-20 ... INV-28 with its bad example (Given / When / Then)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from eventkit.testing import Scenario
from services.immunization.domain import dose_gate, record
from services.immunization.domain import events as ev
from services.immunization.domain.reference import PersonRef

from .builders import HOSPITAL, NOW, at, context, dose, given, lot, screened_visit

OCT = date(2021, 10, 15)


def gate(ctx):
    return Scenario(decide=lambda state, command: dose_gate.administer_dose(state, command, ctx, now=NOW),
                    evolve=record.evolve, initial=lambda: replace(record.PersonRecord.empty(), person_id="P-1"))


def test_an_eligible_first_dose_records_the_dose_and_draws_from_the_vial():
    dose_event, next_dose, drawn = dose_gate.administer_dose(record.PersonRecord(person_id="P-1"), dose(OCT),
                                                          context(OCT), now=NOW)
    assert (dose_event.series, dose_event.dose_number, dose_event.lot_number, dose_event.vaccine_code) == (
        "PRIMARY", 1, "ABV5300", "210")
    assert dose_event.schedule_rule_id == "VN-SCHEDULE-2021-10-01" and dose_event.presence_code_verified
    assert dose_event.screening_reference == "screening-event-1" and dose_event.volume_ml == Decimal("0.5")
    assert (next_dose.series, next_dose.dose_number, next_dose.earliest_date) == ("PRIMARY", 2, date(2021, 11, 12))
    assert drawn == ev.VialDoseDrawn("VIAL-1", "D-NEW", "P-1", "V-1", "SES-1", "S-79-760-01", "LOT-ABV5300",
                                     dose_event.administered_at)


# INV-20 -------------------------------------------------------------------------------------------------
def test_rejects_a_dose_after_a_screening_with_fever_that_postponed_it():
    feverish = screened_visit(OCT, outcome_of={"vitals": ev.Vitals(Decimal("38.2"), 80, 120, 75, 16)})
    assert feverish.screening.outcome == "POSTPONED"
    gate(context(OCT, visit_state=feverish)).when(dose(OCT)).then_rejects(rule="INV-20", field="visit_id")


def test_rejects_a_dose_at_a_commune_station_after_refer_to_hospital():
    referred = screened_visit(OCT, outcome_of={"answers": {"SEVERE_ALLERGY_HISTORY": "YES"}})
    assert referred.screening.outcome == "REFER_TO_HOSPITAL"
    gate(context(OCT, visit_state=referred)).when(dose(OCT)).then_rejects(rule="INV-20", field="visit_id")


def test_a_caution_outcome_is_vaccinated_at_a_hospital_capable_site_only():
    caution = screened_visit(OCT, outcome_of={"vitals": ev.Vitals(Decimal("36.8"), 112, 120, 75, 16)})
    gate(context(OCT, visit_state=caution)).when(dose(OCT)).then_rejects(rule="INV-20", field="visit_id")
    events = dose_gate.administer_dose(record.PersonRecord(person_id="P-1"), dose(OCT),
                                    context(OCT, visit_state=caution, site=HOSPITAL), now=NOW)
    assert events[0].site_id == HOSPITAL.location_id


def test_rejects_a_dose_without_a_same_visit_screening():
    checked_in_only = replace(screened_visit(OCT), screening=None)
    gate(context(OCT, visit_state=checked_in_only)).when(dose(OCT)).then_rejects(rule="INV-20", field="visit_id")


def earlier_screening(outcome: str, *, until: date | None = None, products: tuple[str, ...] = (),
                      visit_id: str = "V-0") -> ev.ScreeningCompleted:
    """A screening at another visit of P-1, as noted on the person's record (``record.note_screening``)."""
    return ev.ScreeningCompleted(visit_id, "P-1", "screener-1", ev.Vitals(), (), None, outcome, until, "", products,
                                 "QD-4355-2021-09-10", at(date(2021, 10, 11)))


def test_never_gives_a_product_contraindicated_at_an_earlier_screening():
    # Decided on the person's record alone: the context carries no read-model facts about other visits.
    gate(context(OCT)).given(earlier_screening("CONTRAINDICATED", products=("VIRAL_VECTOR",))).when(
        dose(OCT)).then_rejects(rule="INV-20", field="vial_opening_id")


def test_rejects_a_dose_before_an_earlier_postponement_ends():
    gate(context(OCT)).given(earlier_screening("POSTPONED", until=date(2021, 10, 20))).when(
        dose(OCT)).then_rejects(rule="INV-20", field="administered_at")


def test_a_dose_on_the_day_an_earlier_postponement_ends_is_accepted():
    ended = date(2021, 10, 20)
    state = record.evolve(record.PersonRecord(person_id="P-1"), earlier_screening("POSTPONED", until=ended))
    produced = dose_gate.administer_dose(state, dose(ended), context(ended), now=NOW)
    assert isinstance(produced[0], ev.DoseAdministered)


def test_a_rescreening_of_the_earlier_visit_replaces_its_postponement_on_the_record():
    eligible_again = earlier_screening("ELIGIBLE")
    state = record.PersonRecord(person_id="P-1")
    for event in (earlier_screening("POSTPONED", until=date(2021, 10, 20)), eligible_again):
        state = record.evolve(state, event)
    assert state.postponed_until("V-1") is None and state.contraindicated("V-1") == ()


def test_the_same_visits_own_noted_outcome_is_left_to_its_latest_screening():
    noted = record.evolve(record.PersonRecord(person_id="P-1"),
                          earlier_screening("POSTPONED", until=date(2021, 10, 20), visit_id="V-1"))
    assert noted.postponed_until("V-1") is None and noted.postponed_until("V-2") == date(2021, 10, 20)


# INV-21 -------------------------------------------------------------------------------------------------
def test_rejects_astrazeneca_dose_2_twenty_days_after_dose_1_under_the_8_to_12_week_rule():
    aug = date(2021, 8, 21)
    gate(context(aug)).given(given(date(2021, 8, 1))).when(dose(aug, dose_number=2)).then_rejects(
        rule="INV-21", field="administered_at")


def test_an_early_dose_with_an_override_reason_and_approver_is_recorded_and_flagged():
    aug = date(2021, 8, 21)
    override = ev.IntervalOverride("outbreak response, travel", "doctor-7")
    [dose_event, _] = dose_gate.administer_dose(
        record.evolve(record.PersonRecord(person_id="P-1"), given(date(2021, 8, 1))),
        dose(aug, dose_number=2, interval_override=override), context(aug), now=NOW)
    assert dose_event.interval_override == override


def test_from_20_september_2021_astrazeneca_dose_2_may_follow_after_4_weeks():
    oct_day = date(2021, 10, 15)
    events = dose_gate.administer_dose(record.evolve(record.PersonRecord(person_id="P-1"), given(date(2021, 9, 15))),
                                    dose(oct_day, dose_number=2), context(oct_day), now=NOW)
    assert events[0].schedule_rule_id == "VN-SCHEDULE-2021-10-01"


def test_rejects_a_booster_two_months_after_the_primary_series_under_the_6_month_rule():
    dec = date(2021, 12, 15)
    gate(context(dec, "PFIZER")).given(given(date(2021, 8, 1), "PFIZER"), given(date(2021, 10, 10), "PFIZER", number=2)
                                       ).when(dose(dec, series="BOOSTER")).then_rejects(rule="INV-21")


def test_rejects_a_booster_before_any_booster_rule_was_in_force():
    nov = date(2021, 11, 15)
    gate(context(nov, "PFIZER")).given(given(date(2021, 4, 1), "PFIZER"), given(date(2021, 4, 22), "PFIZER", number=2)
                                       ).when(dose(nov, series="BOOSTER")).then_rejects(rule="INV-21", field="series")


# INV-22 -------------------------------------------------------------------------------------------------
def test_rejects_sinopharm_dose_1_then_pfizer_dose_2_in_august_2021():
    aug = date(2021, 8, 30)
    gate(context(aug, "PFIZER")).given(given(date(2021, 8, 1), "SINOPHARM")).when(dose(aug, dose_number=2)
                                                                                 ).then_rejects(rule="INV-22")


def test_rejects_astrazeneca_then_pfizer_without_consent_and_accepts_it_with_consent():
    oct_day = date(2021, 10, 15)
    history = given(date(2021, 8, 1))
    gate(context(oct_day, "PFIZER")).given(history).when(dose(oct_day, dose_number=2)).then_rejects(
        rule="INV-22", field="heterologous_consent")
    events = dose_gate.administer_dose(record.evolve(record.PersonRecord(person_id="P-1"), history),
                                    dose(oct_day, dose_number=2, heterologous_consent=True),
                                    context(oct_day, "PFIZER"), now=NOW)
    assert events[0].heterologous_consent


def test_sputnik_dose_1_is_component_i_and_dose_2_component_ii():
    sep = date(2021, 9, 1)
    gate(context(sep, "SPUTNIK-II")).when(dose(sep)).then_rejects(rule="INV-22", field="vial_opening_id")
    later = date(2021, 9, 30)
    gate(context(later, "SPUTNIK-I")).given(given(sep, "SPUTNIK-I", component="I")).when(
        dose(later, dose_number=2)).then_rejects(rule="INV-22")
    events = dose_gate.administer_dose(record.evolve(record.PersonRecord(person_id="P-1"), given(sep, "SPUTNIK-I")),
                                    dose(later, dose_number=2), context(later, "SPUTNIK-II"), now=NOW)
    assert events[0].component == "II"


# INV-23 -------------------------------------------------------------------------------------------------
def test_rejects_a_second_primary_dose_1_for_the_same_person():
    gate(context(OCT)).given(given(date(2021, 8, 1))).when(dose(OCT, dose_number=1)).then_rejects(
        rule="INV-23", field="dose_number")


def test_rejects_dose_2_with_no_dose_1():
    gate(context(OCT)).when(dose(OCT, dose_number=2)).then_rejects(rule="INV-23", field="dose_number")


def test_rejects_a_booster_after_one_astrazeneca_dose():
    dec = date(2021, 12, 20)
    gate(context(dec, "PFIZER")).given(given(date(2021, 5, 1))).when(dose(dec, series="BOOSTER")).then_rejects(
        rule="INV-23", field="series")


def test_a_booster_six_months_after_a_complete_primary_series_is_accepted():
    dec = date(2021, 12, 20)
    history = record.PersonRecord(person_id="P-1")
    for event in (given(date(2021, 4, 1)), given(date(2021, 6, 1), number=2)):
        history = record.evolve(history, event)
    events = dose_gate.administer_dose(history, dose(dec, series="BOOSTER"), context(dec, "PFIZER"), now=NOW)
    assert (events[0].series, events[0].dose_number) == ("BOOSTER", 1)


# INV-24 -------------------------------------------------------------------------------------------------
def test_rejects_astrazeneca_for_a_16_year_old_in_november_2021():
    nov = date(2021, 11, 15)
    teen = PersonRef("P-1", True, "760", date(2005, 6, 1))
    gate(context(nov, person=teen)).when(dose(nov)).then_rejects(rule="INV-24")


def test_pfizer_for_a_16_year_old_is_allowed_from_october_2021_but_not_before():
    teen = PersonRef("P-1", True, "760", date(2005, 6, 1))
    sep = date(2021, 9, 25)
    gate(context(sep, "PFIZER", person=teen)).when(dose(sep)).then_rejects(rule="INV-24")
    assert dose_gate.administer_dose(record.PersonRecord(person_id="P-1"), dose(OCT),
                                  context(OCT, "PFIZER", person=teen), now=NOW)


def test_rejects_sputnik_when_the_screening_recorded_pregnancy():
    pregnant = screened_visit(OCT, outcome_of={"pregnancy_weeks": 20})
    hospital = context(OCT, "SPUTNIK-I", site=HOSPITAL, visit_state=pregnant)
    gate(hospital).when(dose(OCT)).then_rejects(rule="INV-24", field="vial_opening_id")


# INV-25 / INV-26 / INV-28 (the vial) and INV-10 / INV-11 (the lot) --------------------------------------
def test_rejects_an_11th_dose_from_a_10_dose_vial():
    gate(context(OCT, drawn=10)).when(dose(OCT)).then_rejects(rule="INV-25", field="vial_opening_id")


def test_rejects_a_dose_at_14_30_from_a_vial_opened_at_08_00_under_a_6_hour_window():
    gate(context(OCT)).when(dose(OCT, hour=14, minute=30)).then_rejects(rule="INV-26", field="administered_at")


def test_rejects_a_dose_from_a_vial_of_a_closed_session():
    ctx = context(OCT)
    closed = replace(ctx, session=replace(ctx.session, status="CLOSED"))
    gate(closed).when(dose(OCT)).then_rejects(rule="INV-26")


def test_rejects_a_dose_whose_lot_differs_from_its_vials_lot():
    gate(context(OCT)).when(dose(OCT, lot_id="LOT-OTHER")).then_rejects(rule="INV-28", field="lot_id")


def test_rejects_a_dose_at_a_site_that_holds_none_of_that_lot():
    gate(context(OCT, lot_state=lot(held=False))).when(dose(OCT)).then_rejects(rule="INV-28")


def test_rejects_a_dose_from_a_vial_not_opened_in_this_session():
    gate(context(OCT)).when(dose(OCT, vial_opening_id="VIAL-A+B")).then_rejects(rule="INV-28",
                                                                              field="vial_opening_id")


def test_rejects_a_dose_from_lot_abv5300_while_it_is_suspended():
    gate(context(OCT, lot_state=lot(status="SUSPENDED"))).when(dose(OCT)).then_rejects(rule="INV-11")


def test_rejects_a_dose_the_day_after_the_lots_extended_expiry():
    gate(context(OCT, lot_state=lot(expiry=date(2021, 10, 14)))).when(dose(OCT)).then_rejects(rule="INV-10")


@pytest.mark.parametrize("series", ["PRIMARY", "BOOSTER"])
def test_rejects_a_second_dose_at_the_same_visit(series):
    history = replace(given(OCT), visit_id="V-1")
    gate(context(OCT)).given(history).when(dose(OCT, dose_number=2, series=series)).then_rejects(
        rule="INV-23", field="visit_id")
