"""FHIR mapping and search semantics of the immunization record, checked by a FHIR library that is not ours
(fhir.resources, R4B models: Immunization, ImmunizationRecommendation and Bundle are structurally R4's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.immunizationrecommendation import ImmunizationRecommendation
from fhir.resources.R4B.operationoutcome import OperationOutcome

from eventkit.web.fhir import outcome_of_problem
from services.immunization.domain.fhir import DDCC, DoseFacts, NextDoseFacts, immunization, recommendation
from services.immunization.domain.fhir_export import ndjson, parse_export
from services.immunization.domain.fhir_search import InvalidSearch, day_range, instant_range, parse_search
from services.immunization.domain.record import Recommendation

ICT = timezone(timedelta(hours=7))
GIVEN = datetime(2021, 8, 21, 9, 30, tzinfo=ICT)
EVENT = "0190f5e2-7a3b-7c4d-8e5f-6a7b8c9d0e1f"


def dose(**changes) -> DoseFacts:
    fields = dict(dose_id="D-0001", event_id=EVENT, person_id="P-0001", vaccine_code="210", series="PRIMARY",
                  dose_number=1, administered_date=GIVEN.date(), administered_at=GIVEN, lot_number="ABV5300",
                  site_id="S-HOSPITAL-1", site_name="District hospital", performer_id="vaccinator-7",
                  historical=False, country="VN", entered_in_error=False, series_doses=2)
    return DoseFacts(**{**fields, **changes})


def extension(resource, name: str):
    return next(e for e in resource.extension if e.url == DDCC + name)


def test_a_dose_is_an_r4_immunization_carrying_every_ddcc_vs_vaccination_element():
    parsed = Immunization.model_validate(immunization(dose()))
    assert parsed.id == EVENT and parsed.status == "completed" and parsed.patient.reference == "Patient/P-0001"
    assert {(c.system, c.code) for c in parsed.vaccineCode.coding} == {
        ("http://www.whocc.no/atc", "J07BX03"), ("http://hl7.org/fhir/sid/cvx", "210")}  # vaccine or prophylaxis
    assert (extension(parsed, "DDCCVaccineBrand").valueCoding.code, extension(parsed, "DDCCVaccineBrand")
            .valueCoding.system) == ("EU/1/21/1529", "https://ec.europa.eu/health/documents/community-register/html/")
    assert extension(parsed, "DDCCVaccineMarketAuthorization").valueCoding.code == "ORG-100001699"
    assert extension(parsed, "DDCCCountryOfVaccination").valueCode == "VN"
    assert parsed.manufacturer.identifier.value == "ORG-100001699"
    assert parsed.lotNumber == "ABV5300" and parsed.occurrenceDateTime.isoformat() == "2021-08-21T09:30:00+07:00"
    assert parsed.location.display == "District hospital"  # administering centre
    assert parsed.performer[0].actor.identifier.value == "vaccinator-7"  # health worker
    applied = parsed.protocolApplied[0]
    assert (applied.doseNumberPositiveInt, applied.seriesDosesPositiveInt) == (1, 2)
    assert applied.targetDisease[0].coding[0].code == "840539006"  # SNOMED CT COVID-19


def test_a_historical_dose_keeps_its_day_and_country_and_a_voided_dose_is_entered_in_error():
    parsed = Immunization.model_validate(immunization(dose(
        administered_at=None, administered_date=date(2021, 8, 1), historical=True, country="FR", site_id="",
        site_name="", performer_id="", lot_number="", entered_in_error=True, vaccine_code="208", series_doses=0)))
    assert parsed.status == "entered-in-error" and parsed.primarySource is False
    assert str(parsed.occurrenceDateTime) == "2021-08-01" and extension(parsed, "DDCCCountryOfVaccination").valueCode == "FR"
    assert parsed.protocolApplied[0].seriesDosesPositiveInt == 2 and parsed.lotNumber is None


def test_an_unknown_product_keeps_its_name_and_is_still_a_valid_immunization():
    parsed = Immunization.model_validate(immunization(dose(vaccine_code="ZF2001")))
    assert parsed.vaccineCode.text == "ZF2001" and extension(parsed, "DDCCVaccineBrand").valueCoding.display == "ZF2001"


def test_the_next_dose_is_an_immunization_recommendation_with_the_ddcc_next_vaccination_date():
    parsed = ImmunizationRecommendation.model_validate(recommendation(NextDoseFacts("P-0001", Recommendation(
        "PRIMARY", 2, date(2021, 9, 18), date(2021, 10, 16), date(2021, 11, 13), ("ASTRAZENECA", "PFIZER"), "VN-1"),
        date(2021, 8, 21), (EVENT,))))
    item = parsed.recommendation[0]
    due = next(c for c in item.dateCriterion if c.code.coding[0].code == "30980-7")  # LOINC: date vaccine due
    assert str(due.value) == "2021-10-16" and item.doseNumberPositiveInt == 2
    assert [v.coding[-1].code for v in item.vaccineCode] == ["210", "208"]
    assert item.supportingImmunization[0].reference == f"Immunization/{EVENT}"


def matches(expression: str, target) -> bool:
    search = parse_search([("patient", "Patient/P-1"), *(("date", v) for v in expression.split("&"))], ICT,
                          dates=True)
    return search.matches(target)


@pytest.mark.parametrize("expression, expected", [
    ("2021-08-21", True), ("eq2021-08", True), ("2021", True), ("eq2021-08-22", False), ("ne2021-08-21", False),
    ("ge2021-08-21", True), ("gt2021-08-21", False), ("gt2021-08-20", True), ("le2021-08-21", True),
    ("lt2021-08-21", False), ("lt2021-08-22", True), ("sa2021-08-20", True), ("eb2021-08-22", True),
    ("eb2021-08-21", False), ("ge2021-08-01&le2021-08-31", True), ("ge2021-09-01&le2021-09-30", False),
    ("2021-07-01,2021-08-21", True), ("ge2021-08-21T09:30:00+07:00", True), ("gt2021-08-21T02:30:00Z", False),
    ("lt2021-08-21T09:30:00.000001+07:00", True),
])
def test_date_prefixes_follow_the_fhir_range_semantics(expression, expected):
    assert matches(expression, instant_range(GIVEN)) is expected


def test_a_historical_dose_is_its_whole_campaign_day():
    day = day_range(date(2021, 8, 1), ICT)
    assert matches("2021-08-01", day) and matches("ge2021-08-01T12:00:00+07:00", day)
    assert not matches("eq2021-08-01T12:00:00+07:00", day) and matches("le2021-08-01", day)


@pytest.mark.parametrize("params, rule, field", [
    ([("patient", "P-1"), ("date", "2021-13-01")], "date-format", "date"),
    ([("patient", "P-1"), ("date", "ge2021-08-21T09:00:00")], "date-format", "date"),  # a time needs a zone
    ([("patient", "P-1"), ("date", "ap2021-08-21")], "unsupported-prefix", "date"),
    ([("patient", "P-1"), ("date", "xx2021")], "prefix", "date"),
    ([("patient", "P-1"), ("vaccine-code", "210")], "unknown-parameter", "vaccine-code"),
    ([("patient", "P-1"), ("date:missing", "true")], "modifier", "date:missing"),
    ([("date", "2021")], "required", "patient"),
    ([("patient", "P-1,P-2")], "one-patient", "patient"),
    ([("patient", "Group/7")], "reference", "patient"),
    ([("patient", "P-1"), ("_count", "-1")], "range", "_count"),
    ([("patient", "P-1"), ("_format", "xml")], "format", "_format"),
])
def test_a_bad_or_unknown_search_parameter_is_refused_naming_it(params, rule, field):
    with pytest.raises(InvalidSearch) as refused:
        parse_search(params, ICT, dates=True)
    assert (refused.value.status, refused.value.rule, refused.value.field) == (400, rule, field)


def test_patient_is_a_reference_or_an_id_and_lenient_handling_ignores_unknown_parameters():
    for value in ("Patient/P-1", "P-1", "https://fhir.example.org/fhir/Patient/P-1"):
        assert parse_search([("patient", value)], ICT, dates=True).patient == "P-1"
    lenient = parse_search([("patient", "P-1"), ("vaccine-code", "210")], ICT, dates=True, lenient=True)
    assert lenient.canonical == (("patient", "P-1"),)
    with pytest.raises(InvalidSearch):
        parse_search([("patient", "P-1"), ("date", "2021")], ICT, dates=False)  # no date on recommendations


def test_export_parameters_and_ndjson_lines():
    assert parse_export([]) == ("Immunization", "ImmunizationRecommendation")
    assert parse_export([("_type", "Immunization"), ("_outputFormat", "application/fhir+ndjson")]) == ("Immunization",)
    for params, rule in (([("_type", "Patient")], "resource-type"), ([("_since", "2021-01-01T00:00:00Z")],
                         "unsupported-parameter"), ([("_outputFormat", "text/csv")], "format")):
        with pytest.raises(InvalidSearch) as refused:
            parse_export(params)
        assert refused.value.rule == rule
    assert parse_export([("_since", "2021-01-01T00:00:00Z")], lenient=True) == ("Immunization",
                                                                                  "ImmunizationRecommendation")
    count, text = ndjson([immunization(dose()), immunization(dose(event_id=EVENT[:-1] + "0"))])
    assert count == 2 and text.count("\n") == 2
    assert all(Immunization.model_validate_json(line).id for line in text.splitlines())


def test_a_problem_becomes_an_operation_outcome_naming_the_field_and_rule():
    parsed = OperationOutcome.model_validate(outcome_of_problem(
        {"status": 400, "title": "Invalid search", "detail": "bad date", "rule": "date-format", "field": "date",
         "request_id": "req-1"}))
    issue = parsed.issue[0]
    assert (issue.severity, issue.code, issue.diagnostics, issue.expression) == ("error", "invalid", "bad date", ["date"])
    assert "date-format" in issue.details.text
