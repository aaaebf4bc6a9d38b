"""Issue 18, item 4 over HTTP: what the site must know before it opens a vial.

A beyond-use date set by a thaw at the district travels with the delivery (``StockTransferredIn``) into
immunization's reference read model: an opening after it is a 422 INV-10 on ``lot_id``. An unassessed
temperature excursion on the site's fridge blocks opening the stock in it (422 INV-13) until it is assessed.
Each refusal appends nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir
from vaxtrail.inventory.v1 import types_pb2 as inventory_types

from .immunization_world import (
    ICT,
    Client,
    Publisher,
    World,
    locations,
    presentation_id,
    problem,
    session_plan,
    start_immunization,
    ts,
)
from .immunization_world import inventory as inventory_pb

DAY = datetime(2021, 9, 5, tzinfo=ICT)


def _at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-site-stock"), MIGRATIONS)


@pytest.fixture(scope="module")
def site_day(immunization, infra):
    """5 Sep 2021 at the hospital site: Moderna lots delivered thawed from the district (beyond use 4 and 5 Sep)
    in fridge FRIDGE-B-<tag>, and one put away in fridge FRIDGE-<tag>, which has an excursion since 07:30."""
    api, world, publisher = Client(immunization), World(), Publisher(infra.kafka_bootstrap)
    site, session_id, fridge = world.site("HOSPITAL"), f"SES-ST-{world.tag}", f"FRIDGE-{world.tag}"
    other = f"FRIDGE-B-{world.tag}"
    pid = presentation_id(world, "MODERNA")
    out = [(pid, inventory_pb.PresentationDefined(
        presentation_id=pid, version=1, vaccine_code="207", vaccine_code_system="CVX", doses_per_vial=10,
        dose_volume_ml="0.5", min_age_years=18, platform="MRNA", series_doses=2, open_vial_window_hours=6,
        thaw_beyond_use_days=30, brand="Spikevax", manufacturer="Moderna")),
        *[(unit, inventory_pb.StorageUnitRegistered(storage_unit_id=unit, location_id=site, unit_type="FRIDGE_2_8",
                                                    logger_id=f"LOG-{unit}", registered_at=ts(_at(-240))))
          for unit in (fridge, other)]]
    for name, bud in (("BUD0904", "2021-09-04"), ("BUD0905", "2021-09-05"), ("INFRIDGE", "")):
        lot_id = world.lot(name)
        out.append((lot_id, inventory_pb.LotRegistered(lot_id=lot_id, lot_number=name, presentation_id=pid,
                                                       presentation_version=1, manufacture_date="2021-05-01",
                                                       label_expiry_date="2021-12-31")))
        shipment = f"SH-{name}-{world.tag}"
        unit = fridge if name == "INFRIDGE" else other
        out.append((shipment, inventory_pb.ShipmentReceived(
            shipment_id=shipment, to_location_id=site, received_at=ts(_at(-72)), storage_unit_id=unit,
            lines=[inventory_types.ReceivedLine(lot_id=lot_id, accepted_doses=100, accepted_vials=10)])))
        out.append((f"stock/{site}/{lot_id}", inventory_pb.StockTransferredIn(
            location_id=site, lot_id=lot_id, presentation_id=pid, doses=100, vials=10, shipment_id=shipment,
            from_location_id=world.dhc, received_at=ts(_at(-72)), kind="DELIVERY", beyond_use_date=bud,
            storage_unit_id=unit)))
    out.append((fridge, inventory_pb.TemperatureExcursionDetected(
        excursion_id=f"EXC-{world.tag}", storage_unit_id=fridge, min_celsius="8.5", max_celsius="12.0",
        started_at=ts(_at(7, 30)), alarm_type="OTHER", logger_id=f"LOG-{fridge}")))
    publisher.publish("inventory", locations(world) + out)
    publisher.publish("allocation", session_plan(world, session_id, site, _at(7), _at(17), presentation="MODERNA"))
    api.wait_rows("SELECT count(*) FROM ref_site_stock WHERE lot_id = ANY(%s) AND location_id = %s"
                  " AND storage_unit_id <> '' AND (beyond_use_date IS NOT NULL OR storage_unit_id = %s)",
                  [world.lot("BUD0904"), world.lot("BUD0905"), world.lot("INFRIDGE")], site, fridge, expected=3,
                  what="stock with its beyond-use dates and unit")
    api.wait_rows("SELECT count(*) FROM ref_excursion WHERE excursion_id = %s", f"EXC-{world.tag}", expected=1,
                  what="excursion")
    api.wait_rows("SELECT count(*) FROM ref_session_plan WHERE session_id = %s", session_id, expected=1, what="plan")
    staff = api.headers("site_manager", f"site:{site}", sub=f"manager-{world.tag}")
    assert api.post(f"/v1/sessions/{session_id}/open", {"opened_at": _at(7).isoformat()}, staff).status_code == 201
    yield {"api": api, "world": world, "session_id": session_id, "staff": staff, "fridge": fridge,
           "publisher": publisher}
    publisher.close()


def _open(day: dict, lot: str, minute: int = 0):
    body = {"lot_id": day["world"].lot(lot), "opened_at": _at(8, minute).isoformat()}
    return day["api"].post(f"/v1/sessions/{day['session_id']}/vials", body, day["staff"])


def test_a_beyond_use_date_set_by_a_thaw_upstream_refuses_the_opening_after_it(site_day):
    api = site_day["api"]
    before = api.count_events()
    assert problem(_open(site_day, "BUD0904")) == (422, "INV-10", "lot_id")
    assert api.count_events() == before
    opened = _open(site_day, "BUD0905")  # its last day: usable through the whole day
    assert opened.status_code == 201, opened.text


def test_an_unassessed_excursion_on_the_sites_fridge_blocks_opening_its_stock_until_assessed(site_day):
    api, world = site_day["api"], site_day["world"]
    before = api.count_events()
    assert problem(_open(site_day, "INFRIDGE", 1)) == (422, "INV-13", "lot_id")
    assert api.count_events() == before
    site_day["publisher"].publish("inventory", [(site_day["fridge"], inventory_pb.ExcursionAssessed(
        excursion_id=f"EXC-{world.tag}", storage_unit_id=site_day["fridge"], assessor_id="pharmacist-1",
        assessed_at=ts(_at(8, 2))))])
    api.wait_rows("SELECT count(*) FROM ref_excursion WHERE excursion_id = %s AND assessed", f"EXC-{world.tag}",
                  expected=1, what="assessment")
    opened = _open(site_day, "INFRIDGE", 3)
    assert opened.status_code == 201, opened.text
