"""Sessions and vials: opening, the discard time, INV-25 ... INV-27 and the lot checks at opening."""

from __future__ import annotations

from datetime import date, timedelta

from eventkit.testing import Scenario
from services.immunization.domain import events as ev
from services.immunization.domain import session

from .builders import COMMUNE, NOW, at, lot, plan, presentation

DAY = date(2021, 10, 15)
OPENED = ev.SessionOpened("SES-1", COMMUNE.location_id, (), at(DAY, 7))


def scenario(decide):
    return Scenario(decide=decide, evolve=session.evolve, initial=session.Session.empty)


def opening(lot_state=None, name="AZ"):
    lot_state = lot_state or lot(name)
    return scenario(lambda s, c: session.open_vial(s, c, lot_state, presentation(name), plan(DAY), now=NOW))


def vial_opened(vial_id="VIAL-1", hour=8):
    return ev.VialOpened(vial_id, COMMUNE.location_id, "SES-1", "LOT-ABV5300", 10, at(DAY, hour), at(DAY, hour + 6),
                         "AZ-VAXZEVRIA-10", 1)


def test_a_planned_session_opens_once():
    opener = scenario(lambda s, c: session.open_session(s, c, plan(DAY), now=NOW))
    opener.when(session.OpenSession("SES-1", at(DAY, 7))).then(OPENED)
    opener.given(OPENED).when(session.OpenSession("SES-1", at(DAY, 7))).then_rejects(rule="session-state")
    scenario(lambda s, c: session.open_session(s, c, None, now=NOW)).when(
        session.OpenSession("SES-X", at(DAY, 7))).then_rejects(rule="session-planned")


def test_the_discard_time_is_the_earliest_of_window_session_end_and_expiry():
    [opened] = opening().given(OPENED).when(session.OpenVial("VIAL-1", "LOT-ABV5300", at(DAY, 8))).then(
        vial_opened())
    assert opened.discard_at == at(DAY, 14)
    [late] = session.open_vial(session.evolve(session.Session.empty(), OPENED),
                               session.OpenVial("VIAL-2", "LOT-ABV5300", at(DAY, 14)), lot(), presentation("AZ"),
                               plan(DAY), now=NOW)
    assert late.discard_at == at(DAY, 17)  # the session's end
    [expiring] = session.open_vial(session.evolve(session.Session.empty(), OPENED),
                                   session.OpenVial("VIAL-3", "LOT-ABV5300", at(DAY, 20) - timedelta(hours=4)),
                                   lot(expiry=DAY), presentation("AZ"), plan(DAY), now=NOW)
    assert expiring.discard_at == at(DAY, 17)


def test_rejects_opening_a_vial_from_a_suspended_expired_or_absent_lot():
    when = session.OpenVial("VIAL-1", "LOT-ABV5300", at(DAY, 8))
    opening(lot(status="SUSPENDED")).given(OPENED).when(when).then_rejects(rule="INV-11")
    opening(lot(status="RECALLED")).given(OPENED).when(when).then_rejects(rule="INV-11")
    opening(lot(expiry=DAY - timedelta(days=1))).given(OPENED).when(when).then_rejects(rule="INV-10")
    opening(lot(held=False)).given(OPENED).when(when).then_rejects(rule="INV-28")


def test_rejects_opening_a_vial_in_a_session_that_is_not_open():
    opening().when(session.OpenVial("VIAL-1", "LOT-ABV5300", at(DAY, 8))).then_rejects(rule="INV-26")


def test_discarding_records_residual_doses_as_open_vial_wastage():
    drawn = [ev.VialDoseDrawn("VIAL-1", f"D-{i}", "P", "V", "SES-1", COMMUNE.location_id, "LOT-ABV5300",
                              at(DAY, 9)) for i in range(7)]
    discarder = scenario(lambda s, c: session.discard_vial(s, c, now=NOW)).given(OPENED, vial_opened(), *drawn)
    discarder.when(session.DiscardVial("VIAL-1", at(DAY, 12), "WINDOW_ELAPSED", 3)).then(ev.VialDiscarded(
        "VIAL-1", at(DAY, 12), 7, 3, "WINDOW_ELAPSED", COMMUNE.location_id, "LOT-ABV5300", "SES-1"))


def test_rejects_a_discard_whose_residual_is_not_doses_per_vial_minus_doses_drawn():
    scenario(lambda s, c: session.discard_vial(s, c, now=NOW)).given(OPENED, vial_opened()).when(
        session.DiscardVial("VIAL-1", at(DAY, 12), "EMPTY", 0)).then_rejects(rule="INV-27", field="residual_doses")


def test_rejects_closing_a_session_with_an_open_vial():
    scenario(lambda s, c: session.close_session(s, c, now=NOW)).given(OPENED, vial_opened()).when(
        session.CloseSession("SES-1", at(DAY, 17))).then_rejects(rule="INV-27", field="discard_open_vials")


def test_closing_with_discard_open_vials_discards_each_first():
    closer = scenario(lambda s, c: session.close_session(s, c, now=NOW)).given(OPENED, vial_opened())
    closer.when(session.CloseSession("SES-1", at(DAY, 17), discard_open_vials=True)).then(
        ev.VialDiscarded("VIAL-1", at(DAY, 17), 0, 10, "SESSION_CLOSED", COMMUNE.location_id, "LOT-ABV5300",
                         "SES-1"),
        ev.SessionClosed("SES-1", COMMUNE.location_id, (), at(DAY, 17)))
