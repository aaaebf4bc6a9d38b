"""The stock item as Given / When / Then: receipts, issues, adjustments, counts and reversals (INV-1 ... INV-12,
INV-33) on the pure domain."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventkit.testing import Scenario
from services.inventory.domain import ledger, lots

from .builders import (
    AUG_10,
    AUG_11,
    AUG_15,
    AUG_16,
    AUG_18,
    AUG_21,
    AZ,
    CDC_79,
    NATIONAL,
    NOW,
    PFIZER,
    SITE_760,
    at,
    context,
    issued,
    item,
    lot,
    receipt,
    received,
)


def scenario(decide) -> Scenario:
    return Scenario(decide=decide, evolve=ledger.evolve, initial=ledger.StockItem.empty)


def receiving(ctx=None) -> Scenario:
    return scenario(lambda state, command: ledger.receive_doses(state, command, ctx or context()))


def issuing(doses: int, when, ctx=None) -> Scenario:
    return scenario(lambda state, _: [ledger.issue(state, ctx or context(), doses=doses, vials=None, shipment_id="SHP-1",
                                                   to_location_id="CDC-79", at=when)])


def adjusting(ctx=None) -> Scenario:
    return scenario(lambda state, command: ledger.adjust_stock(state, command, ctx or context()))


def adjustment(doses: int, reason: str, when=AUG_15, closed_vial: bool = True) -> ledger.AdjustStock:
    return ledger.AdjustStock("NAT-EPI", "ABV5300", doses, reason, when, closed_vial)


# -- receipts -------------------------------------------------------------------------------------------


def test_a_receipt_records_dose_received_with_every_field():
    [event] = receiving().when(receipt(1000)).then(received(1000))
    assert (event.occurred_at, event.vials, event.source) == (at(10), 100, "covax")


def test_receipts_add_up_on_the_timeline():
    state = item(received(1000, at(10)), received(500, at(12)))
    assert (state.on_hand, state.vials, state.balance_at(at(11))) == (1500, 150, 1000)


@pytest.mark.parametrize("doses", [0, -5])
def test_rejects_non_positive_doses_under_inv_2(doses):
    receiving().given(received(1000)).when(receipt(doses, vials=1)).then_rejects(rule="INV-2", field="doses")


def test_rejects_zero_vials_under_inv_2():
    receiving().when(receipt(1000, vials=0)).then_rejects(rule="INV-2", field="vials")


def test_rejects_25_doses_of_a_10_dose_presentation_under_inv_2():
    receiving().when(receipt(25, vials=3)).then_rejects(rule="INV-2", field="doses")


def test_rejects_100_doses_of_a_6_dose_presentation_under_inv_2():
    pfizer = context(the_lot=lot("FE8206", PFIZER), presentation=PFIZER)
    command = receipt(100, vials=17, lot_id="FE8206", presentation_id="PFIZER-COMIRNATY")
    receiving(pfizer).when(command).then_rejects(rule="INV-2", field="doses")


def test_rejects_doses_that_do_not_match_the_vials_under_inv_2():
    receiving().when(receipt(1000, vials=90)).then_rejects(rule="INV-2", field="vials")


def test_rejects_an_unknown_source_under_inv_3():
    receiving().when(replace(receipt(), source="warehouse-b")).then_rejects(rule="INV-3", field="source")


def test_rejects_a_receipt_from_outside_the_tree_at_a_site_under_inv_4():
    site = context(SITE_760)
    receiving(site).when(receipt(location_id=SITE_760.location_id)).then_rejects(rule="INV-4", field="location_id")


def test_rejects_a_pfizer_presentation_with_an_astrazeneca_lot_under_inv_6():
    receiving().when(replace(receipt(), presentation_id="PFIZER-COMIRNATY")).then_rejects(rule="INV-6",
                                                                                         field="lot_id")


def test_rejects_a_receipt_dated_tomorrow_under_inv_8():
    receiving().when(receipt(when=AUG_21)).then_rejects(rule="INV-8", field="received_at")


def test_rejects_a_receipt_before_the_lot_was_made_under_inv_8():
    receiving().when(receipt(when=at(28, month=2))).then_rejects(rule="INV-8", field="received_at")


def test_rejects_a_receipt_before_the_location_went_live_under_inv_8():
    late = context(replace(NATIONAL, active_from=date(2021, 8, 15)))
    receiving(late).when(receipt(when=AUG_10)).then_rejects(rule="INV-8", field="received_at")


def test_rejects_receiving_an_expired_lot_under_inv_10():
    expired = context(the_lot=lot(expires=date(2021, 8, 1)))
    receiving(expired).when(receipt(when=AUG_10)).then_rejects(rule="INV-10", field="lot_id")


@pytest.mark.parametrize("stage", [3, 4])
def test_rejects_stock_at_vvm_stage_3_or_4_under_inv_12(stage):
    receiving().when(replace(receipt(), vvm_stage=stage)).then_rejects(rule="INV-12", field="vvm_stage")


def test_rejects_a_vvm_stage_going_back_under_inv_12():
    stage_2 = replace(received(1000), vvm_stage=2)
    receiving().given(stage_2).when(replace(receipt(when=AUG_11), vvm_stage=1)).then_rejects(rule="INV-12",
                                                                                          field="vvm_stage")


# -- issues (INV-1 on the timeline) ---------------------------------------------------------------------


def test_an_issue_takes_stock_out_at_its_date():
    [event] = issuing(400, at(12)).given(received(1000)).when(None).then(issued(400, at(12)))
    assert item(received(1000), event).on_hand == 600


def test_rejects_issuing_600_from_a_balance_of_500_under_inv_1():
    issuing(600, at(12)).given(received(500)).when(None).then_rejects(rule="INV-1", field="doses")


def test_rejects_a_backdated_issue_that_would_make_a_later_balance_negative_under_inv_1():
    # receive 1,000 on 10 Aug, issue 800 on 12 Aug, then an issue of 300 dated 11 Aug: 12 Aug would be -100.
    issuing(300, at(11)).given(received(1000, at(10)), issued(800, at(12))).when(None).then_rejects(
        rule="INV-1", field="doses")


def test_accepts_a_backdated_issue_that_keeps_every_later_balance_non_negative():
    issuing(200, at(11)).given(received(1000, at(10)), issued(800, at(12))).when(None).then(issued(200, at(11)))


def test_rejects_an_issue_before_the_stock_arrived_under_inv_1():
    issuing(100, at(9)).given(received(1000, at(10))).when(None).then_rejects(rule="INV-1")


def test_rejects_issuing_from_a_lot_past_its_expiry_under_inv_10():
    expired = context(the_lot=lot(expires=date(2021, 8, 11)))
    issuing(100, at(12), expired).given(received(1000)).when(None).then_rejects(rule="INV-10", field="lot_id")


def test_the_extended_expiry_allows_an_issue_after_the_label_expiry():
    extended = lots.evolve_lot(lot(expires=date(2021, 8, 11)), lots.LotExpiryExtended(
        "ABV5300", date(2021, 8, 11), date(2021, 11, 11), "MOH 3344/QD-BYT", "REFRIGERATED", NOW))
    issuing(100, at(12), context(the_lot=extended)).given(received(1000)).when(None).then(issued(100, at(12)))


@pytest.mark.parametrize("scope, scope_id", [("NATIONAL", ""), ("PROVINCE", "01"), ("SITE", "NAT-EPI")])
def test_rejects_issuing_from_a_suspended_lot_under_inv_11(scope, scope_id):
    where = replace(NATIONAL, province_code="01")
    suspended = lots.evolve_lot(lot(), lots.LotSuspended("ABV5300", scope, scope_id, "AEFI review", "MOH", "D-1", NOW))
    issuing(100, at(12), context(where, suspended)).given(received(1000)).when(None).then_rejects(rule="INV-11",
                                                                                              field="lot_id")


def test_a_suspension_in_another_province_does_not_block_this_one():
    elsewhere = lots.evolve_lot(lot(), lots.LotSuspended("ABV5300", "PROVINCE", "48", "review", "DOH", "D-2", NOW))
    issuing(100, at(12), context(CDC_79, elsewhere)).given(received(1000)).when(None).then(
        replace(issued(100, at(12)), location_id="CDC-79"))


def test_rejects_issuing_vvm_stage_3_stock_under_inv_12():
    stage_3 = ledger.StockTransferredIn("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", 100, 10, "SHP-0", "CDC-79", at(11), 3,
                                        "RETURN")
    issuing(100, at(12)).given(received(1000), stage_3).when(None).then_rejects(rule="INV-12", field="lot_id")


# -- adjustments ----------------------------------------------------------------------------------------


def test_a_wastage_adjustment_is_a_signed_debit_in_whole_vials():
    [event] = adjusting().given(received(1000)).when(adjustment(-20, "BREAKAGE")).then(
        ledger.StockAdjusted("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", -20, -2, "BREAKAGE", True, "", at(15)))
    assert item(received(1000), event).on_hand == 980


@pytest.mark.parametrize("doses, reason", [(50, "EXPIRED"), (-50, "FOUND"), (30, "BREAKAGE")])
def test_rejects_a_reason_whose_sign_disagrees_under_inv_5(doses, reason):
    adjusting().given(received(1000)).when(adjustment(doses, reason)).then_rejects(rule="INV-5", field="doses")


def test_rejects_an_unknown_adjustment_reason_under_inv_5():
    adjusting().given(received(1000)).when(adjustment(-10, "MISC")).then_rejects(rule="INV-5", field="reason")


def test_rejects_a_zero_adjustment_under_inv_2():
    adjusting().given(received(1000)).when(adjustment(0, "FOUND")).then_rejects(rule="INV-2", field="doses")


def test_rejects_a_closed_vial_adjustment_of_part_of_a_vial_under_inv_2():
    adjusting().given(received(1000)).when(adjustment(-7, "BREAKAGE")).then_rejects(rule="INV-2", field="doses")


def test_accepts_an_open_vial_adjustment_of_single_doses():
    adjusting().given(received(1000)).when(adjustment(-7, "OTHER_DEBIT", closed_vial=False)).then(
        ledger.StockAdjusted("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", -7, 0, "OTHER_DEBIT", False, "", at(15)))


def test_rejects_a_debit_below_zero_under_inv_1():
    adjusting().given(received(100)).when(adjustment(-110, "LOST")).then_rejects(rule="INV-1", field="doses")


def test_rejects_an_adjustment_before_the_lot_was_made_under_inv_8():
    adjusting().given(received(100)).when(adjustment(-10, "BREAKAGE", when=at(20, month=2))).then_rejects(
        rule="INV-8", field="adjusted_at")


def test_only_expired_disposal_is_allowed_after_expiry_under_inv_10():
    expired = context(the_lot=lot(expires=date(2021, 8, 12)))
    adjusting(expired).given(received(100)).when(adjustment(-10, "BREAKAGE")).then_rejects(rule="INV-10",
                                                                                          field="reason")
    adjusting(expired).given(received(100)).when(adjustment(-100, "EXPIRED")).then(
        ledger.StockAdjusted("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", -100, -10, "EXPIRED", True, "", at(15)))


# -- physical counts ------------------------------------------------------------------------------------


def counting(command: ledger.RecordCount, index: int = 0) -> Scenario:
    return scenario(lambda state, _: ledger.count_lot(state, command.lines[index], index, command, context()))


def count(counted: int, *reasons: tuple[str, int], when=AUG_16) -> ledger.RecordCount:
    line = ledger.CountLot("ABV5300", counted, tuple(ledger.DiscrepancyReason(r, d) for r, d in reasons))
    return ledger.RecordCount("NAT-EPI", when, (line,))


def test_a_count_with_an_explained_discrepancy_replaces_the_balance():
    command = count(970, ("BREAKAGE", -20), ("UNEXPLAINED", -10))
    [event] = counting(command).given(received(1000)).when(command).then(ledger.PhysicalCountRecorded(
        "NAT-EPI", "AZ-VAXZEVRIA-10", at(16), (ledger.CountLine("ABV5300", 970, 1000, (
            ledger.DiscrepancyReason("BREAKAGE", -20), ledger.DiscrepancyReason("UNEXPLAINED", -10))),)))
    assert item(received(1000), event).on_hand == 970


def test_rejects_a_discrepancy_of_minus_30_explained_by_minus_50_under_inv_7():
    command = count(970, ("BREAKAGE", -50))
    counting(command).given(received(1000)).when(command).then_rejects(rule="INV-7",
                                                                       field="lines[0].discrepancy_reasons")


def test_rejects_an_unexplained_discrepancy_under_inv_7():
    command = count(990)
    counting(command).given(received(1000)).when(command).then_rejects(rule="INV-7")


def test_rejects_the_same_lot_counted_twice_under_inv_7():
    line = ledger.CountLot("ABV5300", 1000)
    with pytest.raises(Exception) as refused:
        ledger.check_count_lines(ledger.RecordCount("NAT-EPI", at(16), (line, line)))
    assert (refused.value.rule, refused.value.field) == ("INV-7", "lines[1].lot_id")


def test_rejects_a_movement_dated_before_the_latest_count_under_inv_8():
    counted = counting(count(1000)).given(received(1000)).when(count(1000)).then(ledger.PhysicalCountRecorded(
        "NAT-EPI", "AZ-VAXZEVRIA-10", at(16), (ledger.CountLine("ABV5300", 1000, 1000),)))
    issuing(100, at(14)).given(received(1000), *counted).when(None).then_rejects(rule="INV-8", field="dispatched_at")


def test_a_backdated_count_below_later_issues_is_refused_under_inv_1():
    command = count(100, ("LOST", -900), when=AUG_11)
    counting(command).given(received(1000, at(10)), issued(500, at(12))).when(command).then_rejects(rule="INV-1")


# -- reversals ------------------------------------------------------------------------------------------


def reversing(event_id: str, when=AUG_18) -> tuple[Scenario, ledger.ReverseMovement]:
    command = ledger.ReverseMovement("NAT-EPI", "ABV5300", event_id, "keyed twice", when)
    return scenario(lambda state, c: ledger.reverse_movement(state, c, context())), command


def test_a_receipt_reversal_takes_its_doses_back_out():
    _, command = reversing("E-1")
    state = item(received(1000), received(300, at(11)), ids=("E-1", "E-2"))
    [event] = ledger.reverse_movement(state, command, context())
    assert (event.doses, event.reverses_event_type) == (-1000, "vaxtrail.inventory.v1.DoseReceived")
    assert ledger.evolve(state, event, "E-3").on_hand == 300


def test_rejects_reversing_the_same_movement_twice_under_inv_33():
    state = item(received(1000), received(300, at(11)), ids=("E-1", "E-2"))
    _, command = reversing("E-2")
    [reversal] = ledger.reverse_movement(state, command, context())
    with pytest.raises(Exception) as refused:
        ledger.reverse_movement(ledger.evolve(state, reversal, "E-3"), command, context())
    assert (refused.value.rule, refused.value.field) == ("INV-33", "reverses_event_id")


def test_rejects_reversing_a_reversal_under_inv_33():
    state = item(received(1000), received(300, at(11)), ids=("E-1", "E-2"))
    _, command = reversing("E-2")
    [reversal] = ledger.reverse_movement(state, command, context())
    _, again = reversing("E-3")
    with pytest.raises(Exception) as refused:
        ledger.reverse_movement(ledger.evolve(state, reversal, "E-3"), again, context())
    assert refused.value.rule == "INV-33"


def test_rejects_reversing_a_movement_closed_by_a_later_count_under_inv_33():
    counted = ledger.PhysicalCountRecorded("NAT-EPI", "AZ-VAXZEVRIA-10", at(16),
                                           (ledger.CountLine("ABV5300", 1000, 1000),))
    state = item(received(1000), counted, ids=("E-1", "E-2"))
    _, command = reversing("E-1")
    with pytest.raises(Exception) as refused:
        ledger.reverse_movement(state, command, context())
    assert refused.value.rule == "INV-33"


def test_rejects_reversing_an_unknown_movement_or_an_issue_under_inv_33():
    state = item(received(1000), issued(100, at(12)), ids=("E-1", "E-2"))
    for event_id in ("E-404", "E-2"):
        _, command = reversing(event_id)
        with pytest.raises(Exception) as refused:
            ledger.reverse_movement(state, command, context())
        assert refused.value.rule == "INV-33"


def test_rejects_a_reversal_that_would_make_a_later_balance_negative_under_inv_1():
    state = item(received(1000), issued(800, at(12)), ids=("E-1", "E-2"))
    _, command = reversing("E-1")
    with pytest.raises(Exception) as refused:
        ledger.reverse_movement(state, command, context())
    assert refused.value.rule == "INV-1"


def test_the_az_fixture_presentation_is_ten_doses():
    assert AZ.doses_per_vial == 10
