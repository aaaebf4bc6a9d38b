"""AEFI: date consistency, seriousness, deadlines and WHO causality codes (INV-30)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from eventkit.testing import Scenario
from services.immunization.domain import aefi, record
from services.immunization.domain import events as ev

from .builders import NOW, at, given

DAY = date(2021, 10, 15)
RECORD = record.evolve(record.PersonRecord(person_id="P-1"), given(DAY, dose_id="D-1"))
REPORT = aefi.ReportAefi("AEFI-1", "P-1", ("D-1",), at(DAY, 9, 20), ("anaphylaxis",), True, ("HOSPITALISATION",),
                         "RECOVERED", "SITE_OBSERVATION", "vaccinator-1", at(DAY, 9, 40))


def reporting():
    return Scenario(decide=lambda s, c: aefi.report(s, c, RECORD, now=NOW), evolve=aefi.evolve,
                    initial=aefi.AefiCase.empty)


def test_a_serious_report_names_its_lots_and_sites():
    [event] = aefi.report(aefi.AefiCase.empty(), REPORT, RECORD, now=NOW)
    assert (event.lot_ids, event.site_ids, event.serious) == (("LOT-ABV5300",), ("S-79-760-01",), True)


def test_rejects_an_onset_two_days_before_the_dose():
    reporting().when(replace(REPORT, onset_at=at(DAY - timedelta(days=2)))).then_rejects(rule="INV-30",
                                                                                          field="onset_at")


def test_rejects_a_serious_case_with_no_criteria():
    reporting().when(replace(REPORT, seriousness_criteria=())).then_rejects(rule="INV-30", field="seriousness_criteria")


def test_rejects_a_death_before_the_onset_and_a_death_without_outcome_fatal():
    fatal = replace(REPORT, outcome="FATAL", seriousness_criteria=("DEATH",), died_at=at(DAY, 9, 10))
    reporting().when(fatal).then_rejects(rule="INV-30", field="died_at")
    reporting().when(replace(fatal, outcome="RECOVERED", died_at=at(DAY, 12))).then_rejects(rule="INV-30")


def test_rejects_a_report_for_a_dose_that_is_not_the_persons():
    reporting().when(replace(REPORT, dose_ids=("D-404",))).then_rejects(rule="INV-30", field="dose_ids")


REPORTED = aefi.report(aefi.AefiCase.empty(), REPORT, RECORD, now=NOW)[0]


def test_investigation_is_due_24_hours_and_classification_5_days_after_the_report():
    state = aefi.evolve(aefi.AefiCase.empty(), REPORTED)
    [opened] = aefi.open_investigation(state, "DISTRICT", "officer-1", at=at(DAY, 12))
    assert opened.due_by == at(DAY, 9, 40) + timedelta(hours=24)
    [classified] = aefi.classify(aefi.evolve(state, opened), "PROVINCE", "A2", "particles", "council-1",
                                 at=at(DAY + timedelta(days=2)))
    assert classified.due_by == at(DAY, 9, 40) + timedelta(days=5)
    assert (classified.lot_review_requested, classified.lot_ids) == (True, ("LOT-ABV5300",))


def test_rejects_causality_a5_and_a_district_classification_of_a_serious_case():
    state = aefi.evolve(aefi.evolve(aefi.AefiCase.empty(), REPORTED),
                        ev.AefiInvestigationOpened("AEFI-1", "DISTRICT", at(DAY, 12), at(DAY, 10), "o"))
    classifying = Scenario(decide=lambda s, c: aefi.classify(s, *c, at=at(DAY, 12)), evolve=aefi.evolve,
                           initial=lambda: state)
    classifying.when(("PROVINCE", "A5", "", "council-1")).then_rejects(rule="INV-30", field="causality")
    classifying.when(("DISTRICT", "C", "", "officer-1")).then_rejects(rule="INV-30", field="level")


def test_a_serious_case_is_investigated_before_it_is_classified():
    state = aefi.evolve(aefi.AefiCase.empty(), REPORTED)
    classifying = Scenario(decide=lambda s, c: aefi.classify(s, *c, at=at(DAY, 12)), evolve=aefi.evolve,
                           initial=lambda: state)
    classifying.when(("PROVINCE", "C", "", "council-1")).then_rejects(rule="INV-30", field="aefi_id")
