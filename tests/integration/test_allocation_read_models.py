"""The allocation read models apply other services' events as documented (handlers on a real database).

The projection handlers are called directly with the generated messages (the runner's decode, tracking
and dedupe are eventkit's and tested there), so each rule of the approximation is shown on its own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import psycopg
import pytest

from eventkit.db import migrate
from services.allocation.bootstrap import MIGRATIONS
from services.allocation.projections import demand as demand_projection
from services.allocation.projections import doses as doses_projection
from services.allocation.projections import supply as supply_projection
from services.allocation.queries import Queries
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.inventory.v1 import types_pb2 as inventory_types
from vaxtrail.registration.v1 import events_pb2 as registration

TODAY = date(2021, 8, 2)
AZ = "AZ-VAXZEVRIA-10"


class Pool:
    """The one-connection stand-in for a pool that Queries needs."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def connection(self):
        conn = self._conn

        class _Borrowed:
            def __enter__(self):
                return conn

            def __exit__(self, *exc):
                return False
        return _Borrowed()


@pytest.fixture
def conn(database):
    migrate(database, MIGRATIONS)
    with psycopg.connect(database, autocommit=True) as connection:
        yield connection


def apply(conn, handlers: dict, message) -> str:
    event_id = uuid.uuid4()
    handlers[type(message)](conn, SimpleNamespace(event_id=event_id, occurred_at=datetime.now(UTC)), message)
    return str(event_id)


def supply(conn, message) -> str:
    return apply(conn, supply_projection.HANDLERS, message)


def national_lot(conn, doses: int = 1_000) -> None:
    supply(conn, inventory.LotRegistered(lot_id="ABV5300", presentation_id=AZ, presentation_version=1,
                                         label_expiry_date="2021-11-30"))
    supply(conn, inventory.DoseReceived(location_id="NAT-EPI", lot_id="ABV5300", doses=doses, presentation_id=AZ))


def lots(conn):
    return Queries(Pool(conn)).lots_at("NAT-EPI", AZ, TODAY)


def test_a_dispatch_against_an_allocation_line_leaves_the_store_and_is_recorded_for_the_line(conn):
    national_lot(conn)
    supply(conn, inventory.ShipmentDispatched(shipment_id="SH-1", from_location_id="NAT-EPI", to_location_id="PS-79",
                                              lines=[common.StockLine(lot_id="ABV5300", doses=300, vials=30)],
                                              allocation_plan_id="AP-1", allocation_line_id="L-79"))
    supply(conn, inventory.ShipmentReceived(shipment_id="SH-1", to_location_id="PS-79", lines=[
        inventory_types.ReceivedLine(lot_id="ABV5300", accepted_doses=290, rejected_doses=10)]))
    read = Queries(Pool(conn))
    assert lots(conn)[0].on_hand == 700
    assert read.lots_at("PS-79", AZ, TODAY)[0].on_hand == 290
    assert read.dispatched(["AP-1"]) == {("AP-1", "L-79", "ABV5300"): 300}


def test_a_reversed_movement_is_undone_exactly(conn):
    national_lot(conn)
    dispatch = supply(conn, inventory.ShipmentDispatched(
        shipment_id="SH-2", from_location_id="NAT-EPI", to_location_id="PS-79", allocation_plan_id="AP-2",
        allocation_line_id="L-79", lines=[common.StockLine(lot_id="ABV5300", doses=300, vials=30)]))
    supply(conn, inventory.StockMovementReversed(reverses_event_id=dispatch, reason="keyed twice"))
    assert lots(conn)[0].on_hand == 1_000
    assert Queries(Pool(conn)).dispatched(["AP-2"]) == {}


def test_a_physical_count_replaces_the_balance_and_adjustments_are_signed(conn):
    national_lot(conn)
    supply(conn, inventory.PhysicalCountRecorded(location_id="NAT-EPI", lines=[
        inventory_types.CountLine(lot_id="ABV5300", counted_doses=950, previous_balance_doses=1_000)]))
    supply(conn, inventory.StockAdjusted(location_id="NAT-EPI", lot_id="ABV5300", doses=-50, reason="BREAKAGE"))
    assert lots(conn)[0].on_hand == 900


def test_a_nationally_suspended_lot_is_not_usable_until_released_and_extensions_move_its_expiry(conn):
    national_lot(conn)
    supply(conn, inventory.LotSuspended(lot_id="ABV5300", scope="NATIONAL", reason="thrombosis review"))
    assert lots(conn)[0].usable is False
    supply(conn, inventory.LotReleased(lot_id="ABV5300", scope="NATIONAL", reason="EMA review done"))
    supply(conn, inventory.LotExpiryExtended(lot_id="ABV5300", new_expiry_date="2022-02-28"))
    assert (lots(conn)[0].usable, lots(conn)[0].effective_expiry) == (True, date(2022, 2, 28))


def test_an_expired_lot_is_not_usable(conn):
    national_lot(conn)
    assert Queries(Pool(conn)).lots_at("NAT-EPI", AZ, date(2021, 12, 1))[0].usable is False


def test_demand_counts_approved_unmerged_people_by_province_and_group(conn):
    supply(conn, inventory.LocationRegistered(location_id="PS-79", kind="PROVINCE_STORE", province_code="79"))
    people = [str(uuid.uuid4()) for _ in range(4)]
    for person in people:
        apply(conn, demand_projection.HANDLERS, registration.RegistrationApproved(person_id=person,
                                                                                  province_code="79"))
    apply(conn, demand_projection.HANDLERS, registration.PriorityGroupAssigned(person_id=people[0], group_code="G1"))
    apply(conn, demand_projection.HANDLERS, registration.RegistrationRejected(person_id=people[1],
                                                                              province_code="79"))
    apply(conn, demand_projection.HANDLERS, registration.PersonsMerged(surviving_person_id=people[3],
                                                                       merged_person_id=people[2]))
    read = Queries(Pool(conn))
    found = read.demand("NATIONAL", read.recipients("NATIONAL", "", TODAY), ())
    assert (found["79"].population, dict(found["79"].by_group)) == (2, {"G1": 1})


def test_doses_given_count_first_and_second_doses_per_province_and_void_errors(conn):
    supply(conn, inventory.LocationRegistered(location_id="S-79-760-01", kind="SITE", province_code="79",
                                              district_code="760", parent_id="DS-760"))
    for number, dose in ((1, "D-1"), (1, "D-2"), (1, "D-3"), (2, "D-4")):
        apply(conn, doses_projection.HANDLERS, immunization.DoseAdministered(
            dose_id=dose, site_id="S-79-760-01", presentation_id=AZ, series="PRIMARY", dose_number=number))
    apply(conn, doses_projection.HANDLERS, immunization.DoseEnteredInError(dose_id="D-3"))
    assert Queries(Pool(conn)).doses_given("79", AZ) == (2, 1)



def test_demand_of_a_province_plan_counts_people_assigned_to_its_districts_in_the_target_groups(conn):
    supply(conn, inventory.LocationRegistered(location_id="DS-760", kind="DISTRICT_STORE", province_code="79",
                                              district_code="760"))
    supply(conn, inventory.LocationRegistered(location_id="DS-761", kind="DISTRICT_STORE", province_code="79",
                                              district_code="761"))
    for index in range(5):
        person = str(uuid.uuid4())
        apply(conn, demand_projection.HANDLERS, registration.RegistrationApproved(person_id=person,
                                                                                  province_code="79"))
        apply(conn, demand_projection.HANDLERS, registration.PersonAssignedToDistrict(
            person_id=person, district_health_centre_id="DS-760" if index < 3 else "DS-761"))
        apply(conn, demand_projection.HANDLERS, registration.PriorityGroupAssigned(
            person_id=person, group_code="G1" if index % 2 == 0 else "G5"))
    read = Queries(Pool(conn))
    found = read.demand("PROVINCE", read.recipients("PROVINCE", "79", TODAY), ("G1",))
    assert {unit: (d.population, dict(d.by_group)) for unit, d in found.items()} == {
        "760": (2, {"G1": 2}), "761": (1, {"G1": 1})}


def test_a_province_with_two_active_stores_plans_from_and_receives_into_the_newest_one(conn):
    # A province's store moved (or another deployment's data shares the topic): a national plan's line and a
    # province plan's source must name the same store - the active one registered last - never one each.
    for store in ("PS-79-OLD", "PS-79-NEW"):
        supply(conn, inventory.LocationRegistered(location_id=store, kind="PROVINCE_STORE", parent_id="NAT-EPI",
                                                  province_code="79", active_from="2021-01-01"))
    supply(conn, inventory.LocationRegistered(location_id="PS-79-AAA", kind="PROVINCE_STORE", parent_id="NAT-EPI",
                                              province_code="79", active_from="2021-01-01"))
    read = Queries(Pool(conn))
    assert read.store_of("PROVINCE", "79", None) == "PS-79-AAA" == read.recipients("NATIONAL", "", TODAY)["79"].location_id
    supply(conn, inventory.LocationDeactivated(location_id="PS-79-AAA", active_until="2021-06-30"))
    read = Queries(Pool(conn))
    assert read.store_of("PROVINCE", "79", None) == "PS-79-NEW" == read.recipients("NATIONAL", "", TODAY)["79"].location_id


def test_a_sites_district_store_is_its_parent_even_when_its_district_has_another_store(conn):
    for store in ("DS-760-A", "DS-760-B"):
        supply(conn, inventory.LocationRegistered(location_id=store, kind="DISTRICT_STORE", parent_id="PS-79",
                                                  province_code="79", district_code="760", active_from="2021-01-01"))
    supply(conn, inventory.LocationRegistered(location_id="S-1", kind="SITE", parent_id="DS-760-A", province_code="79",
                                              district_code="760", injection_tables=2, active_from="2021-01-01"))
    site, path = Queries(Pool(conn)).site("S-1")
    assert site.district_location_id == "DS-760-A" and path[-1] == "site:S-1"
