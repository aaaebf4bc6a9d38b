"""The handlers through the bus as bootstrap builds it (in-memory store, fake reference facts): what they load,
guard and append together, and what they refuse before appending anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from eventkit.aggregates import EventSourcing
from eventkit.auth import Forbidden
from eventkit.errors import ConcurrencyConflict, NotFound
from eventkit.store.base import WrongAggregateKind
from services.immunization.codec import build_codec
from services.immunization.domain import aefi, corrections, dose_gate, session, vial, visit
from services.immunization.domain import events as ev
from services.immunization.handlers import REGISTER, SESSION, VIAL, VISIT

from .builders import ADULT, COMMUNE, NOW, at
from .fakes import STAFF, ReferenceFacts, given, open_session_with_vial, write_side

DAY = date(2021, 10, 15)
NORMAL = ev.Vitals(Decimal("36.8"), 78, 120, 75, 16)


def every_event(bus) -> list:
    return bus.es.store.read_after(0)


def screened(bus, visit_id: str = "V-1") -> None:
    bus.handle(visit.Screen(visit_id, "screener-1", NORMAL, (), None, at(DAY, 8, 45)), STAFF)


def dose(visit_id: str = "V-1", dose_id: str = "D-1", **changes) -> dose_gate.AdministerDose:
    return replace(dose_gate.AdministerDose(dose_id, "", visit_id, "VIAL-SES-1", "PRIMARY", 1, at(DAY, 9),
                                            "vaccinator-1"), **changes)


@pytest.fixture
def bus():
    bus = write_side(ReferenceFacts({"SES-1": DAY}))
    open_session_with_vial(bus, "SES-1", "V-1", DAY)
    return bus


def test_a_dose_appends_to_the_record_and_the_vial_and_refers_to_the_visits_screening_event(bus):
    screened(bus)
    screening_id = next(e.event_id for e in bus.es.store.load("V-1") if e.event_type.endswith("ScreeningCompleted"))
    result = bus.handle(dose(), STAFF)
    assert [(e.aggregate_id, e.event_type.rsplit(".", 1)[1]) for e in result.events] == [
        ("P-1", "DoseAdministered"), ("P-1", "NextDoseRecommended"), ("VIAL-SES-1", "VialDoseDrawn")]
    given_dose = bus.es.codec.decode(result.events[0].event_type, result.events[0].payload)
    assert given_dose.screening_reference == str(screening_id)
    assert result.response == {"id": "P-1", "event_ids": [str(e.event_id) for e in result.events],
                               "versions": {"P-1": 2, "VIAL-SES-1": 2}, "dose_id": "D-1", "person_id": "P-1",
                               "visit_id": "V-1"}
    assert bus.es.load(VISIT, "V-1")[0].screening_event_id == str(screening_id)


def test_opening_a_vial_answers_the_discard_time_the_domain_decided(bus):
    opened = bus.handle(vial.OpenVial("SES-1", "VIAL-2", "LOT-ABV5300", at(DAY, 9)), STAFF).response
    stored = bus.es.load(VIAL, "VIAL-2")[0]
    assert (opened["vial_opening_id"], opened["doses_in_vial"]) == ("VIAL-2", 10)
    assert datetime.fromisoformat(opened["opened_at"]) == at(DAY, 9)
    # opened at 09:00 + the presentation's 6-hour window (INV-26), as the VialOpened event says
    assert datetime.fromisoformat(opened["discard_at"]) == stored.discard_at == at(DAY, 15)
    # late in the day, the session's end (17:00) decides
    late = bus.handle(vial.OpenVial("SES-1", "VIAL-3", "LOT-ABV5300", at(DAY, 14)), STAFF).response
    assert datetime.fromisoformat(late["discard_at"]) == at(DAY, 17)


def test_doses_drawn_from_one_vial_commute_a_conflict_is_re_decided_on_fresh_state():
    facts = ReferenceFacts({"SES-1": DAY}, people={"P-1": ADULT, "P-2": replace(ADULT, person_id="P-2")})
    bus = write_side(facts)
    open_session_with_vial(bus, "SES-1", "V-1", DAY)
    given(bus, VISIT, "V-3", ev.PersonCheckedIn("V-3", "P-2", "SES-1", at(DAY, 8, 31), "QR", True,
                                                site_id=COMMUNE.location_id))
    screened(bus, "V-1")
    screened(bus, "V-3")
    lot_at_site, interfered = facts.lot_at_site, []

    def meanwhile_another_dose_is_drawn(lot_id, site):
        if not interfered:  # the first attempt has loaded the vial: another tablet draws a dose from it now
            interfered.append("V-3")
            bus.handle(dose("V-3", "D-OTHER"), STAFF)
        return lot_at_site(lot_id, site)

    facts.lot_at_site = meanwhile_another_dose_is_drawn
    bus.handle(dose(), STAFF)
    assert interfered and bus.es.load(VIAL, "VIAL-SES-1")[0].drawn == 2


def test_a_check_in_is_decided_against_the_session_and_its_visit_only_so_doses_and_vials_never_conflict_with_it():
    facts = ReferenceFacts({"SES-1": DAY}, people={"P-1": ADULT, "P-2": replace(ADULT, person_id="P-2")})
    interfered = []

    def clock():  # the check-in has loaded its streams: a dose is drawn and a vial opened meanwhile
        if not interfered:
            interfered.append("dose and vial")
            bus.handle(dose(), STAFF)
            bus.handle(vial.OpenVial("SES-1", "VIAL-2", "LOT-ABV5300", at(DAY, 9)), STAFF)
        return NOW

    bus = write_side(facts)
    open_session_with_vial(bus, "SES-1", "V-1", DAY)
    screened(bus)
    bus.deps = replace(bus.deps, clock=clock)
    checked_in = bus.handle(visit.CheckInPerson("V-2", "SES-1", "QR", at(DAY, 9), qr_token="QR-P-2",
                                                presence_code="123456"), STAFF)
    assert interfered and checked_in.response["versions"] == {"V-2": 1}
    assert bus.es.load(VIAL, "VIAL-SES-1")[0].drawn == 1
    assert bus.es.load(REGISTER, "SES-1/vials")[0].vial_ids == ("VIAL-SES-1", "VIAL-2")


def test_a_check_in_racing_the_close_is_the_one_real_conflict_and_answers_409():
    interfered = []

    def clock():
        if not interfered:  # the check-in has loaded the open session: the site manager closes it now
            interfered.append("closed")
            bus.handle(session.CloseSession("SES-1", at(DAY, 16), discard_open_vials=True), STAFF)
        return NOW

    bus = write_side(ReferenceFacts({"SES-1": DAY}, people={"P-1": ADULT, "P-2": replace(ADULT, person_id="P-2")}),
                     clock=clock)
    open_session_with_vial(bus, "SES-1", "V-1", DAY)
    with pytest.raises(ConcurrencyConflict):
        bus.handle(visit.CheckInPerson("V-2", "SES-1", "QR", at(DAY, 9), qr_token="QR-P-2", presence_code="123456"),
                   STAFF)
    assert bus.es.load(SESSION, "SES-1")[0].status == "CLOSED" and bus.es.load(VISIT, "V-2")[0] == visit.Visit()


def test_a_close_racing_a_vial_opening_is_re_decided_and_discards_the_new_vial_too():
    interfered = []

    def clock():
        if not interfered:  # the close has loaded the register: a vial is opened on it now
            interfered.append("VIAL-2")
            bus.handle(vial.OpenVial("SES-1", "VIAL-2", "LOT-ABV5300", at(DAY, 9)), STAFF)
        return NOW

    bus = write_side(ReferenceFacts({"SES-1": DAY}), clock=clock)
    open_session_with_vial(bus, "SES-1", "V-1", DAY)
    bus.handle(session.CloseSession("SES-1", at(DAY, 16), discard_open_vials=True), STAFF)
    assert bus.es.load(SESSION, "SES-1")[0].status == "CLOSED"
    assert [bus.es.load(VIAL, v)[0].discarded for v in ("VIAL-SES-1", "VIAL-2")] == [True, True]


def test_a_historical_dose_for_a_person_nobody_registered_is_a_404_and_appends_nothing(bus):
    before = every_event(bus)
    command = corrections.RecordHistoricalDose("H-1", "P-NOBODY", "210", "ABV1234", date(2021, 7, 1), "FR",
                                               "PAPER_CARD", "PRIMARY", 1)
    with pytest.raises(NotFound) as refused:
        bus.handle(command, STAFF)
    assert (refused.value.status, refused.value.field) == (404, "person_id")
    assert every_event(bus) == before
    assert bus.handle(replace(command, person_id="P-1"), STAFF).events  # a registered person's is recorded


def test_a_devices_command_for_a_session_at_another_site_is_refused_after_the_replay(bus):
    before = every_event(bus)
    with pytest.raises(Forbidden) as refused:
        bus.handle(vial.OpenVial("SES-1", "VIAL-T", "LOT-ABV5300", at(DAY, 9), device_site="S-ELSEWHERE"), STAFF)
    assert (refused.value.rule, refused.value.field) == ("scope", "session_id")
    assert every_event(bus) == before
    keyed = replace(STAFF, idempotency_key="device|S-79-760-01|TAB-1|1", request_hash="h-1")
    first = bus.handle(vial.OpenVial("SES-1", "VIAL-T", "LOT-ABV5300", at(DAY, 9),
                                        device_site=COMMUNE.location_id), keyed)
    bus.deps.reference.days.clear()  # the plan is gone from the read model: a replay looks nothing up
    again = bus.handle(vial.OpenVial("SES-1", "VIAL-T2", "LOT-ABV5300", at(DAY, 9),
                                        device_site=COMMUNE.location_id), keyed)
    assert again.replayed and again.response == first.response


@pytest.mark.parametrize(("command", "field"), [
    (session.OpenSession("V-1", at(DAY, 7)), "session_id"),
    (visit.CheckInPerson("SES-1", "SES-1", "QR", at(DAY, 8), qr_token="QR-P-1", presence_code="123456"),
     "visit_id"),
    (corrections.RecordHistoricalDose("H-1", "SES-1", "210", "", date(2021, 7, 1), "FR", "PAPER_CARD", "PRIMARY",
                                      1), "person_id"),
    (aefi.ReportAefi("SES-1", "P-1", ("D-1",), at(DAY, 9), ("rash",), False, (), "RECOVERED", "SELF_REPORT",
                     "P-1", None), "aefi_id"),
], ids=["session_id", "visit_id", "person_id", "aefi_id"])
def test_an_id_that_names_another_kind_of_stream_is_refused_naming_its_field(bus, command, field):
    facts = bus.deps.reference
    facts.days["V-1"] = DAY
    facts.people["SES-1"] = facts.people["P-1"]
    before = every_event(bus)
    with pytest.raises(WrongAggregateKind) as refused:
        bus.handle(command, STAFF)
    assert (refused.value.status, refused.value.rule, refused.value.field) == (422, "aggregate-kind", field)
    assert every_event(bus) == before


def test_the_bus_is_built_by_bootstrap_with_every_command_of_the_table():
    from services.immunization import bootstrap
    from services.immunization.handlers import COMMANDS, Deps
    built = bootstrap.bus(EventSourcing(None, build_codec(), producer="immunization/test"), Deps(None, None))
    assert built.commands() == frozenset(COMMANDS)
