"""Registering a person: every field validated, identity rules (INV-31), corrections and merges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.registration.domain import events as ev
from services.registration.domain import identity, person

from .builders import NOW, REFS, citizen_id, register


def registering(command):
    return Scenario(decide=lambda state, c: person.register(state, c, REFS, now=NOW), evolve=person.evolve,
                    initial=person.Person.empty).when(command)


def registered(**overrides) -> ev.PersonRegistered:
    return person.register(person.Person.empty(), register(**overrides), REFS, now=NOW)[0]


def test_a_valid_citizen_registers_with_a_normalised_phone():
    [event] = registering(register()).then(registered())
    assert event.phone == "+84912345678" and event.national_id == citizen_id()
    assert event.address == ev.Address("79", "760", "26743", "12 Lê Lợi")


@pytest.mark.parametrize("kind, number, field, rule", [
    ("CITIZEN_ID", "07930512345", "national_id", "national-id-format"),       # 11 digits
    ("CITIZEN_ID", "099185000001", "national_id", "national-id-format"),      # province 99 does not exist
    ("CITIZEN_ID", citizen_id(sex="MALE"), "national_id", "national-id-format"),  # sex digit contradicts FEMALE
    ("LEGACY_ID_CARD", "02345678", "national_id", "national-id-format"),     # CMND is 9 digits
    ("PASSPORT", "12345678", "national_id", "national-id-format"),           # VN passport: letter + 7 digits
    ("DRIVING_LICENCE", "B1234567", "national_id_kind", "national-id-format"),
])
def test_rejects_malformed_identity_documents(kind, number, field, rule):
    registering(register(national_id_kind=kind, national_id=number)).then_rejects(DomainError, rule=rule, field=field)


def test_accepts_a_legacy_id_card_and_a_vietnamese_passport():
    assert registered(national_id_kind="LEGACY_ID_CARD", national_id="023456789").national_id == "023456789"
    assert registered(national_id_kind="PASSPORT", national_id="c1234567").national_id == "C1234567"


def test_rejects_a_date_of_birth_in_the_future_under_inv_31():
    registering(register(date_of_birth=date(2030, 1, 1), national_id_kind="LEGACY_ID_CARD",
                         national_id="023456789")).then_rejects(DomainError, rule="INV-31", field="date_of_birth")


def test_an_estimated_date_of_birth_skips_the_year_check_of_the_citizen_id():
    event = registered(date_of_birth=date(1950, 1, 1), date_of_birth_estimated=True)
    assert event.date_of_birth_estimated is True


@pytest.mark.parametrize("phone", ["0212345678", "+1 415 555 0100", "09123", "hello"])
def test_rejects_phones_that_are_not_vietnamese_mobiles(phone):
    registering(register(phone=phone)).then_rejects(DomainError, rule="phone-format", field="phone")


@pytest.mark.parametrize("address, field", [
    (ev.Address("99"), "address.province_code"),
    (ev.Address("79", "001"), "address.district_code"),          # 001 is Ba Đình, Hà Nội
    (ev.Address("79", "760", "00001"), "address.commune_code"),  # 00001 is Phúc Xá, Ba Đình
    (ev.Address("02", "12"), "address.district_code"),           # unseeded province: format only
])
def test_rejects_administrative_codes_that_do_not_exist_or_do_not_nest(address, field):
    registering(register(address=address)).then_rejects(DomainError, rule="admin-code", field=field)


def test_rejects_names_with_digits_and_unknown_sexes():
    registering(register(full_name="Lan 2")).then_rejects(DomainError, rule="name-format", field="full_name")
    registering(register(sex="F")).then_rejects(DomainError, field="sex")


def test_a_national_id_held_by_someone_is_a_409_pointing_at_them():
    held = identity.evolve(identity.NationalIdGuard(), ev.NationalIdClaimed("P-FIRST", "CITIZEN_ID", "REGISTRATION", NOW))
    with pytest.raises(identity.NationalIdTaken) as caught:
        identity.claim(held, "P-SECOND", "CITIZEN_ID", "REGISTRATION", now=NOW)
    assert (caught.value.status, caught.value.rule, caught.value.existing_person_id) == (409, "INV-31", "P-FIRST")


def test_a_merge_reclaims_the_merged_persons_document_for_the_survivor():
    held = identity.NationalIdGuard("P-DUPLICATE")
    assert identity.claim(held, "P-SURVIVOR", "CITIZEN_ID", "MERGE", now=NOW).person_id == "P-SURVIVOR"


def test_a_correction_records_old_and_new_values_with_its_reason():
    state = person.evolve(person.Person(), registered())
    corrected = person.correct(state, {"full_name": "Nguyễn Thị Lan Anh", "phone": "0987654321"},
                               "name on the ID card", "CCCD scan 2021-07", REFS, now=NOW)
    assert corrected.changes == (ev.FieldChange("full_name", "Nguyễn Thị Lan", "Nguyễn Thị Lan Anh"),
                                 ev.FieldChange("phone", "+84912345678", "+84987654321"))
    assert person.evolve(state, corrected).details.full_name == "Nguyễn Thị Lan Anh"


def test_rejects_a_date_of_birth_estimated_flag_that_is_not_true_or_false():
    state = person.evolve(person.Person(), registered())
    with pytest.raises(DomainError) as maybe:
        person.correct(state, {"date_of_birth_estimated": "maybe"}, "unsure", "", REFS, now=NOW)
    assert (maybe.value.rule, maybe.value.field) == ("bool-format", "changes.date_of_birth_estimated")


def test_a_correction_needs_a_reason_and_is_validated_like_a_registration():
    state = person.evolve(person.Person(), registered())
    with pytest.raises(DomainError) as no_reason:
        person.correct(state, {"phone": "0987654321"}, " ", "", REFS, now=NOW)
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as future:
        person.correct(state, {"date_of_birth": "2030-01-01"}, "typo", "", REFS, now=NOW)
    assert (future.value.rule, future.value.field) == ("INV-31", "date_of_birth")


def test_a_merged_person_takes_no_more_commands():
    survivor = person.evolve(person.Person(), registered(person_id="P-A"))
    duplicate = person.evolve(person.Person(), registered(person_id="P-B", national_id_kind="LEGACY_ID_CARD",
                                                          national_id="023456789"))
    merged = person.evolve(duplicate, person.merge(survivor, duplicate, "same person, two documents", now=NOW))
    with pytest.raises(DomainError) as caught:
        person.approve(merged, "officer-79", "", now=NOW)
    assert caught.value.rule == "person-merged"
    with pytest.raises(DomainError):
        person.merge(survivor, replace(survivor), "itself", now=NOW)
