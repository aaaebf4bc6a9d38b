"""The whole ledger walk on the in-memory store: national receipt -> province -> district -> site, with a
partial rejection, a wastage adjustment, a count with a discrepancy and a suspension blocking issues."""

from __future__ import annotations

from datetime import date

import pytest

from eventkit.errors import ConcurrencyConflict, DomainError
from services.inventory import bootstrap
from services.inventory.domain import consumption, ledger, lots, shipments
from services.inventory.domain.dispensations import Dispensation
from services.inventory.handlers import Deps
from services.inventory.handlers.aggregates import SHIPMENT, STOCK_ITEM

from .builders import World, at

LOT = "LOT-AZ-WALK"


@pytest.fixture
def world() -> World:
    world = World()
    world.seed()
    world.handle(lots.RegisterLot(LOT, LOT, "AZ-VAXZEVRIA-10", 1, date(2021, 3, 1), date(2021, 12, 31), "COVAX",
                                  "NICVB-7", world.now))
    return world


def on_hand(world: World, location_id: str) -> int:
    return world.item(location_id, LOT)[0].on_hand


def dispatch(world: World, shipment_id: str, sender: str, receiver: str, doses: int, when, session: str = ""):
    command = shipments.DispatchShipment(shipment_id, sender, receiver, (shipments.DispatchLine(LOT, doses),), when,
                                         session_id=session)
    return world.handle(command)


def dispensed(world: World, session: str, doses: int, site: str = "S-79-760-01") -> str:
    """The district's dispensation to a session at the site, as inventory's read model of allocation knows it."""
    world.dispensations[session] = Dispensation(session, "DHC-760", site, {LOT: doses})
    return session


def deliver(world: World, shipment_id: str, accepted: int, rejected: int = 0, reason: str = "", when=None):
    line = shipments.ReceivedLine(LOT, accepted, rejected, reason, vvm_stage=1)
    command = shipments.ReceiveShipment(shipment_id, when, (line,))
    return world.handle(command)


def test_a_lot_walks_down_the_supply_tree_and_balances_match_hand_computed_figures(world):
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 10_000, 1_000, "covax", "GRN-1", at(10)))
    dispatch(world, "SHP-A", "NAT-EPI", "CDC-79", 4_000, at(11))
    assert (on_hand(world, "NAT-EPI"), on_hand(world, "CDC-79")) == (6_000, 0)      # 4,000 in transit
    deliver(world, "SHP-A", 3_900, 100, "DAMAGED", at(12))
    assert on_hand(world, "CDC-79") == 3_900
    dispatch(world, "SHP-B", "CDC-79", "DHC-760", 2_000, at(13))
    deliver(world, "SHP-B", 2_000, when=at(14))
    dispatch(world, "SHP-C", "DHC-760", "S-79-760-01", 500, at(15), dispensed(world, "SES-C", 600))
    deliver(world, "SHP-C", 500, when=at(15, 15))
    world.handle(ledger.AdjustStock("S-79-760-01", LOT, -20, "BREAKAGE", at(16)))
    world.handle(ledger.RecordCount("DHC-760", at(17), (ledger.CountLot(
        LOT, 1_490, (ledger.DiscrepancyReason("BREAKAGE", -10),)),)))
    assert [on_hand(world, loc) for loc in ("NAT-EPI", "CDC-79", "DHC-760", "S-79-760-01")] == [6_000, 1_900, 1_490, 480]

    world.handle(lots.ChangeLotStatus("suspend", LOT, "NATIONAL", "", "AEFI cluster under review", "MOH",
                                      "MOH-2021-88", at(18)))
    before = world.count()
    with pytest.raises(DomainError) as refused:
        dispatch(world, "SHP-D", "DHC-760", "S-79-760-01", 100, at(19), dispensed(world, "SES-D", 100))
    assert (refused.value.rule, refused.value.field) == ("INV-11", "lines[0].lot_id")
    assert world.count() == before


def test_a_stale_stock_item_version_is_a_conflict_and_appends_nothing(world):
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-2", at(10)))
    item_id = ledger.stock_item_id("NAT-EPI", LOT)

    def adjust_after_a_concurrent_adjustment(tx):
        state = tx.load(STOCK_ITEM, item_id)        # decided on 1,000 doses ...
        world.handle(ledger.AdjustStock("NAT-EPI", LOT, -600, "BREAKAGE", at(11)))   # ... which another took
        assert state.on_hand == 1_000
        tx.append(STOCK_ITEM, item_id, [ledger.StockAdjusted("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", -600, -60, "BREAKAGE",
                                                             True, "", at(11))])

    before = world.count()
    with pytest.raises(ConcurrencyConflict) as conflict:
        world.es.execute(world.context(), adjust_after_a_concurrent_adjustment)
    assert conflict.value.rule == "INV-37" and world.count() == before + 1     # the concurrent one only
    assert world.item("NAT-EPI", LOT)[0].on_hand == 400


def test_a_dispatch_is_all_or_nothing_across_the_shipment_and_its_stock_items(world):
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-3", at(10)))
    before = world.count()
    with pytest.raises(DomainError) as refused:
        dispatch(world, "SHP-X", "NAT-EPI", "CDC-79", 1_500, at(11))
    assert refused.value.rule == "INV-1" and world.count() == before
    assert world.es.load(SHIPMENT, shipments.shipment_aggregate_id("SHP-X"))[0].dispatched is None


def test_a_dispatch_to_a_site_citing_no_dispensation_or_beyond_it_is_refused_and_appends_nothing(world):
    """Stock reaches a site against a session's dispensation (INV-17), within its doses (INV-15)."""
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-6", at(10)))
    dispatch(world, "SHP-1", "NAT-EPI", "CDC-79", 100, at(11))
    deliver(world, "SHP-1", 100, when=at(11, 15))
    dispatch(world, "SHP-2", "CDC-79", "DHC-760", 100, at(12))
    deliver(world, "SHP-2", 100, when=at(12, 15))
    before = world.count()
    for session, rule, field_name in (("", "INV-17", "session_id"), ("SES-UNSEEN", "INV-17", "session_id"),
                                      (dispensed(world, "SES-20", 20), "INV-15", "lines[0].doses")):
        with pytest.raises(DomainError) as refused:
            dispatch(world, f"SHP-X{session}", "DHC-760", "S-79-760-01", 30, at(13), session)
        assert (refused.value.rule, refused.value.field) == (rule, field_name)
    assert world.count() == before
    dispatch(world, "SHP-3", "DHC-760", "S-79-760-01", 20, at(13), "SES-20")
    assert world.count() == before + 2                                       # the shipment and its issue


def test_the_seed_loads_in_one_append_and_a_second_load_appends_nothing():
    world = World()
    first = world.seed()
    assert first.response["appended"] == world.count() == 105 + 10 + 5  # locations, presentation versions, lots
    second = world.seed()
    assert (second.response["appended"], second.events, world.count()) == (0, [], 120)


def test_a_dispatch_decided_while_its_lot_is_suspended_is_a_conflict_and_appends_nothing(world):
    """The lot a decision read is a guard: a suspension committed meanwhile voids the dispatch (INV-37)."""
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-4", at(10)))
    suspension = lots.ChangeLotStatus("suspend", LOT, "NATIONAL", "", "AEFI cluster", "MOH", "MOH-2021-90", at(11))

    def suspended_meanwhile(plan_id: str, line_id: str):   # runs after the dispatch loaded the lot
        world.handle(suspension)
        return None

    world.bus = bootstrap.bus(world.es, Deps(clock=lambda: world.now, allocation_line=suspended_meanwhile))
    before = world.count()
    with pytest.raises(ConcurrencyConflict) as conflict:
        dispatch(world, "SHP-S", "NAT-EPI", "CDC-79", 100, at(12))
    assert conflict.value.rule == "INV-37" and world.count() == before + 1     # the suspension only


def test_a_consumption_decided_while_the_stock_moved_is_decided_again_on_the_fresh_balance(world):
    """Consumption commutes with other movements: on a conflict it is re-decided, never appended stale."""
    world.handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", 1_000, 100, "covax", "GRN-5", at(10)))
    dispatch(world, "SHP-1", "NAT-EPI", "CDC-79", 10, at(11))
    deliver(world, "SHP-1", 10, when=at(11, 15))
    dispatch(world, "SHP-2", "CDC-79", "DHC-760", 10, at(12))
    deliver(world, "SHP-2", 10, when=at(12, 15))
    dispatch(world, "SHP-3", "DHC-760", "S-79-760-01", 10, at(13), dispensed(world, "SES-3", 10))
    deliver(world, "SHP-3", 10, when=at(13, 15))
    other_writer, calls = world.bus, []

    def clock():   # the first decision reads the clock after loading the stock item: the breakage lands then
        calls.append(1)
        if len(calls) == 1:
            other_writer.handle(ledger.AdjustStock("S-79-760-01", LOT, -10, "BREAKAGE", at(14)), world.context())
        return world.now

    world.bus = bootstrap.bus(world.es, Deps(clock=clock))
    vial = consumption.ReportedConsumption("S-79-760-01", LOT, 10, consumption.VIAL_OPENED, "evt-9", "VIAL-9", at(15))
    result = world.handle(vial, key="consumption|evt-9")
    assert result.response["discrepancies"] == ["NO_STOCK"] and len(calls) == 2
    assert on_hand(world, "S-79-760-01") == 0
