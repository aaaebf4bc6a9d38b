"""The command table over the in-memory store: replays first, the store's kind check, the national-ID race.

Built exactly as bootstrap builds it (``bootstrap.bus``), with fake read models.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import NotFound
from eventkit.store.base import WrongAggregateKind
from eventkit.testing import InMemoryEventStore
from services.registration.domain import appointments, commands, identity, person
from services.registration.handlers import COMMANDS, guard_id

from .builders import IDENTITY_KEY, NOW, bus, citizen_id, register

OFFICER = CommandContext("officer-79", "province_officer")
CENTRE = person.DistrictCentre("DHC-79-760", "79", "760", source_event_id="E-CENTRE")
SESSION = appointments.PlannedSession("SES-1", "S-79-760-01", "DHC-79-760", NOW + timedelta(days=2),
                                      NOW + timedelta(days=2, hours=4), 10, source_event_id="E-SESSION")


def keyed(key: str) -> CommandContext:
    return dataclasses.replace(OFFICER, idempotency_key=f"officer-79|test|{key}", request_hash=f"hash-{key}")


def test_every_command_has_a_handler_in_the_one_table():
    declared = {c for c in vars(commands).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
                and c.__module__ == commands.__name__}
    assert set(COMMANDS) == declared


def test_a_registration_claims_its_national_id_guard_in_the_same_append():
    store = InMemoryEventStore()
    result = bus(store).handle(register("P-LAN"), OFFICER)
    assert result.response["person_id"] == result.response["id"] == "P-LAN"
    guard = guard_id(IDENTITY_KEY, "CITIZEN_ID", citizen_id())
    assert {e.aggregate_id for e in result.events} == {"P-LAN", guard}
    assert result.response["versions"] == {"P-LAN": 1, guard: 1}


def test_a_registration_that_loses_the_race_for_its_national_id_is_a_409_naming_the_winner():
    """Both decide on a free guard; the loser's append conflicts, its handler runs again and finds it held."""
    store = InMemoryEventStore()
    registration = bus(store)
    real_append, raced = store.append, []

    def append_after_a_rival(changes, context, **kwargs):
        if not raced:
            raced.append(True)
            registration.handle(register("P-RIVAL"), OFFICER)
        return real_append(changes, context, **kwargs)

    store.append = append_after_a_rival
    with pytest.raises(identity.NationalIdTaken) as taken:
        registration.handle(register("P-LATE"), OFFICER)
    assert taken.value.existing_person_id == "P-RIVAL"
    assert store.load("P-LATE") == []


def booked(store: InMemoryEventStore):
    registration = bus(store, centres=[CENTRE], sessions=[SESSION, dataclasses.replace(SESSION, session_id="SES-2")])
    registration.handle(register("P-LAN"), OFFICER)
    registration.handle(commands.ApproveRegistration("P-LAN"), OFFICER)
    registration.handle(commands.AssignDistrict("P-LAN", "DHC-79-760"), OFFICER)
    registration.handle(commands.ScheduleAppointment("P-LAN", "APT-1", "SES-1"), OFFICER)
    return registration


@pytest.mark.parametrize("command", [
    commands.CancelAppointment("P-LAN", "ill"),
    commands.RescheduleAppointment("P-LAN", "APT-2", "SES-2", "work"),
    commands.CorrectPerson("P-LAN", {"phone": "0987654321"}, "new number"),
], ids=lambda c: type(c).__name__)
def test_a_retried_command_is_answered_from_its_key_before_anything_is_decided(command):
    store = InMemoryEventStore()
    registration = booked(store)
    first = registration.handle(command, keyed("retry"))
    positions = store.last_position()

    again = registration.handle(command, keyed("retry"))  # deciding again would be a 422 (nothing left to do)
    assert again.replayed and again.response == first.response
    assert store.last_position() == positions


def test_merging_a_national_id_guard_is_refused_by_the_stores_kind_check_naming_the_field():
    store = InMemoryEventStore()
    registration = bus(store)
    registration.handle(register("P-KEPT"), OFFICER)
    guard = guard_id(IDENTITY_KEY, "CITIZEN_ID", citizen_id())
    positions = store.last_position()
    with pytest.raises(WrongAggregateKind) as refused:
        registration.handle(commands.MergePersons("P-KEPT", guard, "dup"), OFFICER)
    assert (refused.value.status, refused.value.rule, refused.value.field) == (422, "aggregate-kind",
                                                                              "merged_person_id")
    assert store.last_position() == positions


def test_a_command_on_a_person_nobody_registered_is_a_404():
    with pytest.raises(NotFound) as missing:
        bus().handle(commands.ApproveRegistration("P-NOBODY"), OFFICER)
    assert missing.value.field == "person_id"


def test_an_upload_chunk_registers_free_documents_and_reports_the_rest_by_line():
    store = InMemoryEventStore()
    registration = bus(store)
    registration.handle(register("P-EARLIER", national_id=citizen_id(serial=9)), OFFICER)
    rows = ((2, register("P-A", national_id=citizen_id(serial=1), upload_id="U-1", upload_line=2)),
            (3, register("P-B", national_id=citizen_id(serial=1), upload_id="U-1", upload_line=3)),
            (4, register("P-C", national_id=citizen_id(serial=9), upload_id="U-1", upload_line=4)),
            (5, register("P-D", national_id=citizen_id(serial=2), upload_id="U-1", upload_line=5)))
    result = registration.handle(commands.RegisterUploadRows("U-1", rows), OFFICER)
    assert result.response["registered"] == [2, 5]
    assert [(p["line"], p["status"], p.get("duplicate_of_line") or p.get("person_id"))
            for p in result.response["problems"]] == [(3, "duplicate_in_file", 2), (4, "already_registered",
                                                                                   "P-EARLIER")]
    later = registration.handle(commands.RegisterUploadRows("U-1", ((9, register(
        "P-E", national_id=citizen_id(serial=1), upload_id="U-1", upload_line=9)),)), OFFICER)
    assert later.response["problems"][0]["duplicate_of_line"] == 2  # held by this upload's line 2 (an earlier chunk)


def test_completing_the_same_file_twice_says_it_was_uploaded_before():
    registration = bus()
    done = commands.CompleteUpload("U-1", "ORG-1", "ab" * 32, 1, 1, 0, 0, 0)
    assert registration.handle(done, OFFICER).response["same_file_uploaded_before"] is False
    again = dataclasses.replace(done, upload_id="U-2")
    assert registration.handle(again, OFFICER).response["same_file_uploaded_before"] is True
