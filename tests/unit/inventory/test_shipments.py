"""Shipments on the pure domain: routes (INV-4, INV-14), proof of delivery (INV-9, INV-12), lost / returned."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.inventory.domain import shipments

from .builders import AUG_10, AUG_12, AZ, CDC_79, DHC_760, NATIONAL, NOW, PFIZER, SITE_001, SITE_760, at

SENT = shipments.ShipmentDispatched("SHP-1", "CDC-79", "DHC-760", "AZ-VAXZEVRIA-10",
                                    (shipments.StockLine("ABV5300", 1000, 100),), at(11))


def delivering() -> Scenario:
    return Scenario(decide=lambda state, command: shipments.receive(state, command, now=NOW),
                    evolve=shipments.evolve_shipment, initial=shipments.Shipment.empty)


def delivery(accepted: int, rejected: int = 0, reason: str = "", vvm: int = 1, when=AUG_12):
    return shipments.ReceiveShipment("SHP-1", when, (shipments.ReceivedLine("ABV5300", accepted, rejected, reason, vvm),))


def test_a_partial_rejection_with_a_reason_is_a_valid_proof_of_delivery():
    command = delivery(950, 50, "DAMAGED")
    delivering().given(SENT).when(command).then(shipments.ShipmentReceived("SHP-1", "DHC-760", command.lines, at(12)))


def test_rejects_shipped_1000_accepted_950_rejected_0_under_inv_9():
    delivering().given(SENT).when(delivery(950)).then_rejects(rule="INV-9", field="lines[0].rejected_doses")


def test_rejects_a_rejection_without_a_reason_under_inv_9():
    delivering().given(SENT).when(delivery(950, 50)).then_rejects(rule="INV-9", field="lines[0].rejection_reason")


def test_rejects_a_second_receipt_for_the_same_shipment_under_inv_9():
    first = shipments.ShipmentReceived("SHP-1", "DHC-760", delivery(1000).lines, at(12))
    delivering().given(SENT, first).when(delivery(1000)).then_rejects(rule="INV-9", field="shipment_id")


def test_rejects_a_delivery_of_a_lot_that_was_not_shipped_under_inv_9():
    other = shipments.ReceiveShipment("SHP-1", at(12), (shipments.ReceivedLine("FE8206", 1000, 0),))
    delivering().given(SENT).when(other).then_rejects(rule="INV-9", field="lines")


def test_rejects_a_delivery_of_a_shipment_never_dispatched_under_inv_9():
    delivering().when(delivery(1000)).then_rejects(rule="INV-9", field="shipment_id")


def test_rejects_accepting_vvm_stage_3_as_usable_under_inv_12():
    delivering().given(SENT).when(delivery(1000, vvm=3)).then_rejects(rule="INV-12", field="lines[0].vvm_stage")


def test_rejects_an_arrival_before_the_departure_under_inv_8():
    delivering().given(SENT).when(delivery(1000, when=AUG_10)).then_rejects(rule="INV-8", field="received_at")


def test_a_district_may_supply_its_own_site():
    shipments.check_route(DHC_760, SITE_760, AZ, thawed=False)


def test_rejects_a_district_issuing_to_a_site_of_another_province_under_inv_4():
    with pytest.raises(DomainError) as refused:
        shipments.check_route(DHC_760, SITE_001, AZ, thawed=False)
    assert (refused.value.rule, refused.value.field) == ("INV-4", "to_location_id")


def test_rejects_the_national_store_shipping_directly_to_a_site_under_inv_4():
    with pytest.raises(DomainError) as refused:
        shipments.check_route(NATIONAL, SITE_760, AZ, thawed=False)
    assert refused.value.rule == "INV-4"


def test_rejects_frozen_pfizer_to_a_location_without_ultra_cold_storage_under_inv_14():
    with pytest.raises(DomainError) as refused:
        shipments.check_route(NATIONAL, CDC_79, PFIZER, thawed=False)
    assert (refused.value.rule, refused.value.field) == ("INV-14", "to_location_id")
    shipments.check_route(NATIONAL, CDC_79, PFIZER, thawed=True)  # thawed stock travels 2-8 °C


def test_rejects_a_shipment_listing_a_lot_twice():
    line = shipments.DispatchLine("ABV5300", 100)
    with pytest.raises(DomainError):
        shipments.check_dispatch_lines(shipments.DispatchShipment("SHP-2", "CDC-79", "DHC-760", (line, line), at(11)))


def test_a_lost_shipment_closes_it_and_a_returned_one_names_the_sender():
    lost = shipments.close(shipments.evolve_shipment(shipments.Shipment.empty(), SENT),
                           shipments.CloseShipment("SHP-1", "LOST", "truck accident", at(12)), now=NOW)
    assert lost == [shipments.ShipmentLost("SHP-1", "CDC-79", "DHC-760", SENT.lines, "truck accident", at(12))]
    returned = shipments.close(shipments.evolve_shipment(shipments.Shipment.empty(), SENT),
                               shipments.CloseShipment("SHP-1", "RETURNED", "road closed", at(12)), now=NOW)
    assert returned[0].returned_to_location_id == "CDC-79"


def test_rejects_closing_a_delivered_shipment_under_inv_9():
    state = shipments.evolve_shipment(shipments.evolve_shipment(shipments.Shipment.empty(), SENT),
                                      shipments.ShipmentReceived("SHP-1", "DHC-760", (), at(12)))
    with pytest.raises(DomainError) as refused:
        shipments.close(state, shipments.CloseShipment("SHP-1", "LOST", "?", at(13)), now=NOW)
    assert refused.value.rule == "INV-9"


def test_the_site_fixture_is_supplied_by_its_district():
    assert replace(SITE_760).supplied_by == ("DHC-760",)
