"""Cold chain on the pure domain: excursions quarantine stock until assessed (INV-13), thawed stock gets a
beyond-use date and is never refrozen (INV-14, INV-10), a frozen-storage extension skips thawed stock (INV-36)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from eventkit.errors import DomainError
from services.inventory.domain import coldchain, ledger, lots

from .builders import AZ, NATIONAL, NOW, PFIZER, at, context, item, lot, received

FRIDGE = coldchain.StorageUnitRegistered("NAT-FRIDGE-1", "NAT-EPI", "FRIDGE_2_8", "LOG-1", NOW)
FREEZER = coldchain.StorageUnitRegistered("NAT-ULT-1", "NAT-EPI", "ULTRA_COLD_MINUS_80", "LOG-2", NOW)
HEAT = coldchain.TemperatureExcursionDetected("EXC-1", "NAT-FRIDGE-1", Decimal("7.5"), Decimal("46.0"), at(14),
                                              "HEAT_45C_1H", "LOG-1", at(14, 11))


def unit(*events) -> coldchain.StorageUnit:
    state = coldchain.StorageUnit.empty()
    for event in events:
        state = coldchain.evolve_storage_unit(state, event)
    return state


LATER = NOW.replace(year=2022, month=3)


def issue_from(state: ledger.StockItem, ctx: ledger.StockContext, when=None):
    """An issue of 10 vials; the clock is moved to March 2022 so late dates are not in the future."""
    ctx = replace(ctx, now=LATER)
    doses = 10 * ctx.presentation.doses_per_vial
    return ledger.issue(state, ctx, doses=doses, vials=None, shipment_id="SHP-1", to_location_id="CDC-79",
                        at=when or at(15))


def assessed(decision: str) -> coldchain.ExcursionAssessed:
    return coldchain.ExcursionAssessed("EXC-1", "NAT-FRIDGE-1", (coldchain.LotAssessment("ABV5300", decision,
                                                                                         "stability data"),),
                                       "pharmacist-1", at(15))


def test_rejects_issuing_from_a_fridge_with_an_open_excursion_under_inv_13():
    ctx = replace(context(), storage_unit=unit(FRIDGE, HEAT))
    with pytest.raises(DomainError) as refused:
        issue_from(item(received(1000)), ctx)
    assert (refused.value.rule, refused.value.field) == ("INV-13", "lot_id")


def test_an_assessment_usable_releases_the_stock_and_discard_keeps_it_blocked():
    issue_from(item(received(1000)), replace(context(), storage_unit=unit(FRIDGE, HEAT, assessed("USABLE"))))
    with pytest.raises(DomainError) as refused:
        issue_from(item(received(1000)), replace(context(), storage_unit=unit(FRIDGE, HEAT, assessed("DISCARD"))))
    assert refused.value.rule == "INV-13"


def test_an_excursion_is_assessed_once_with_a_reasoned_verdict_per_lot():
    with pytest.raises(DomainError) as twice:
        coldchain.assess_excursion(unit(FRIDGE, HEAT, assessed("USABLE")), assessed("USABLE"), now=NOW)
    assert twice.value.rule == "INV-13"
    no_reason = replace(assessed("USABLE"), assessments=(coldchain.LotAssessment("ABV5300", "USABLE", ""),))
    with pytest.raises(DomainError):
        coldchain.assess_excursion(unit(FRIDGE, HEAT), no_reason, now=NOW)


def test_rejects_an_excursion_in_an_unknown_unit_or_with_min_above_max():
    with pytest.raises(DomainError):
        coldchain.record_excursion(unit(), HEAT, now=NOW)
    with pytest.raises(DomainError):
        coldchain.record_excursion(unit(FRIDGE), replace(HEAT, min_celsius=Decimal("50")), now=NOW)


def test_rejects_an_ultra_cold_unit_where_the_location_has_no_ultra_cold_capability_under_inv_14():
    fridge_only = replace(NATIONAL, storage_capabilities=("FRIDGE",))
    with pytest.raises(DomainError) as refused:
        coldchain.register_storage_unit(unit(), FREEZER, fridge_only)
    assert refused.value.rule == "INV-14"


# -- thaw (INV-14, INV-10, INV-36) ----------------------------------------------------------------------


def pfizer_stock():
    pfizer_lot = lot("FE8206", PFIZER, expires=date(2021, 11, 30))
    event = ledger.DoseReceived("NAT-EPI", "FE8206", "PFIZER-COMIRNATY", 600, 100, "donation", "D-1", at(10),
                                "NAT-ULT-1", 0, True)
    return item(event), pfizer_lot


def thaw(state, pfizer_lot, storage: coldchain.StorageUnitRegistered = FRIDGE, vials: int = 10):
    ctx = context(the_lot=pfizer_lot, presentation=PFIZER)
    ctx = replace(ctx, storage_unit=unit(storage))
    command = ledger.ThawVials("NAT-EPI", "FE8206", vials, at(12), storage.storage_unit_id)
    return ledger.thaw_vials(state, command, ctx), ctx


def test_thawing_pfizer_sets_a_beyond_use_date_31_days_later():
    state, pfizer_lot = pfizer_stock()
    [event], _ = thaw(state, pfizer_lot)
    assert (event.beyond_use_date, event.storage_unit_id) == (date(2021, 9, 12), "NAT-FRIDGE-1")
    assert ledger.evolve(state, event).beyond_use_date == date(2021, 9, 12)


def test_rejects_thawing_into_a_freezer_under_inv_14():
    state, pfizer_lot = pfizer_stock()
    with pytest.raises(DomainError) as refused:
        thaw(state, pfizer_lot, FREEZER)
    assert (refused.value.rule, refused.value.field) == ("INV-14", "storage_unit_id")


def test_rejects_thawing_a_refrigerated_product_under_inv_14():
    ctx = replace(context(), storage_unit=unit(FRIDGE))
    with pytest.raises(DomainError) as refused:
        ledger.thaw_vials(item(received(1000)), ledger.ThawVials("NAT-EPI", "ABV5300", 10, at(12), "NAT-FRIDGE-1"),
                          ctx)
    assert refused.value.rule == "INV-14"


def test_rejects_thawing_more_vials_than_on_hand_under_inv_1():
    state, pfizer_lot = pfizer_stock()
    with pytest.raises(DomainError) as refused:
        thaw(state, pfizer_lot, vials=101)
    assert refused.value.rule == "INV-1"


def test_rejects_putting_thawed_stock_back_into_a_freezer_under_inv_14():
    state, pfizer_lot = pfizer_stock()
    [thawed], ctx = thaw(state, pfizer_lot)
    state = ledger.evolve(state, thawed)
    with pytest.raises(DomainError) as refused:
        ledger.check_put_away(state, replace(ctx, storage_unit=unit(FREEZER)), "NAT-ULT-1", thawed=False)
    assert refused.value.rule == "INV-14"


def test_rejects_shipping_thawed_stock_after_its_beyond_use_date_under_inv_10():
    state, pfizer_lot = pfizer_stock()
    [thawed], ctx = thaw(state, pfizer_lot)
    state = ledger.evolve(state, thawed)
    with pytest.raises(DomainError) as refused:
        issue_from(state, replace(ctx, storage_unit=None), when=at(12) + timedelta(days=35))
    assert refused.value.rule == "INV-10"


def test_a_frozen_storage_extension_does_not_cover_thawed_stock_under_inv_36():
    state, pfizer_lot = pfizer_stock()
    extension = lots.LotExpiryExtended("FE8206", date(2021, 11, 30), date(2022, 2, 28), "MOH 4567/QD-BYT",
                                       "FROZEN_ULTRA_COLD", NOW)
    extended = lots.evolve_lot(pfizer_lot, extension)
    frozen_ctx = context(the_lot=extended, presentation=PFIZER)
    issue_from(state, frozen_ctx, when=at(5, month=12))  # frozen stock: the extension applies
    late_bud = replace(ledger.evolve(state, thaw(state, pfizer_lot)[0][0]), beyond_use_date=date(2022, 1, 31))
    with pytest.raises(DomainError) as refused:
        issue_from(late_bud, frozen_ctx, when=at(5, month=12))
    assert (refused.value.rule, refused.value.field) == ("INV-36", "lot_id")


def test_the_fixture_presentations_differ_in_storage():
    assert (AZ.storage_condition, PFIZER.storage_condition) == ("REFRIGERATED", "FROZEN_ULTRA_COLD")
