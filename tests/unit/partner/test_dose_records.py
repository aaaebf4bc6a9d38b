"""The doses feed's records after a DoseGiven, built from the derivation's minimised facts: a withdrawal and a
correction name the dose by the same per-partner dose_ref as its DoseGiven; only the fields the feed carries are
followed; every record id is deterministic."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from services.partner.domain import pseudonyms
from services.partner.feeds.records import (
    Dose,
    Person,
    dose_corrected,
    dose_given,
    dose_withdrawn,
    feed_changes,
    given_record_id,
    keys_merged,
)
from services.partner.projections.derivation import historical_dose
from vaxtrail.immunization.v1 import events_pb2 as immunization

KEY = bytes(range(32))
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DOSE = Dose("0b4a9c1e-6a51-4c5e-8f25-3f6d0c1b2a01", "P-1", "S-79-760-01", "AZ-VAXZEVRIA-10", "210", "AB123",
            "PRIMARY", 1, date(2021, 6, 1))
PERSON = Person(1980, "MALE", "79", "760")


def test_a_withdrawal_names_the_dose_by_the_dose_ref_and_record_id_of_its_dose_given():
    given = dose_given(KEY, "who-vn", DOSE, PERSON)
    withdrawn = dose_withdrawn(KEY, "who-vn", given.key, DOSE.source_event_id, "c1d2e3f4-0000-4000-8000-000000000001")
    assert withdrawn.message.dose_ref == given.message.dose_ref and len(given.message.dose_ref) == 64
    assert withdrawn.message.given_record_id == str(given.record_id) == str(given_record_id("who-vn",
                                                                                              DOSE.source_event_id))
    assert withdrawn.key == withdrawn.message.person_key == given.message.person_key  # same partition, after it
    assert withdrawn.record_id != given.record_id and withdrawn.feed == "DOSES"
    assert withdrawn.record_id == dose_withdrawn(KEY, "who-vn", given.key, DOSE.source_event_id,
                                                 "c1d2e3f4-0000-4000-8000-000000000001").record_id


def test_dose_refs_differ_per_partner_and_from_person_keys_and_carry_no_internal_id():
    mine, theirs = (dose_given(KEY, p, DOSE, PERSON).message for p in ("who-vn", "unicef"))
    assert mine.dose_ref != theirs.dose_ref
    assert mine.dose_ref != pseudonyms.person_key(KEY, "who-vn", DOSE.source_event_id)
    assert DOSE.source_event_id not in mine.SerializeToString().decode("utf-8", "replace")
    assert not mine.historical and mine.country == ""


def test_only_the_fields_the_feed_carries_are_followed_in_a_correction():
    assert feed_changes([("body_site", "RIGHT_DELTOID"), ("route", "SC"), ("performer_id", "v-2")], ZONE) == {}
    assert feed_changes([("lot_number", "AB124"), ("dose_number", "2"), ("presentation_id", "PF-1"),
                         ("administered_at", "2021-06-01T18:30:00Z"), ("country", "la")], ZONE) == {
        "lot_number": "AB124", "dose_number": 2, "product_id": "PF-1", "day": date(2021, 6, 2), "country": "LA"}
    assert feed_changes([("dose_number", "two"), ("administered_date", "June")], ZONE) == {}  # never stops the feed


def test_a_correction_carries_the_dose_as_corrected_and_which_feed_fields_changed():
    corrected = Dose(*[*vars(DOSE).values()][:5], "AB124", "PRIMARY", 2, date(2021, 6, 1))
    record = dose_corrected(KEY, "who-vn", "k" * 64, corrected, {"dose_number", "lot_number"},
                            "c1d2e3f4-0000-4000-8000-000000000002")
    message = record.message
    assert list(message.corrected_fields) == ["lot_number", "dose_number"]
    assert (message.lot_number, message.dose_number, message.site_id, message.date) == ("AB124", 2, "S-79-760-01",
                                                                                      "2021-06-01")
    assert message.dose_ref == dose_given(KEY, "who-vn", DOSE, PERSON).message.dose_ref
    assert record.key == message.person_key == "k" * 64
    assert list(dose_corrected(KEY, "who-vn", "k", corrected, {"day"}, "e").message.corrected_fields) == ["date"]


def test_a_merge_is_keyed_by_the_retired_key_and_one_record_per_retired_key():
    first = keys_merged("who-vn", "retired-1", "survivor", "e1")
    second = keys_merged("who-vn", "retired-2", "survivor", "e1")
    assert (first.key, first.message.retired_person_key, first.message.surviving_person_key) == (
        "retired-1", "retired-1", "survivor")
    assert first.record_id != second.record_id and first.record_id == keys_merged("who-vn", "retired-1",
                                                                                  "survivor", "e1").record_id


def test_a_historical_dose_is_a_dose_given_flagged_historical_with_its_country_and_no_campaign_site():
    e = immunization.DoseRecordedHistorical(dose_id="D-H", person_id="P-1", product="Comirnaty", lot_number="FE1",
                                            administered_date="2021-03-14", country="fr", source="FOREIGN_CERTIFICATE",
                                            series="PRIMARY", dose_number=1)
    message = dose_given(KEY, "who-vn", historical_dose("e-h", e), PERSON).message
    assert message.historical and message.country == "FR" and message.date == "2021-03-14"
    assert (message.site_id, message.product_id, message.vaccine_code, message.dose_number) == ("", "", "Comirnaty", 1)
