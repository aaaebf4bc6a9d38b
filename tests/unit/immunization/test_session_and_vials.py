"""Sessions and vials: opening, the discard time, INV-25 ... INV-27 and the lot checks at opening.

A vial is its own stream (its opening, draws and discard); the session decides only whether it is open, and
closing sees the vials through the session's vial register."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from eventkit.testing import Scenario
from services.immunization.domain import events as ev
from services.immunization.domain import session, vial

from .builders import COMMUNE, NOW, at, lot, plan, presentation

DAY = date(2021, 10, 15)
OPENED = ev.SessionOpened("SES-1", COMMUNE.location_id, (), at(DAY, 7))


def scenario(decide, evolve=session.evolve, initial=session.Session.empty):
    return Scenario(decide=decide, evolve=evolve, initial=initial)


def vial_scenario(decide):
    return scenario(decide, vial.evolve, vial.Vial.empty)


def opening(lot_state=None, name="AZ", status="OPEN"):
    lot_state = lot_state or lot(name)
    return vial_scenario(lambda v, c: vial.open_vial(v, status, COMMUNE.location_id, c, lot_state, presentation(name),
                                                     plan(DAY), now=NOW))


def vial_opened(vial_id="VIAL-1", hour=8):
    return ev.VialOpened(vial_id, COMMUNE.location_id, "SES-1", "LOT-ABV5300", 10, at(DAY, hour), at(DAY, hour + 6),
                         "AZ-VAXZEVRIA-10", 1)


def closing(*vial_history):
    """Close decisions on the open session, with one vial whose stream holds ``vial_history``."""
    state = vial.Vial.empty()
    for event in vial_history:
        state = vial.evolve(state, event)
    return scenario(lambda s, c: session.close_session(s, [state], c, now=NOW)).given(OPENED)


def test_a_planned_session_opens_once():
    opener = scenario(lambda s, c: session.open_session(s, c, plan(DAY), now=NOW))
    opener.when(session.OpenSession("SES-1", at(DAY, 7))).then(OPENED)
    opener.given(OPENED).when(session.OpenSession("SES-1", at(DAY, 7))).then_rejects(rule="session-state")
    scenario(lambda s, c: session.open_session(s, c, None, now=NOW)).when(
        session.OpenSession("SES-X", at(DAY, 7))).then_rejects(rule="session-planned")


def test_the_discard_time_is_the_earliest_of_window_session_end_and_expiry():
    [opened] = opening().when(vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))).then(vial_opened())
    assert opened.discard_at == at(DAY, 14)
    [late] = vial.open_vial(vial.Vial.empty(), "OPEN", COMMUNE.location_id,
                            vial.OpenVial("SES-1", "VIAL-2", "LOT-ABV5300", at(DAY, 14)), lot(), presentation("AZ"),
                            plan(DAY), now=NOW)
    assert late.discard_at == at(DAY, 17)  # the session's end
    [expiring] = vial.open_vial(vial.Vial.empty(), "OPEN", COMMUNE.location_id,
                                vial.OpenVial("SES-1", "VIAL-3", "LOT-ABV5300", at(DAY, 20) - timedelta(hours=4)),
                                lot(expiry=DAY), presentation("AZ"), plan(DAY), now=NOW)
    assert expiring.discard_at == at(DAY, 17)


def test_rejects_opening_a_vial_from_a_suspended_expired_or_absent_lot():
    when = vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))
    opening(lot(status="SUSPENDED")).when(when).then_rejects(rule="INV-11")
    opening(lot(status="RECALLED")).when(when).then_rejects(rule="INV-11")
    opening(lot(expiry=DAY - timedelta(days=1))).when(when).then_rejects(rule="INV-10")
    opening(lot(held=False)).when(when).then_rejects(rule="INV-28")


def test_rejects_opening_a_vial_in_a_session_that_is_not_open():
    for status in ("PLANNED", "CLOSED"):
        opening(status=status).when(vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))).then_rejects(
            rule="INV-26")


def test_rejects_opening_a_vial_id_twice():
    opening().given(vial_opened()).when(vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 9))).then_rejects(
        rule="INV-25", field="vial_opening_id")


def test_discarding_records_residual_doses_as_open_vial_wastage():
    drawn = [ev.VialDoseDrawn("VIAL-1", f"D-{i}", "P", "V", "SES-1", COMMUNE.location_id, "LOT-ABV5300",
                              at(DAY, 9)) for i in range(7)]
    discarder = vial_scenario(lambda v, c: vial.discard_vial(v, c, now=NOW)).given(vial_opened(), *drawn)
    discarder.when(vial.DiscardVial("SES-1", "VIAL-1", at(DAY, 12), "WINDOW_ELAPSED", 3)).then(ev.VialDiscarded(
        "VIAL-1", at(DAY, 12), 7, 3, "WINDOW_ELAPSED", COMMUNE.location_id, "LOT-ABV5300", "SES-1"))


def test_rejects_a_discard_whose_residual_is_not_doses_per_vial_minus_doses_drawn():
    vial_scenario(lambda v, c: vial.discard_vial(v, c, now=NOW)).given(vial_opened()).when(
        vial.DiscardVial("SES-1", "VIAL-1", at(DAY, 12), "EMPTY", 0)).then_rejects(rule="INV-27", field="residual_doses")


def test_rejects_discarding_a_vial_of_another_session_or_one_already_discarded():
    discarder = vial_scenario(lambda v, c: vial.discard_vial(v, c, now=NOW))
    discarder.given(vial_opened()).when(vial.DiscardVial("SES-2", "VIAL-1", at(DAY, 12), "BROKEN")).then_rejects(
        rule="INV-27", field="vial_opening_id")
    discarder.given(vial_opened(), vial.discard(vial.evolve(vial.Vial(), vial_opened()), at(DAY, 11), "BROKEN")).when(
        vial.DiscardVial("SES-1", "VIAL-1", at(DAY, 12), "BROKEN")).then_rejects(rule="INV-27")


def test_rejects_closing_a_session_with_an_open_vial():
    closing(vial_opened()).when(session.CloseSession("SES-1", at(DAY, 17))).then_rejects(
        rule="INV-27", field="discard_open_vials")


def test_closing_with_discard_open_vials_discards_each_first():
    closing(vial_opened()).when(session.CloseSession("SES-1", at(DAY, 17), discard_open_vials=True)).then(
        ev.VialDiscarded("VIAL-1", at(DAY, 17), 0, 10, "SESSION_CLOSED", COMMUNE.location_id, "LOT-ABV5300",
                         "SES-1"),
        ev.SessionClosed("SES-1", COMMUNE.location_id, (), at(DAY, 17)))


# -- what the site must know (issue 18, item 4) -----------------------------------------------------------

def test_a_vial_is_not_opened_after_a_beyond_use_date_set_upstream():
    # the district thawed the lot: the beyond-use date came with the delivery and is the lot's effective expiry
    # at the site; the opening on that day is accepted, the day after refused
    thawed = lot(expiry=DAY)
    opening(thawed).when(vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))).then(vial_opened())
    opening(lot(expiry=DAY - timedelta(days=1))).when(
        vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))).then_rejects(rule="INV-10", field="lot_id")


def test_a_vial_is_not_opened_from_a_fridge_with_an_unassessed_excursion():
    when = vial.OpenVial("SES-1", "VIAL-1", "LOT-ABV5300", at(DAY, 8))
    started_before = replace(lot(), open_excursions=(("EXC-1", at(DAY, 7, 59)),))
    opening(started_before).when(when).then_rejects(rule="INV-13", field="lot_id")
    opening(replace(lot(), open_excursions=(("EXC-1", at(DAY, 8)),))).when(when).then_rejects(rule="INV-13")
    opening(replace(lot(), open_excursions=(("EXC-1", None),))).when(when).then_rejects(rule="INV-13")
    # one starting after the opening does not undo it; none left open (assessed): the opening is accepted
    opening(replace(lot(), open_excursions=(("EXC-1", at(DAY, 8, 1)),))).when(when).then(vial_opened())
    opening(lot()).when(when).then(vial_opened())
