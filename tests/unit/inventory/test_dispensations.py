"""A dispatch to a vaccination site carries a session's dispensation (or fulfils an allocation line naming the
site): from the dispensing district store to the session's site, the dispensed lots only, within the doses
dispensed less those already shipped (INV-15 / INV-17)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventkit.errors import DomainError
from services.inventory.domain import dispensations, shipments
from services.inventory.domain.dispensations import Dispensation

from .builders import CDC_79, DHC_760, SITE_001, SITE_760, at

SESSION = Dispensation("SES-760-0803", "DHC-760", "S-79-760-01", {"ABV5300": 60, "ABV5301": 30},
                       shipped={"ABV5300": 20})


def to_site(*lines: tuple[str, int], session: str = "SES-760-0803", receiver: str = "S-79-760-01",
            plan: str = "", line: str = "") -> shipments.DispatchShipment:
    return shipments.DispatchShipment("SHP-S1", "DHC-760", receiver,
                                      tuple(shipments.DispatchLine(lot, doses) for lot, doses in lines), at(15),
                                      plan, line, session_id=session)


def refused(command, *, sender=DHC_760, receiver=SITE_760, dispensation=SESSION) -> tuple[str, str]:
    with pytest.raises(DomainError) as error:
        dispensations.check_site_supply(command, sender, receiver, dispensation,
                                        {line.lot_id: line.doses for line in command.lines})
    return error.value.rule, error.value.field


def test_a_dispatch_within_the_dispensation_to_the_sessions_site_is_allowed():
    command = to_site(("ABV5300", 40), ("ABV5301", 30))
    dispensations.check_site_supply(command, DHC_760, SITE_760, SESSION, {"ABV5300": 40, "ABV5301": 30})


def test_rejects_a_dispatch_to_a_site_citing_neither_a_dispensation_nor_an_allocation_line():
    assert refused(to_site(("ABV5300", 10), session="")) == ("INV-17", "session_id")


def test_a_dispatch_to_a_site_for_an_allocation_line_is_left_to_the_line_check():
    dispensations.check_site_supply(to_site(("ABV5300", 10), session="", plan="AP-1", line="L-1"), DHC_760,
                                    SITE_760, None, {"ABV5300": 10})


def test_stores_still_receive_without_a_session():
    command = replace(to_site(("ABV5300", 10), session=""), from_location_id="NAT-EPI", to_location_id="CDC-79")
    dispensations.check_site_supply(command, DHC_760, CDC_79, None, {"ABV5300": 10})


def test_rejects_a_session_no_dispensation_of_which_inventory_has_seen():
    assert refused(to_site(("ABV5300", 10)), dispensation=None) == ("INV-17", "session_id")


def test_rejects_a_dispensation_shipped_to_another_site_or_from_another_store_or_to_a_store():
    assert refused(to_site(("ABV5300", 10), receiver="S-01-001-01"), receiver=SITE_001) == ("INV-17", "to_location_id")
    assert refused(to_site(("ABV5300", 10)), sender=CDC_79) == ("INV-17", "from_location_id")
    assert refused(to_site(("ABV5300", 10), receiver="CDC-79"), receiver=CDC_79) == ("INV-17", "to_location_id")


def test_rejects_a_lot_that_was_not_dispensed_to_the_session():
    assert refused(to_site(("ABV5301", 10), ("ABV9999", 10))) == ("INV-17", "lines[1].lot_id")


def test_rejects_doses_beyond_the_dispensation_less_what_was_already_shipped_under_inv_15():
    assert refused(to_site(("ABV5300", 41))) == ("INV-15", "lines[0].doses")   # 60 dispensed, 20 shipped
    assert refused(to_site(("ABV5301", 31))) == ("INV-15", "lines[0].doses")
