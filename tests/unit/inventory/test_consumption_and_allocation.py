"""Consumption reported by immunization (never silently accepted against stock a site does not hold, INV-28)
and shipments against allocation lines (recipient INV-17, release INV-16, quantity INV-15)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from eventkit.errors import DomainError
from services.inventory.domain import allocation_lines, coldchain, consumption, ledger, lots, shipments

from .builders import CDC_79, DHC_760, SITE_760, at, context, item, lot, received


def site_stock(doses: int = 100) -> ledger.StockItem:
    return item(replace(received(doses), location_id="S-79-760-01"))


def report(doses: int = 10, source: str = consumption.VIAL_OPENED, when=None) -> consumption.ReportedConsumption:
    return consumption.ReportedConsumption("S-79-760-01", "ABV5300", doses, source, "evt-1", "VIAL-1",
                                           when or at(15))


def test_an_opened_vial_takes_its_ten_doses_out_of_site_stock():
    [event] = consumption.consume(site_stock(), report(), context(SITE_760))
    assert event == ledger.StockConsumed("S-79-760-01", "ABV5300", "AZ-VAXZEVRIA-10", 10, 1, "VIAL_OPENED", "evt-1",
                                         "VIAL-1", at(15))
    assert ledger.evolve(site_stock(), event).on_hand == 90


def test_a_dose_given_without_a_vial_opening_takes_one_dose():
    [event] = consumption.consume(site_stock(), report(1, consumption.DOSE_ADMINISTERED), context(SITE_760))
    assert (event.doses, event.vials) == (1, 0)


def test_a_vial_opened_at_a_site_holding_none_of_the_lot_is_a_discrepancy_not_a_negative_balance():
    [event] = consumption.consume(ledger.StockItem.empty(), report(), context(SITE_760))
    assert isinstance(event, ledger.ConsumptionDiscrepancyDetected)
    assert (event.reason, event.balance_doses, event.doses) == ("NO_STOCK", 0, 10)
    assert ledger.evolve(ledger.StockItem.empty(), event).on_hand == 0


def test_a_backdated_opening_that_would_make_a_later_balance_negative_is_a_discrepancy():
    state = item(replace(received(10), location_id="S-79-760-01"),
                 ledger.StockConsumed("S-79-760-01", "ABV5300", "AZ-VAXZEVRIA-10", 10, 1, "VIAL_OPENED", "e0", "V0",
                                      at(16)))
    [event] = consumption.consume(state, report(when=at(15)), context(SITE_760))
    assert (event.reason, event.balance_doses) == ("INSUFFICIENT_STOCK", 10)


@pytest.mark.parametrize("missing", ["UNKNOWN_SITE", "UNKNOWN_LOT"])
def test_unknown_sites_and_lots_are_discrepancies(missing):
    [event] = consumption.consume(ledger.StockItem.empty(), report(), None, missing)
    assert event.reason == missing


def test_a_vial_of_the_wrong_size_is_a_discrepancy():
    [event] = consumption.consume(site_stock(), report(6), context(SITE_760))
    assert event.reason == "WRONG_VIAL_SIZE"


def test_a_vial_of_a_lot_suspended_before_the_opening_is_consumed_and_flagged_under_inv_11():
    suspended = lots.evolve_lot(lot(), lots.LotSuspended("ABV5300", "NATIONAL", "", "review", "MOH", "D-1", at(14)))
    consumed, flagged = consumption.consume(site_stock(), report(), context(SITE_760, suspended))
    assert consumed.doses == 10
    assert (flagged.reason, flagged.stock_decremented) == ("LOT_SUSPENDED", True)


def test_a_vial_opened_before_the_suspension_is_not_flagged():
    suspended = lots.evolve_lot(lot(), lots.LotSuspended("ABV5300", "NATIONAL", "", "review", "MOH", "D-1", at(16)))
    assert [type(e) for e in consumption.consume(site_stock(), report(), context(SITE_760, suspended))] == [
        ledger.StockConsumed]


def test_a_vial_of_an_expired_lot_is_consumed_and_flagged_under_inv_10():
    expired = context(SITE_760, lot(expires=date(2021, 8, 14)))
    consumed, flagged = consumption.consume(site_stock(), report(), expired)
    assert (flagged.reason, flagged.stock_decremented, consumed.doses) == ("LOT_EXPIRED", True, 10)


# -- allocation lines -----------------------------------------------------------------------------------

LINE = allocation_lines.AllocationLine("79", "PROVINCE", doses_released=5_000, doses_shipped=1_000)


def planned(line_id: str = "L-79") -> shipments.DispatchShipment:
    return shipments.DispatchShipment("SHP-1", "NAT-EPI", "CDC-79", (shipments.DispatchLine("ABV5300", 1_000),), at(11),
                                      "PLAN-2021-08", line_id)


def test_a_shipment_for_a_released_line_to_its_province_is_allowed():
    allocation_lines.check_allocation_line(planned(), LINE, CDC_79, 4_000)


def test_rejects_a_shipment_to_another_recipient_than_the_line_under_inv_17():
    with pytest.raises(DomainError) as refused:
        allocation_lines.check_allocation_line(planned(), LINE, DHC_760, 1_000)
    assert (refused.value.rule, refused.value.field) == ("INV-17", "to_location_id")


def test_a_province_plan_line_for_a_district_accepts_that_district_store_and_no_other():
    district_line = allocation_lines.AllocationLine("760", "DISTRICT", doses_released=300, doses_shipped=0)
    allocation_lines.check_allocation_line(planned(), district_line, DHC_760, 300)
    with pytest.raises(DomainError) as refused:
        allocation_lines.check_allocation_line(planned(), district_line, CDC_79, 300)
    assert (refused.value.rule, refused.value.field) == ("INV-17", "to_location_id")


def test_rejects_shipping_beyond_the_released_doses_under_inv_15():
    with pytest.raises(DomainError) as refused:
        allocation_lines.check_allocation_line(planned(), LINE, CDC_79, 4_010)
    assert refused.value.rule == "INV-15"


def test_rejects_a_line_not_released_or_unknown_under_inv_16():
    for line in (None, replace(LINE, doses_released=0), replace(LINE, cancelled=True)):
        with pytest.raises(DomainError) as refused:
            allocation_lines.check_allocation_line(planned(), line, CDC_79, 10)
        assert refused.value.rule == "INV-16"


# -- an opening from a fridge with an open excursion (issue 18, INV-13 detected) --------------------------

def _fridge(started_hour: int, assessed: bool = False) -> coldchain.StorageUnit:
    unit = coldchain.evolve_storage_unit(coldchain.StorageUnit.empty(), coldchain.StorageUnitRegistered(
        "FRIDGE-1", "S-79-760-01", "FRIDGE_2_8", "LOG-1", at(8)))
    unit = coldchain.evolve_storage_unit(unit, coldchain.TemperatureExcursionDetected(
        "EXC-1", "FRIDGE-1", Decimal("9.5"), Decimal("14.0"), at(started_hour), "HEAT_30C_10H_CUMULATIVE"))
    if assessed:
        unit = coldchain.evolve_storage_unit(unit, coldchain.ExcursionAssessed("EXC-1", "FRIDGE-1", (), "pharmacist-1", at(14)))
    return unit


def test_a_vial_opened_from_a_fridge_with_an_open_excursion_is_consumed_and_flagged_under_inv_13():
    consumed, flagged = consumption.consume(site_stock(), report(),
                                            replace(context(SITE_760), storage_unit=_fridge(started_hour=15)))
    assert (flagged.reason, flagged.stock_decremented, consumed.doses) == ("UNDER_EXCURSION", True, 10)


@pytest.mark.parametrize("fridge", [pytest.param(lambda: _fridge(started_hour=16), id="excursion-after-opening"),
                                    pytest.param(lambda: _fridge(started_hour=12, assessed=True), id="assessed")])
def test_an_opening_before_the_excursion_or_after_its_assessment_is_not_flagged(fridge):
    events = consumption.consume(site_stock(), report(), replace(context(SITE_760), storage_unit=fridge()))
    assert [type(e) for e in events] == [ledger.StockConsumed]
