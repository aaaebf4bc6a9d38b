"""Inventory's day rules take the campaign date (Asia/Ho_Chi_Minh), whatever offset the client wrote (issue 18).

Each rule is swept across its boundary: the last minute before local midnight and the first one after it,
each written both in UTC and in +07:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.inventory.domain import ledger, lots

from .builders import AZ, NATIONAL, NOW, context, lot, receipt, received

ICT = timezone(timedelta(hours=7))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ICT)


def written(moment: datetime, offset: timezone) -> datetime:
    return moment.astimezone(offset)


def scenario(decide) -> Scenario:
    return Scenario(decide=decide, evolve=ledger.evolve, initial=ledger.StockItem.empty)


def issuing(when: datetime, ctx) -> Scenario:
    return scenario(lambda state, _: [ledger.issue(state, ctx, doses=100, vials=None, shipment_id="SHP-1",
                                                   to_location_id="CDC-79", at=when)])


EXPIRY = date(2021, 8, 15)
MADE = date(2021, 8, 12)


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_an_issue_at_0030_local_the_day_after_expiry_is_refused_under_inv_10(offset):
    # 2021-08-15T17:30Z is 00:30 on 16 August in Vietnam: the lot expired the day before.
    when = written(local(EXPIRY + timedelta(days=1), 0, 30), offset)
    expired = context(the_lot=lot(expires=EXPIRY))
    issuing(when, expired).given(received(1000)).when(None).then_rejects(rule="INV-10", field="lot_id")


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
@pytest.mark.parametrize("minute", [(23, 59), (0, 0)], ids=["2359-expiry-day", "0000-next-day"])
def test_the_expiry_day_ends_at_local_midnight(offset, minute):
    hour, mins = minute
    day = EXPIRY if hour == 23 else EXPIRY + timedelta(days=1)
    when = written(local(day, hour, mins), offset)
    ctx = context(the_lot=lot(expires=EXPIRY))
    issuing_it = issuing(when, ctx).given(received(1000)).when(None)
    if hour == 23:
        assert issuing_it.then(ledger.StockIssued("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", 100, 10, "SHP-1",
                                                  "CDC-79", when))
    else:
        issuing_it.then_rejects(rule="INV-10", field="lot_id")


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_receipt_at_0030_local_on_the_manufacture_day_is_accepted(offset):
    # 2021-08-11T17:30Z is 00:30 on 12 August in Vietnam, the day the lot was made.
    when = written(local(MADE, 0, 30), offset)
    ctx = context(the_lot=lot(made=MADE))
    [event] = ledger.receive_doses(ledger.StockItem.empty(), receipt(when=when), ctx)
    assert event.received_at == when


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_receipt_at_2359_local_the_day_before_manufacture_is_refused_under_inv_8(offset):
    when = written(local(MADE - timedelta(days=1), 23, 59), offset)
    scenario(lambda state, command: ledger.receive_doses(state, command, context(the_lot=lot(made=MADE)))).when(
        receipt(when=when)).then_rejects(rule="INV-8", field="received_at")


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
@pytest.mark.parametrize("go_live_minute", [(23, 59, False), (0, 0, True)], ids=["2359-before", "0000-go-live"])
def test_the_go_live_day_starts_at_local_midnight(offset, go_live_minute):
    hour, minute, accepted = go_live_minute
    go_live = date(2021, 8, 15)
    day = go_live if accepted else go_live - timedelta(days=1)
    when = written(local(day, hour, minute), offset)
    late = context(replace(NATIONAL, active_from=go_live))
    attempt = scenario(lambda state, command: ledger.receive_doses(state, command, late)).when(receipt(when=when))
    if accepted:
        attempt.then(*ledger.receive_doses(ledger.StockItem.empty(), receipt(when=when), late))
    else:
        attempt.then_rejects(rule="INV-8", field="received_at")


def test_the_zone_is_the_contexts_not_a_constant():
    # The same instant, 2021-08-15T17:30Z, is still 15 August in UTC: a campaign run in UTC may issue then.
    when = datetime(2021, 8, 15, 17, 30, tzinfo=UTC)
    ctx = replace(context(the_lot=lot(expires=EXPIRY)), zone=UTC)
    issuing(when, ctx).given(received(1000)).when(None).then(ledger.StockIssued(
        "NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", 100, 10, "SHP-1", "CDC-79", when))


# -- lot decisions: decided_at lies within the lot's history (INV-8) ----------------------------------------

def deciding() -> Scenario:
    return Scenario(decide=lambda state, command: lots.change_lot_status(state, command, now=NOW),
                    evolve=lots.evolve_lot, initial=lots.Lot.empty)


def suspension(decided_at: datetime) -> lots.ChangeLotStatus:
    return lots.ChangeLotStatus("suspend", "ABV5300", "NATIONAL", "", "signal", "MOH", "MOH-1", decided_at)


def registered_on(made: date) -> lots.LotRegistered:
    return lot(made=made).registered


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_lot_decision_before_the_lot_was_made_is_refused_under_inv_8(offset):
    when = written(local(MADE - timedelta(days=1), 23, 59), offset)
    deciding().given(registered_on(MADE)).when(suspension(when)).then_rejects(rule="INV-8", field="decided_at")


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_lot_decision_on_the_manufacture_day_is_accepted(offset):
    when = written(local(MADE, 0, 0), offset)
    deciding().given(registered_on(MADE)).when(suspension(when)).then(
        lots.LotSuspended("ABV5300", "NATIONAL", "", "signal", "MOH", "MOH-1", when))


@pytest.mark.parametrize("delta, accepted", [(timedelta(seconds=1), False), (timedelta(0), True)],
                         ids=["now+1s", "now"])
def test_a_lot_decision_in_the_future_is_refused_under_inv_8(delta, accepted):
    attempt = deciding().given(registered_on(MADE)).when(suspension(NOW + delta))
    if accepted:
        attempt.then(lots.LotSuspended("ABV5300", "NATIONAL", "", "signal", "MOH", "MOH-1", NOW))
    else:
        attempt.then_rejects(rule="INV-8", field="decided_at")


def test_a_lot_decision_before_the_latest_one_in_its_scope_is_refused_under_inv_8():
    earlier = NOW - timedelta(days=2)
    suspended = lots.LotSuspended("ABV5300", "NATIONAL", "", "signal", "MOH", "MOH-1", NOW - timedelta(days=1))
    release = replace(suspension(earlier), action="release")
    deciding().given(registered_on(MADE), suspended).when(release).then_rejects(rule="INV-8", field="decided_at")


def test_a_lot_made_today_in_vietnam_is_not_made_in_the_future():
    # 2021-08-20T20:00Z is already 21 August in Vietnam: a lot made on 21 August is not in the future then.
    today = datetime(2021, 8, 20, 20, 0, tzinfo=UTC).astimezone(ICT).date()
    made_today = replace(registered_on(date(2021, 8, 21)), label_expiry_date=date(2022, 8, 21))
    assert lots.register_lot(lots.Lot.empty(), made_today, AZ, today=today) == [made_today]



@pytest.mark.parametrize("extended_at, accepted", [
    (NOW + timedelta(seconds=1), False),
    (NOW, True),
    (local(MADE - timedelta(days=1), 23, 59).astimezone(UTC), False),
    (local(MADE, 0, 0).astimezone(UTC), True),
], ids=["now+1s", "now", "2359-before-made", "0000-made"])
def test_an_expiry_extension_lies_within_the_lots_history(extended_at, accepted):
    command = lots.ExtendLotExpiry("ABV5300", date(2022, 3, 31), "MOH 3344/QD-BYT", "REFRIGERATED", extended_at)
    if accepted:
        assert lots.extend_lot_expiry(lot(made=MADE), command, now=NOW)
    else:
        with pytest.raises(DomainError) as refused:
            lots.extend_lot_expiry(lot(made=MADE), command, now=NOW)
        assert (refused.value.rule, refused.value.field) == ("INV-8", "extended_at")
