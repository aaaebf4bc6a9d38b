"""Corrections (INV-33), historical doses and the next-dose recommendation."""

from __future__ import annotations

from datetime import date

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict
from eventkit.testing import Scenario
from services.immunization.domain import corrections, dose_gate, record
from services.immunization.domain import events as ev
from services.immunization.handlers import SESSION

from .builders import COMMUNE, NOW, at, context, dose, given
from .fakes import ReferenceFacts, write_side
from .fakes import given as given_events

DAY = date(2021, 10, 15)


def history(*events_with_ids):
    state = record.PersonRecord(person_id="P-1")
    for event, event_id in events_with_ids:
        state = record.evolve(state, event, event_id)
    return state


def test_a_dose_entered_in_error_references_its_original_event_once():
    state = history((given(DAY, dose_id="D-1"), "E-1"))
    [voided] = corrections.enter_in_error(state, "D-1", "E-1", "wrong person", at=NOW)
    assert voided == ev.DoseEnteredInError("D-1", "E-1", "wrong person", "P-1", NOW)
    again = record.evolve(state, voided, "E-2")
    error = Scenario(decide=lambda s, c: corrections.enter_in_error(s, *c, at=NOW), evolve=record.evolve,
                     initial=lambda: again)
    error.when(("D-1", "E-1", "retry")).then_rejects(rule="INV-33", field="dose_id")


def test_rejects_a_reversal_naming_another_event_and_reversing_a_reversal():
    state = history((given(DAY, dose_id="D-1"), "E-1"))
    reverse = Scenario(decide=lambda s, c: corrections.enter_in_error(s, *c, at=NOW), evolve=record.evolve,
                       initial=lambda: state)
    reverse.when(("D-1", "E-999", "oops")).then_rejects(rule="INV-33", field="reverses_event_id")
    reverse.when(("D-404", "E-1", "oops")).then_rejects(rule="INV-33", field="dose_id")


def test_rejects_a_correction_that_changes_the_lot_of_an_existing_dose():
    state = history((given(DAY, dose_id="D-1"), "E-1"))
    change = (ev.FieldChange("lot_id", "LOT-ABV5300", "LOT-OTHER"),)
    Scenario(decide=lambda s, c: corrections.correct_dose(s, "D-1", "E-1", c, "typo", at=NOW), evolve=record.evolve,
             initial=lambda: state).when(change).then_rejects(rule="INV-33", field="changes")
    [corrected] = corrections.correct_dose(state, "D-1", "E-1", (ev.FieldChange("body_site", "LEFT_DELTOID",
                                                                           "RIGHT_DELTOID"),), "wrong arm", at=NOW)
    assert corrected.reverses_event_id == "E-1"


def test_a_voided_dose_no_longer_counts_so_the_number_is_given_again():
    state = history((given(DAY, dose_id="D-1"), "E-1"))
    state = record.evolve(state, corrections.enter_in_error(state, "D-1", "E-1", "wrong person", at=NOW)[0], "E-2")
    assert dose_gate.administer_dose(state, dose(DAY), context(DAY), now=NOW)[0].dose_number == 1


def test_a_historical_dose_counts_toward_the_series_and_never_names_stock():
    command = corrections.RecordHistoricalDose("H-1", "P-1", "210", "ABV1234", date(2021, 7, 1), "fr",
                                          "FOREIGN_CERTIFICATE", "PRIMARY", 1)
    [historical, next_dose] = corrections.record_historical(record.PersonRecord(person_id="P-1"), command, today=DAY)
    assert (next_dose.dose_number, next_dose.earliest_date) == (2, date(2021, 8, 26))  # 8 weeks in July 2021
    assert (historical.country, historical.primary_source) == ("FR", False)
    state = record.evolve(record.PersonRecord(person_id="P-1"), historical, "E-H")
    assert dose_gate.administer_dose(state, dose(DAY, dose_number=2), context(DAY), now=NOW)[0].dose_number == 2


def test_rejects_a_historical_dose_2_without_dose_1():
    command = corrections.RecordHistoricalDose("H-2", "P-1", "210", "ABV1234", date(2021, 7, 1), "FR",
                                          "PAPER_CARD", "PRIMARY", 2)
    Scenario(decide=lambda s, c: corrections.record_historical(s, c, today=DAY), evolve=record.evolve,
             initial=record.PersonRecord.empty).when(command).then_rejects(rule="INV-23", field="dose_number")


def test_rejects_a_historical_dose_dated_before_any_covid_19_vaccine_existed():
    command = corrections.RecordHistoricalDose("H-3", "P-1", "210", "ABV1234", date(1, 1, 1), "FR",
                                          "PAPER_CARD", "PRIMARY", 1)
    Scenario(decide=lambda s, c: corrections.record_historical(s, c, today=DAY), evolve=record.evolve,
             initial=record.PersonRecord.empty).when(command).then_rejects(rule="INV-8", field="administered_date")


def test_the_next_dose_after_astrazeneca_dose_1_has_earliest_due_and_latest_dates():
    state = history((given(DAY), "E-1"))
    recommendation = record.next_dose(state, DAY)
    assert (recommendation.series, recommendation.dose_number) == ("PRIMARY", 2)
    assert (recommendation.earliest_date, recommendation.due_date, recommendation.latest_date) == (
        date(2021, 11, 12), date(2021, 12, 10), date(2022, 1, 7))
    assert recommendation.allowed_products == ("ASTRAZENECA", "MODERNA", "PFIZER")


def test_after_a_complete_primary_series_the_next_dose_is_a_booster_once_boosters_exist():
    state = history((given(date(2021, 6, 1)), "E-1"), (given(date(2021, 8, 1), number=2), "E-2"))
    assert record.next_dose(state, date(2021, 10, 1)) is None
    booster = record.next_dose(state, date(2021, 12, 15))
    assert (booster.series, booster.earliest_date) == ("BOOSTER", date(2022, 1, 28))


def test_a_decision_on_a_stale_session_version_is_a_409_naming_inv_37():
    bus = write_side(ReferenceFacts({"SES-1": DAY}))
    given_events(bus, SESSION, "SES-1", ev.SessionOpened("SES-1", COMMUNE.location_id, (), at(DAY, 7)))
    closed = ev.SessionClosed("SES-1", COMMUNE.location_id, (), at(DAY, 17))

    def decided_on_what_was_loaded(tx):
        tx.load(SESSION, "SES-1")
        given_events(bus, SESSION, "SES-1", closed)  # another request commits in between
        tx.append(SESSION, "SES-1", [closed])

    with pytest.raises(ConcurrencyConflict) as conflict:
        bus.es.execute(CommandContext("manager-1", "site_manager"), decided_on_what_was_loaded)
    assert conflict.value.rule == "INV-37" and len(bus.es.store.load("SES-1")) == 2
