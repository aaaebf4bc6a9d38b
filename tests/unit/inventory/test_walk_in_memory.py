"""The whole ledger walk on the in-memory store: national receipt -> province -> district -> site, with a
partial rejection, a wastage adjustment, a count with a discrepancy and a suspension blocking issues."""

from __future__ import annotations

from datetime import date

import pytest

from eventkit.errors import ConcurrencyConflict, DomainError
from services.inventory.domain import ledger, lots, shipments
from services.inventory.handlers.base import STOCK_ITEM, Change

from .builders import World, at

LOT = "LOT-AZ-WALK"


@pytest.fixture
def world() -> World:
    world = World()
    world.seed()
    world.handlers.register_lot(lots.RegisterLot(LOT, LOT, "AZ-VAXZEVRIA-10", 1, date(2021, 3, 1),
                                                 date(2021, 12, 31), "COVAX", "NICVB-7", world.now),
                                world.context(), "lot")
    return world


def on_hand(world: World, location_id: str) -> int:
    return world.handlers.load_item(location_id, LOT)[0].on_hand


def dispatch(world: World, shipment_id: str, sender: str, receiver: str, doses: int, when):
    command = shipments.DispatchShipment(shipment_id, sender, receiver, (shipments.DispatchLine(LOT, doses),), when)
    return world.handlers.dispatch_shipment(command, world.context(), shipment_id)


def deliver(world: World, shipment_id: str, accepted: int, rejected: int = 0, reason: str = "", when=None):
    line = shipments.ReceivedLine(LOT, accepted, rejected, reason, vvm_stage=1)
    command = shipments.ReceiveShipment(shipment_id, when, (line,))
    return world.handlers.receive_shipment(command, world.context(), f"pod-{shipment_id}")


def test_a_lot_walks_down_the_supply_tree_and_balances_match_hand_computed_figures(world):
    h = world.handlers
    h.receive_doses(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 10_000, 1_000, "covax", "GRN-1", at(10)),
                    world.context(), "r")
    dispatch(world, "SHP-A", "NAT-EPI", "CDC-79", 4_000, at(11))
    assert (on_hand(world, "NAT-EPI"), on_hand(world, "CDC-79")) == (6_000, 0)      # 4,000 in transit
    deliver(world, "SHP-A", 3_900, 100, "DAMAGED", at(12))
    assert on_hand(world, "CDC-79") == 3_900
    dispatch(world, "SHP-B", "CDC-79", "DHC-760", 2_000, at(13))
    deliver(world, "SHP-B", 2_000, when=at(14))
    dispatch(world, "SHP-C", "DHC-760", "S-79-760-01", 500, at(15))
    deliver(world, "SHP-C", 500, when=at(15, 15))
    h.adjust_stock(ledger.AdjustStock("S-79-760-01", LOT, -20, "BREAKAGE", at(16)), world.context(), "adj")
    h.record_count(ledger.RecordCount("DHC-760", at(17), (ledger.CountLot(
        LOT, 1_490, (ledger.DiscrepancyReason("BREAKAGE", -10),)),)), world.context(), "count")
    assert [on_hand(world, loc) for loc in ("NAT-EPI", "CDC-79", "DHC-760", "S-79-760-01")] == [6_000, 1_900, 1_490, 480]

    h.change_lot_status(lots.ChangeLotStatus("suspend", LOT, "NATIONAL", "", "AEFI cluster under review", "MOH",
                                             "MOH-2021-88", at(18)), world.context(), "suspend")
    before = world.count()
    with pytest.raises(DomainError) as refused:
        dispatch(world, "SHP-D", "DHC-760", "S-79-760-01", 100, at(19))
    assert (refused.value.rule, refused.value.field) == ("INV-11", "lines[0].lot_id")
    assert world.count() == before


def test_a_stale_stock_item_version_is_a_conflict_and_appends_nothing(world):
    h = world.handlers
    h.receive_doses(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-2", at(10)),
                    world.context(), "r")
    state, version = h.load_item("NAT-EPI", LOT)
    h.adjust_stock(ledger.AdjustStock("NAT-EPI", LOT, -600, "BREAKAGE", at(11)), world.context(), "first")
    before = world.count()
    stale = [ledger.StockAdjusted("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", -600, -60, "BREAKAGE", True, "", at(11))]
    with pytest.raises(ConcurrencyConflict) as conflict:
        h.append([Change(STOCK_ITEM, ledger.stock_item_id("NAT-EPI", LOT), version, stale)], world.context(), "x")
    assert conflict.value.rule == "INV-37" and world.count() == before


def test_a_dispatch_is_all_or_nothing_across_the_shipment_and_its_stock_items(world):
    h = world.handlers
    h.receive_doses(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-3", at(10)),
                    world.context(), "r")
    before = world.count()
    with pytest.raises(DomainError) as refused:
        dispatch(world, "SHP-X", "NAT-EPI", "CDC-79", 1_500, at(11))
    assert refused.value.rule == "INV-1" and world.count() == before
    assert h.shipment("SHP-X")[0].dispatched is None
