"""Screening and the dose gate agree (issue 18, item 3): timing, contraindications by brand or code, REFER
at a hospital, continuity of ADDITIONAL doses."""

from __future__ import annotations

from datetime import date

import pytest

from eventkit.errors import DomainError
from services.immunization.domain import dose_gate, record, screening
from services.immunization.domain import events as ev

from .builders import HOSPITAL, NOW, at, context, dose, given, screened_visit

OCT = date(2021, 10, 15)
DEC = date(2021, 12, 20)


def _decide(state, command, ctx):
    return dose_gate.administer_dose(state, command, ctx, now=NOW)


def test_a_dose_timed_before_the_visits_screening_is_refused_and_at_it_accepted():
    # screened_visit screens at 08:05; the vial was opened at 08:00
    with pytest.raises(DomainError) as caught:
        _decide(record.PersonRecord(person_id="P-1"), dose(OCT, 8, 4), context(OCT))
    assert (caught.value.rule, caught.value.field) == ("INV-20", "administered_at")
    produced = _decide(record.PersonRecord(person_id="P-1"), dose(OCT, 8, 5), context(OCT))
    assert produced[0].administered_at == at(OCT, 8, 5)


@pytest.mark.parametrize("answer", ["208", "Comirnaty", "COMIRNATY", "Pfizer", "pfizer-biontech", "BNT162b2"])
def test_an_anaphylaxis_answer_naming_pfizer_by_code_brand_or_name_bans_pfizer_at_the_dose(answer):
    visit_state = screened_visit(OCT, outcome_of={"answers": {"ANAPHYLAXIS_PREVIOUS_DOSE": answer}})
    assert visit_state.screening.outcome == "CONTRAINDICATED"
    assert visit_state.screening.contraindicated_products == ("PFIZER",)
    # the same contraindication noted from another visit, on the record, bans a Pfizer vial there
    noted = record.evolve(record.PersonRecord(person_id="P-1"),
                          ev.ScreeningCompleted("V-0", "P-1", "s", ev.Vitals(), (), None, "CONTRAINDICATED", None,
                                                "", visit_state.screening.contraindicated_products,
                                                "QD-4355-2021-09-10", at(date(2021, 10, 1))))
    with pytest.raises(DomainError) as caught:
        _decide(noted, dose(OCT), context(OCT, "PFIZER"))
    assert (caught.value.rule, caught.value.field) == ("INV-20", "vial_opening_id")
    _decide(noted, dose(OCT), context(OCT, "AZ"))  # another product is not banned


@pytest.mark.parametrize("answer, target", [("MRNA", "MRNA"), ("viral vector", "VIRAL_VECTOR"),
                                            ("SPUTNIK-V-I", "SPUTNIK"), ("Vaxzevria", "ASTRAZENECA"),
                                            ("Covishield", "ASTRAZENECA"), ("210", "ASTRAZENECA")])
def test_answers_are_recorded_as_the_product_or_platform_the_gate_compares(answer, target):
    outcome = screening.evaluate(screening.ruleset_in_force(OCT), ev.Vitals(), {"ANAPHYLAXIS_PREVIOUS_DOSE": answer},
                                 None, OCT)
    assert outcome.contraindicated_products == (target,)


@pytest.mark.parametrize("answer", ["YES", "the pink one", "Pfizzer", "999"])
def test_an_answer_naming_no_known_product_is_refused_at_screening(answer):
    with pytest.raises(DomainError) as caught:
        screened_visit(OCT, outcome_of={"answers": {"ANAPHYLAXIS_PREVIOUS_DOSE": answer}})
    assert (caught.value.rule, caught.value.field) == ("INV-20", "answers")


def test_a_contraindication_stored_by_brand_before_the_fix_is_still_enforced():
    old = record.evolve(record.PersonRecord(person_id="P-1"),
                        ev.ScreeningCompleted("V-0", "P-1", "s", ev.Vitals(), (), None, "CONTRAINDICATED", None, "",
                                              ("COMIRNATY",), "QD-4355-2021-09-10", at(date(2021, 10, 1))))
    with pytest.raises(DomainError) as caught:
        _decide(old, dose(OCT), context(OCT, "PFIZER"))
    assert caught.value.rule == "INV-20"


def test_refer_to_hospital_is_vaccinated_at_a_hospital_capable_site():
    referred = screened_visit(OCT, outcome_of={"answers": {"SEVERE_ALLERGY_HISTORY": "YES"}})
    assert referred.screening.outcome == "REFER_TO_HOSPITAL"
    produced = _decide(record.PersonRecord(person_id="P-1"), dose(OCT), context(OCT, visit_state=referred,
                                                                               site=HOSPITAL))
    assert produced[0].site_id == HOSPITAL.location_id


def _primary_az() -> record.PersonRecord:
    state = record.PersonRecord(person_id="P-1")
    for e in (given(date(2021, 8, 1)), given(date(2021, 9, 1), number=2)):
        state = record.evolve(state, e)
    return state


@pytest.mark.parametrize("name", ["AZ", "PFIZER", "SINOPHARM"])
def test_an_additional_dose_follows_the_booster_product_rule(name):
    produced = _decide(_primary_az(), dose(DEC, series="ADDITIONAL", dose_number=1), context(DEC, name))
    assert (produced[0].series, produced[0].vaccine_code) == ("ADDITIONAL", context(DEC, name).presentation.vaccine_code)
