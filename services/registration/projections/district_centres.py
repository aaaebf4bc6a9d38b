"""``district_centres`` (inventory topic): district health centres from ``LocationRegistered`` (kind
DISTRICT_STORE) and ``LocationDeactivated``, which district assignment checks."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.inventory.v1 import events_pb2 as inventory_pb2


def registered(conn, event, m: inventory_pb2.LocationRegistered) -> None:
    if m.kind != "DISTRICT_STORE":
        return
    conn.execute(
        "INSERT INTO district_centres (location_id, name, province_code, district_code, source_event_id)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (location_id) DO UPDATE SET name = excluded.name,"
        " province_code = excluded.province_code, district_code = excluded.district_code, active = true,"
        " source_event_id = excluded.source_event_id",
        (m.location_id, m.name, m.province_code, m.district_code, str(event.event_id)))


def deactivated(conn, _event, m: inventory_pb2.LocationDeactivated) -> None:
    conn.execute("UPDATE district_centres SET active = false WHERE location_id = %s", (m.location_id,))


def district_centres() -> Projection:
    return declare("district_centres", {
        inventory_pb2.LocationRegistered: registered,
        inventory_pb2.LocationDeactivated: deactivated,
    }, tables=("district_centres",))
