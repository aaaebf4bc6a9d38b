"""Allocation's day rules take the campaign date (Asia/Ho_Chi_Minh), whatever offset was written (issue 18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.allocation.bootstrap import bus
from services.allocation.codec import build_codec
from services.allocation.domain import commands, plans, sessions
from services.allocation.handlers import Deps

from .test_handlers import AZ, FakeQueries, LockRecordingStore
from .test_sessions import NOW, PLAN, SITE

ICT = timezone(timedelta(hours=7))
DAY = date(2021, 8, 3)


def planning() -> Scenario:
    return Scenario(decide=lambda s, c: sessions.plan_session(s, c, SITE, NOW), evolve=sessions.evolve,
                    initial=sessions.SessionPlan.empty)


def session_from(starts: datetime, hours: int = 4) -> sessions.PlanSession:
    return replace(PLAN, session_date=DAY, starts_at=starts, ends_at=starts + timedelta(hours=hours))


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
def test_a_session_starting_0630_local_is_planned_whatever_the_offset(offset):
    # 06:30 on 3 August in Vietnam is 23:30 on 2 August in UTC.
    starts = datetime(2021, 8, 3, 6, 30, tzinfo=ICT).astimezone(offset)
    [planned] = planning().when(session_from(starts)).then(*sessions.plan_session(
        sessions.SessionPlan.empty(), session_from(starts), SITE, NOW))
    assert planned.session_date == DAY


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
@pytest.mark.parametrize("local_start, accepted", [
    (datetime(2021, 8, 2, 23, 59, tzinfo=ICT), False),
    (datetime(2021, 8, 3, 0, 0, tzinfo=ICT), True),
    (datetime(2021, 8, 4, 0, 0, tzinfo=ICT), False),
], ids=["2359-day-before", "0000-session-day", "0000-day-after"])
def test_a_session_starts_on_its_date_in_the_campaign_zone(offset, local_start, accepted):
    command = session_from(local_start.astimezone(offset), hours=1)
    command = replace(command, planned_persons=10, planned_doses=10)
    attempt = planning().when(command)
    if accepted:
        attempt.then(*sessions.plan_session(sessions.SessionPlan.empty(), command, SITE, NOW))
    else:
        attempt.then_rejects(rule="INV-19", field="starts_at")


def test_a_session_ending_before_it_starts_is_refused_naming_ends_at():
    starts = datetime(2021, 8, 3, 8, 0, tzinfo=ICT)
    command = replace(session_from(starts), ends_at=starts)
    planning().when(command).then_rejects(rule="INV-19", field="ends_at")


# -- "today" in the handlers is the campaign day (use-by "not past", INV-17) -------------------------------------

@pytest.mark.parametrize("utc_now, accepted", [
    (datetime(2021, 8, 2, 16, 59, tzinfo=UTC), True),   # 23:59 on 2 August in Vietnam: use-by 2 August holds
    (datetime(2021, 8, 2, 17, 0, tzinfo=UTC), False),   # 00:00 on 3 August in Vietnam: it is past
], ids=["2359-local", "0000-local-next-day"])
def test_a_use_by_date_is_past_from_local_midnight(utc_now, accepted):
    es = EventSourcing(LockRecordingStore(), build_codec(), producer="allocation/test")
    allocation = bus(es, Deps(clock=lambda: utc_now, read=FakeQueries(), fold_type=es.fold_type))
    lines = (plans.LineSpec("L-79", "79", 1_000, date(2021, 8, 2)),)
    draft = commands.DraftAllocationPlan("AP-USE-BY", "NATIONAL", "", None, AZ, (), "MANUAL", 0, "COVAX", "QD-3355",
                                         date(2021, 10, 31), lines=lines)
    admin = CommandContext(actor_id="admin-anh", actor_role="national_admin")
    if accepted:
        assert allocation.handle(draft, admin).response["status"] == "DRAFT"
    else:
        with pytest.raises(DomainError) as refused:
            allocation.handle(draft, admin)
        assert (refused.value.rule, refused.value.field) == ("INV-17", "lines.0.use_by_date")
