"""District session plans and dispensing (INV-19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from eventkit.testing import Scenario
from services.allocation.domain import sessions
from services.allocation.domain.common import LotStock, StockLine

AZ = "AZ-VAXZEVRIA-10"
NOW = datetime(2021, 8, 2, 7, 0, tzinfo=UTC)
SITE = sessions.Site("S-79-760-01", "SITE", 4, date(2021, 3, 1), None, "DS-760")
STARTS = datetime(2021, 8, 3, 1, 0, tzinfo=UTC)
PLAN = sessions.PlanSession("SES-760-0803", SITE.location_id, date(2021, 8, 3), STARTS, STARTS + timedelta(hours=4),
                            1, AZ, 60, 60, ("G1",))
STOCK = sessions.DistrictStock(10, (LotStock("ABV5300", AZ, 10_000, date(2021, 11, 30)),), {})


def planning(site=SITE) -> Scenario:
    return Scenario(decide=lambda s, c: sessions.plan_session(s, c, site, NOW), evolve=sessions.evolve,
                    initial=sessions.SessionPlan.empty)


def dispensing(stock=STOCK) -> Scenario:
    return Scenario(decide=lambda s, c: sessions.dispense(s, c, stock, NOW), evolve=sessions.evolve,
                    initial=sessions.SessionPlan.empty).given(*planning().when(PLAN).then(*_planned()))


def _planned():
    return sessions.plan_session(sessions.SessionPlan.empty(), PLAN, SITE, NOW)


def test_a_session_is_planned_at_an_active_site_within_its_capacity():
    event = _planned()[0]
    assert (event.district_health_centre_id, event.injection_tables, event.planned_persons) == ("DS-760", 1, 60)


def test_rejects_a_session_at_an_unknown_site():
    planning(site=None).when(PLAN).then_rejects(rule="INV-19", field="site_id")


def test_rejects_a_session_at_a_site_deactivated_before_the_date():
    closed = replace(SITE, active_until=date(2021, 7, 31))
    planning(site=closed).when(PLAN).then_rejects(rule="INV-19", field="site_id")


def test_rejects_more_tables_than_the_site_has():
    planning().when(replace(PLAN, injection_tables=5)).then_rejects(rule="INV-19", field="injection_tables")


def test_rejects_more_persons_than_tables_times_hours_allow():
    planning().when(replace(PLAN, planned_persons=81, planned_doses=81)) \
        .then_rejects(rule="INV-19", field="planned_persons")


def test_dispensing_hands_whole_vials_of_a_usable_lot_to_the_site():
    dispensing().when((StockLine("ABV5300", 60, 6),)).then(
        sessions.SessionStockDispensed("SES-760-0803", "DS-760", SITE.location_id, (StockLine("ABV5300", 60, 6),),
                                       NOW))


def test_rejects_dispensing_5000_doses_to_a_one_table_four_hour_session():
    dispensing().when((StockLine("ABV5300", 5_000, 500),)).then_rejects(rule="INV-19", field="lines")


def test_rejects_dispensing_more_than_the_districts_usable_stock():
    short = replace(STOCK, outstanding={"ABV5300": 9_980})
    dispensing(short).when((StockLine("ABV5300", 60, 6),)).then_rejects(rule="INV-19", field="lines.0.doses")


def test_rejects_a_lot_that_expires_before_the_session():
    expired = replace(STOCK, lots=(LotStock("ABV5300", AZ, 10_000, date(2021, 8, 1)),))
    dispensing(expired).when((StockLine("ABV5300", 60, 6),)).then_rejects(rule="INV-19", field="lines.0.lot_id")


def test_rejects_vials_that_do_not_match_the_doses():
    dispensing().when((StockLine("ABV5300", 60, 5),)).then_rejects(rule="INV-2", field="lines.0.vials")
