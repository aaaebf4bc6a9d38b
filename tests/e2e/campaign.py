"""The shared state and small helpers of the end-to-end campaign: who acts, the business clock, and reads the
steps poll.

Tokens of each role and scope, the business clock (why the session is planned ahead while its day is
recorded hours back) and the supply chain's steps come from the campaign driver
(:mod:`vaxtrail_cli.campaign`, also behind ``vaxtrail load`` and ``vaxtrail demo``); this module adds the
test's fixed places and its waits on the services' own read models.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import psycopg

from tests.integration.kafka_helpers import wait_for
from vaxtrail_cli.campaign import supply
from vaxtrail_cli.campaign.actors import ICT, Actors, Clock
from vaxtrail_cli.campaign.client import Api

from .stack import Stack

__all__ = ["ICT"]
NATIONAL, CDC, ARMY = "NAT-EPI", "CDC-79", "SU-ARMY"
PROVINCE, DISTRICT, CENTRE, SITE = "79", "760", "DHC-760", "S-79-760-01"
PROVINCE_2, DISTRICT_2, CENTRE_2, CDC_2 = "01", "001", "DHC-001", "CDC-01"  # the second province
PRESENTATION = "AZ-VAXZEVRIA-10"
TIMEOUT = 120.0  # an upper bound for any one read model to catch up on a loaded 2-core machine


@dataclass
class Campaign:
    """What the steps hand on to each other."""

    stack: Stack
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    lot: str = ""
    people: list[str] = field(default_factory=list)
    province_plan: str = ""
    district_line: dict = field(default_factory=dict)
    session_id: str = ""
    vaccinated: list[str] = field(default_factory=list)
    postponed: list[str] = field(default_factory=list)
    walk_in: str = ""
    """The person registered, approved under the site's delegation and checked in on the session day."""
    done: set[str] = field(default_factory=set)

    @property
    def clock(self) -> Clock:
        return Clock(self.now)

    @cached_property
    def actors(self) -> Actors:
        return Actors(self.stack.private_key)

    @cached_property
    def api(self) -> Api:
        return Api({name: service.base_url for name, service in self.stack.services.items()})

    def ago(self, hours: float = 0, minutes: float = 0) -> str:
        """A business time ``hours`` + ``minutes`` before the start of the run, in Vietnam's time zone."""
        return self.clock.ago(hours=hours, minutes=minutes)

    # -- actors -------------------------------------------------------------------------------------------
    def national(self, name: str = "anh") -> dict:
        return self.actors.national(name)

    def province(self, name: str = "lan", province: str = PROVINCE) -> dict:
        return self.actors.province(province, name)

    def district(self) -> dict:
        return self.actors.district(DISTRICT)

    def site_manager(self) -> dict:
        return self.actors.site_manager(SITE)

    def vaccinator(self) -> dict:
        return self.actors.vaccinator(SITE)

    def citizen(self, person_id: str) -> dict:
        return self.actors.citizen(person_id)

    # -- reads --------------------------------------------------------------------------------------------
    def stock(self, location_id: str) -> int:
        """Doses of this run's lot at a location, as inventory's stock read model shows them."""
        response = self.stack.get("inventory", "/v1/stock", self.national(), location_id=location_id, lot_id=self.lot)
        assert response.status_code == 200, response.text
        return sum(row["doses"] for row in response.json()["items"])

    def expect_stock(self, figures: dict[str, int], what: str) -> None:
        wait_for(lambda: {loc: self.stock(loc) for loc in figures} == figures, timeout=TIMEOUT, what=what)

    def supply(self, location_id: str) -> int:
        """Doses of this run's lot at a store as allocation's supply read model (from inventory's topic) sees them."""
        return supply.supply(self.api, self.actors, location_id, self.lot, PRESENTATION)

    def expect_supply(self, location_id: str, doses: int) -> None:
        wait_for(lambda: self.supply(location_id) == doses, timeout=TIMEOUT,
                 what=f"allocation to read {doses} doses at {location_id}")


    def demand(self, level: str, province_code: str) -> dict[str, int]:
        """Approved registrants per unit, as allocation's demand read model (registration's topic) counts them."""
        response = self.stack.get("allocation", "/v1/demand", self.stack.headers("analyst", "national"),
                                  level=level, province_code=province_code)
        return {i["unit_id"]: i["population"] for i in response.json()["items"] if i["population"]}


def scalar(service, query: str, *params):
    """One value from a service's own database (its read models): what a step waits for."""
    with psycopg.connect(service.database_url) as conn:
        return conn.execute(query, params).fetchone()[0]


def wait_rows(service, query: str, *params, expected: int, what: str) -> None:
    wait_for(lambda: scalar(service, query, *params) >= expected, timeout=TIMEOUT, what=what)


def wait_for_immunization_references(c: Campaign) -> None:
    """Immunization's read models of the other topics: the people, the session plan, the lot at the site."""
    immunization = c.stack["immunization"]
    wait_rows(immunization, "SELECT count(*) FROM ref_person WHERE person_id = ANY(%s) AND approved"
              " AND district_health_centre_id = %s", c.people, CENTRE, expected=len(c.people),
              what=f"{len(c.people)} approved, assigned people")
    wait_rows(immunization, "SELECT count(*) FROM ref_session_plan WHERE session_id = %s", c.session_id,
              expected=1, what="the session plan")
    wait_rows(immunization, "SELECT count(*) FROM ref_site_stock WHERE lot_id = %s AND location_id = %s", c.lot,
              SITE, expected=1, what="the lot held at the site")
