"""Step 2, screening: versioned rulesets chosen by date, raw inputs in, outcome out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.immunization.domain.events import Vitals
from services.immunization.domain.screening import evaluate, ruleset_in_force

NORMAL = Vitals(Decimal("36.8"), 78, 120, 75, 16)
SEP_2021 = date(2021, 9, 15)


def outcome(vitals=NORMAL, answers=None, pregnancy_weeks=None, on=SEP_2021):
    return evaluate(ruleset_in_force(on), vitals, answers or {}, pregnancy_weeks, on)


def test_the_ruleset_in_force_is_chosen_by_the_screening_date():
    assert ruleset_in_force(date(2021, 6, 1)).ruleset_id == "VN-SCREENING-2021-03-08"
    assert ruleset_in_force(date(2021, 9, 10)).ruleset_id == "QD-4355-2021-09-10"
    assert ruleset_in_force(date(2022, 2, 1)).ruleset_id == "QD-4355-AMENDED-2021-12-01"


def test_normal_vitals_and_no_findings_are_eligible():
    assert outcome().outcome == "ELIGIBLE"


@pytest.mark.parametrize("vitals", [
    Vitals(Decimal("35.2"), 78, 120, 75, 16), Vitals(Decimal("37.7"), 78, 120, 75, 16),
    Vitals(Decimal("36.8"), 55, 120, 75, 16), Vitals(Decimal("36.8"), 104, 120, 75, 16),
    Vitals(Decimal("36.8"), 78, 85, 75, 16), Vitals(Decimal("36.8"), 78, 145, 75, 16),
    Vitals(Decimal("36.8"), 78, 120, 55, 16), Vitals(Decimal("36.8"), 78, 120, 95, 16),
    Vitals(Decimal("36.8"), 78, 120, 75, 26),
])
def test_decision_4355_abnormal_vital_signs_mean_caution(vitals):
    assert outcome(vitals).outcome == "ELIGIBLE_WITH_CAUTION"


def test_a_temperature_of_38_2_postpones_with_an_until_date_and_condition():
    result = outcome(Vitals(Decimal("38.2"), 90, 120, 75, 16))
    assert (result.outcome, result.postponed_until_date, result.postponed_until_condition) == (
        "POSTPONED", date(2021, 9, 22), "RECOVERY_FROM_ACUTE_ILLNESS")


def test_pregnancy_under_13_weeks_postpones_until_week_13_and_from_13_weeks_means_caution():
    early = outcome(pregnancy_weeks=8)
    assert (early.outcome, early.postponed_until_date) == ("POSTPONED", date(2021, 10, 20))
    assert outcome(pregnancy_weeks=20).outcome == "ELIGIBLE_WITH_CAUTION"


def test_before_september_2021_any_pregnancy_was_postponed():
    assert outcome(pregnancy_weeks=20, on=date(2021, 6, 1)).outcome == "POSTPONED"


def test_covid_within_6_months_postpones_under_4355_but_not_after_the_december_amendment():
    assert outcome(answers={"COVID_RECOVERED_ON": "2021-08-01"}).outcome == "POSTPONED"
    assert outcome(answers={"COVID_RECOVERED_ON": "2021-11-01"}, on=date(2021, 12, 15)).outcome == "ELIGIBLE"


def test_anaphylaxis_to_a_previous_dose_contraindicates_that_platform():
    result = outcome(answers={"ANAPHYLAXIS_PREVIOUS_DOSE": "MRNA"})
    assert (result.outcome, result.contraindicated_products) == ("CONTRAINDICATED", ("MRNA",))


def test_severe_allergy_history_refers_to_hospital():
    assert outcome(answers={"SEVERE_ALLERGY_HISTORY": "YES"}).outcome == "REFER_TO_HOSPITAL"


def test_the_early_2021_ruleset_refers_high_blood_pressure_instead_of_caution():
    assert outcome(Vitals(Decimal("36.8"), 78, 160, 95, 16), on=date(2021, 6, 1)).outcome == "REFER_TO_HOSPITAL"


def test_the_strongest_finding_wins():
    result = outcome(Vitals(Decimal("38.5"), 110, 120, 75, 16), answers={"SEVERE_ALLERGY_HISTORY": "YES"})
    assert result.outcome == "POSTPONED" and len(result.reasons) >= 3
