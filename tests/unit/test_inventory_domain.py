"""Inventory receipts, as Given / When / Then on the pure domain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from eventkit.testing import Scenario
from services.inventory import domain

NOW = datetime(2021, 4, 17, 12, 0, tzinfo=UTC)
RECEIPT = domain.ReceiveDoses(
    location_id="NAT-EPI", lot_id="ABV5300", presentation_id="AZ-VAXZEVRIA-10", doses=1000, vials=100,
    source="covax", shipment_reference="COVAX-2021-0417", received_at=datetime(2021, 4, 17, 1, 30, tzinfo=UTC),
    storage_unit_id="NAT-COLDROOM-2",
)


def scenario() -> Scenario:
    return Scenario(decide=lambda state, command: domain.receive_doses(state, command, now=NOW),
                    evolve=domain.evolve, initial=domain.StockItem.empty)


def received(doses: int) -> domain.DoseReceived:
    return domain.receive_doses(domain.StockItem.empty(), replace(RECEIPT, doses=doses), now=NOW)[0]


def test_a_receipt_records_dose_received_with_every_field():
    [event] = scenario().given().when(RECEIPT).then(received(1000))
    assert event.occurred_at == RECEIPT.received_at


def test_receipts_add_up_on_hand():
    state = domain.StockItem.empty()
    for event in (received(1000), received(500)):
        state = domain.evolve(state, event)
    assert (state.location_id, state.lot_id, state.on_hand) == ("NAT-EPI", "ABV5300", 1500)


@pytest.mark.parametrize("doses", [0, -5])
def test_rejects_non_positive_doses_under_inv_2(doses):
    scenario().given(received(1000)).when(replace(RECEIPT, doses=doses)).then_rejects(rule="INV-2", field="doses")


def test_rejects_zero_vials_under_inv_2():
    scenario().when(replace(RECEIPT, vials=0)).then_rejects(rule="INV-2", field="vials")


def test_rejects_a_receipt_dated_tomorrow_under_inv_8():
    tomorrow = datetime(2021, 4, 18, 1, 0, tzinfo=UTC)
    scenario().when(replace(RECEIPT, received_at=tomorrow)).then_rejects(rule="INV-8", field="received_at")


@pytest.mark.parametrize("stage", [3, 4, 0, 5])
def test_rejects_vvm_stages_that_are_unusable_or_impossible_under_inv_12(stage):
    scenario().when(replace(RECEIPT, vvm_stage=stage)).then_rejects(rule="INV-12", field="vvm_stage")


def test_rejects_an_unknown_source():
    scenario().when(replace(RECEIPT, source="found-in-a-van")).then_rejects(rule="INV-3", field="source")


def test_the_scenario_helper_fails_when_the_events_differ():
    with pytest.raises(AssertionError):
        scenario().when(RECEIPT).then(received(999))
    with pytest.raises(AssertionError):
        scenario().when(RECEIPT).then_rejects(rule="INV-2")
