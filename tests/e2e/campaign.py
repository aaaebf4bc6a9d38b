"""The shared state and small helpers of the end-to-end campaign: who acts (tokens of each role and scope),
the business clock, and reads the steps poll.

Business times. Inventory and immunization take the business time of each act and refuse times more than
five minutes in the future (INV-8); an observation must end at least 30 minutes after its dose (INV-29).
Registration books appointments only into sessions that have not started yet. So the session is *planned*
to start a few minutes from now (appointments can be booked), while the stock movements and the session
day itself are recorded a few hours back: the stock reaches the site before its first vial is opened, and
every observation has ended before "now". Immunization only requires that the session opens before its
planned end, so both clocks are valid inputs for the real services.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import psycopg

from tests.integration.kafka_helpers import wait_for

from .stack import Stack

ICT = timezone(timedelta(hours=7))
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
    done: set[str] = field(default_factory=set)

    def ago(self, hours: float = 0, minutes: float = 0) -> str:
        """A business time ``hours`` + ``minutes`` before the start of the run, in Vietnam's time zone."""
        return (self.now - timedelta(hours=hours, minutes=minutes)).astimezone(ICT).isoformat()

    # -- actors -------------------------------------------------------------------------------------------
    def national(self, name: str = "anh") -> dict:
        return self.stack.headers("national_admin", "national", sub=f"admin-{name}")

    def province(self, name: str = "lan", province: str = PROVINCE) -> dict:
        return self.stack.headers("province_officer", f"province:{province}", sub=f"officer-{name}-{province}")

    def district(self) -> dict:
        return self.stack.headers("district_officer", f"district:{DISTRICT}", sub="officer-760")

    def site_manager(self) -> dict:
        return self.stack.headers("site_manager", f"site:{SITE}", sub="manager-s1")

    def vaccinator(self) -> dict:
        return self.stack.headers("vaccinator", f"site:{SITE}", sub="vaccinator-s1")

    def citizen(self, person_id: str) -> dict:
        return self.stack.headers("citizen", f"person:{person_id}", sub=person_id)

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
        response = self.stack.get("allocation", "/v1/supply", self.stack.headers("analyst", "national"),
                                  location_id=location_id, presentation_id=PRESENTATION)
        if response.status_code != 200:
            return -1
        return sum(i["on_hand"] for i in response.json()["items"] if i["lot_id"] == self.lot)

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
