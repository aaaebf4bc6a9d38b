"""Lots (state machine, expiry extension) and reference data (locations, presentation versions, INV-35)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventkit.errors import DomainError, DuplicateEntity
from eventkit.testing import Scenario
from services.inventory.domain import ledger, lots, reference, shipments
from services.inventory.seed import SeedDocument

from .builders import AZ, CDC_79, DHC_760, NATIONAL, NOW, SITE_760, at, context, lot, receipt

SUSPEND = lots.ChangeLotStatus("suspend", "ABV5300", "NATIONAL", "", "thrombosis signal", "MOH", "MOH-2021-0308", NOW)


def deciding() -> Scenario:
    return Scenario(decide=lambda state, command: lots.change_lot_status(state, command, now=NOW),
                    evolve=lots.evolve_lot, initial=lots.Lot.empty)


def registered() -> lots.LotRegistered:
    return lot().registered


def test_a_released_lot_is_suspended_then_released_again():
    [suspended] = deciding().given(registered()).when(SUSPEND).then(lots.LotSuspended(
        "ABV5300", "NATIONAL", "", "thrombosis signal", "MOH", "MOH-2021-0308", NOW))
    deciding().given(registered(), suspended).when(replace(SUSPEND, action="release")).then(lots.LotReleased(
        "ABV5300", "NATIONAL", "", "thrombosis signal", "MOH", "MOH-2021-0308", NOW))


def test_a_recalled_lot_is_terminal():
    recalled = lots.LotRecalled("ABV5300", "NATIONAL", "", "quality defect", "DAV", "DAV-1", NOW)
    for action in ("release", "suspend", "recall"):
        deciding().given(registered(), recalled).when(replace(SUSPEND, action=action)).then_rejects(rule="INV-11")


def test_rejects_releasing_a_lot_that_is_not_suspended():
    deciding().given(registered()).when(replace(SUSPEND, action="release")).then_rejects(rule="INV-11")


def test_rejects_a_province_decision_without_its_province():
    deciding().given(registered()).when(replace(SUSPEND, scope="PROVINCE")).then_rejects(rule="INV-11",
                                                                                          field="scope_id")


def test_a_suspension_blocks_the_lot_at_every_location_of_its_scope_at_once():
    state = lots.evolve_lot(lot(), lots.LotSuspended("ABV5300", "PROVINCE", "79", "review", "DOH", "D", NOW))
    assert (state.blocked_at(CDC_79), state.blocked_at(SITE_760), state.blocked_at(NATIONAL)) == (
        "SUSPENDED", "SUSPENDED", None)


def test_an_expiry_extension_records_old_and_new_expiry():
    command = lots.ExtendLotExpiry("ABV5300", date(2022, 3, 31), "MOH 3344/QD-BYT", "FROZEN_ULTRA_COLD", NOW)
    [event] = lots.extend_lot_expiry(lot(), command, now=NOW)
    assert (event.old_expiry_date, event.new_expiry_date) == (date(2021, 12, 31), date(2022, 3, 31))
    assert lots.evolve_lot(lot(), event).expiry() == date(2022, 3, 31)
    assert lots.evolve_lot(lot(), event).expiry(extension_applies=False) == date(2021, 12, 31)


def test_rejects_an_extension_that_shortens_the_expiry_under_inv_10():
    command = lots.ExtendLotExpiry("ABV5300", date(2021, 6, 1), "?", "REFRIGERATED", NOW)
    with pytest.raises(DomainError) as refused:
        lots.extend_lot_expiry(lot(), command, now=NOW)
    assert refused.value.rule == "INV-10"


def test_rejects_a_lot_for_an_undefined_presentation_version_under_inv_6():
    with pytest.raises(DomainError) as refused:
        lots.register_lot(lots.Lot.empty(), registered(), None, today=NOW.date())
    assert refused.value.rule == "INV-6"


def test_registering_the_same_lot_twice_is_a_no_op_but_other_details_conflict():
    assert lots.register_lot(lot(), registered(), AZ, today=NOW.date()) == []
    with pytest.raises(DuplicateEntity):
        lots.register_lot(lot(), replace(registered(), label_expiry_date=date(2022, 1, 1)), AZ, today=NOW.date())


# -- presentations (INV-35) -----------------------------------------------------------------------------


def defining() -> Scenario:
    return Scenario(decide=reference.define_presentation, evolve=reference.evolve_presentation,
                    initial=reference.Presentation.empty)


def test_rejects_editing_a_10_dose_presentation_to_8_doses_in_place_under_inv_35():
    defining().given(AZ).when(replace(AZ, doses_per_vial=8)).then_rejects(rule="INV-35", field="version")


def test_a_label_change_is_a_new_version():
    defining().given(AZ).when(replace(AZ, version=2, doses_per_vial=8)).then(replace(AZ, version=2, doses_per_vial=8))


def test_rejects_skipping_a_version_under_inv_35():
    defining().given(AZ).when(replace(AZ, version=3)).then_rejects(rule="INV-35")


def test_redefining_a_version_identically_changes_nothing():
    defining().given(AZ).when(AZ).then()


# -- locations ------------------------------------------------------------------------------------------


def test_the_scope_path_of_a_site_runs_national_province_district_site():
    assert reference.scope_path(SITE_760) == ["national", "province:79", "district:760", "site:S-79-760-01"]
    assert reference.scope_path(CDC_79) == ["national", "province:79"]


def test_rejects_a_location_supplied_by_an_unknown_location_under_inv_4():
    command = replace(SITE_760, supplied_by=("DHC-999",))
    with pytest.raises(DomainError) as refused:
        reference.register_location(reference.Location.empty(), command, known=frozenset({"DHC-760"}))
    assert (refused.value.rule, refused.value.field) == ("INV-4", "supplied_by")


def test_rejects_a_district_code_that_is_not_three_digits():
    command = replace(SITE_760, district_code="7600")
    with pytest.raises(DomainError):
        reference.register_location(reference.Location.empty(), command, known=frozenset({"DHC-760"}))


def test_the_seed_holds_all_63_provinces_and_the_seven_2021_vaccines():
    document = SeedDocument.load()
    provinces = [loc for loc in document.locations(NOW) if loc.kind == "PROVINCE_STORE"]
    assert len(provinces) == 63 == len({p.province_code for p in provinces})
    assert {"01", "79", "48"} <= {p.province_code for p in provinces}
    brands = {p.brand for p in document.presentations(NOW)}
    assert {"Vaxzevria", "Comirnaty", "Spikevax", "Vero Cell", "CoronaVac", "Jcovden"} <= brands
    assert any(p.components == ("II",) for p in document.presentations(NOW))  # Sputnik V component II


def test_a_deactivated_location_takes_no_movement_after_its_last_day():
    closing = reference.LocationDeactivated("NAT-EPI", date(2021, 8, 14), "moved to the new warehouse", NOW)
    assert reference.deactivate_location(reference.evolve_location(reference.Location.empty(), NATIONAL),
                                         closing) == [closing]
    with pytest.raises(DomainError) as twice:
        state = reference.evolve_location(reference.evolve_location(reference.Location.empty(), NATIONAL), closing)
        reference.deactivate_location(state, closing)
    assert twice.value.rule == "INV-4"
    ctx = replace(context(), location_active_until=date(2021, 8, 14))
    with pytest.raises(DomainError) as late:
        ledger.receive_doses(ledger.StockItem.empty(), receipt(when=at(15)), ctx)
    assert (late.value.rule, late.value.field) == ("INV-8", "received_at")


def test_rejects_shipping_to_a_location_after_it_stopped_operating_under_inv_4():
    with pytest.raises(DomainError) as refused:
        shipments.check_route(DHC_760, SITE_760, AZ, thawed=False, receiver_active_until=date(2021, 8, 14),
                              at=at(15))
    assert (refused.value.rule, refused.value.field) == ("INV-4", "to_location_id")
