"""Projection ``supply``: the supply tree, presentations, lots and stock per store x lot (inventory topic).

Stock is a reasonable approximation of inventory's ledger, enough to bound allocations (INV-15) and
dispensing (INV-19): receipts and accepted deliveries add, dispatches and negative adjustments remove, a
physical count replaces the balance, returns add back at the returning location, a reversal undoes the
deltas its original recorded. Lot status follows NATIONAL-scope suspensions, releases and recalls; effective
expiry is the label expiry or the latest extension (the storage condition of an extension is not
checked here; inventory enforces it per stock item, INV-36). Dispatches that name an allocation line or a
session are also recorded per reference, so outstanding (allocated, not yet shipped) doses can be derived.
"""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.allocation.projections.common import day
from vaxtrail.inventory.v1 import events_pb2 as inventory


def _move(conn, event, location_id: str, lot_id: str, doses: int) -> None:
    if not doses:
        return
    conn.execute(
        "INSERT INTO supply_stock (location_id, lot_id, doses) VALUES (%s, %s, %s)"
        " ON CONFLICT (location_id, lot_id) DO UPDATE SET doses = supply_stock.doses + excluded.doses",
        (location_id, lot_id, doses))
    conn.execute(
        "INSERT INTO supply_movements (event_id, location_id, lot_id, doses) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (event_id, location_id, lot_id) DO UPDATE SET doses = supply_movements.doses + excluded.doses",
        (event.event_id, location_id, lot_id, doses))


def location_registered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO supply_locations (location_id, kind, name, parent_id, province_code, district_code,"
        " injection_tables, active_from, active_until, special_unit_type, registered_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s) ON CONFLICT (location_id) DO UPDATE SET"
        " kind = excluded.kind, name = excluded.name, parent_id = excluded.parent_id,"
        " province_code = excluded.province_code, district_code = excluded.district_code,"
        " injection_tables = excluded.injection_tables, active_from = excluded.active_from,"
        " special_unit_type = excluded.special_unit_type",
        (m.location_id, m.kind, m.name, m.parent_id, m.province_code, m.district_code, m.injection_tables,
         day(m.active_from), m.special_unit_type, event.occurred_at))


def location_deactivated(conn, event, m) -> None:
    conn.execute("UPDATE supply_locations SET active_until = %s WHERE location_id = %s",
                 (day(m.active_until), m.location_id))


def presentation_defined(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO supply_presentations (presentation_id, version, doses_per_vial, series_doses)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (m.presentation_id, m.version, m.doses_per_vial, m.series_doses))


def lot_registered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO supply_lots (lot_id, presentation_id, presentation_version, label_expiry)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (lot_id) DO UPDATE SET presentation_id = excluded.presentation_id,"
        " presentation_version = excluded.presentation_version, label_expiry = excluded.label_expiry",
        (m.lot_id, m.presentation_id, m.presentation_version, day(m.label_expiry_date)))


def lot_expiry_extended(conn, event, m) -> None:
    conn.execute("UPDATE supply_lots SET extended_expiry = %s WHERE lot_id = %s", (day(m.new_expiry_date), m.lot_id))


def lot_status(status: str):
    def apply(conn, event, m) -> None:
        if m.scope.upper() != "NATIONAL":
            return
        conn.execute("UPDATE supply_lots SET status = %s WHERE lot_id = %s AND status <> 'RECALLED'",
                     (status, m.lot_id))
    return apply


def dose_received(conn, event, m) -> None:
    conn.execute("INSERT INTO supply_lots (lot_id, presentation_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                 (m.lot_id, m.presentation_id))
    _move(conn, event, m.location_id, m.lot_id, m.doses)


def shipment_dispatched(conn, event, m) -> None:
    # A shipment fulfils a released line (plan id) or carries a session's dispensation to its site (session id;
    # older shipments named the session as ``allocation_plan_id``): either way the promise has left the store.
    reference = m.session_id or m.allocation_plan_id
    for line in m.lines:
        _move(conn, event, m.from_location_id, line.lot_id, -line.doses)
        if reference:
            conn.execute(
                "INSERT INTO supply_dispatched (event_id, reference_id, line_id, lot_id, doses)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (event_id, lot_id) DO UPDATE"
                " SET doses = supply_dispatched.doses + excluded.doses",
                (event.event_id, reference, m.allocation_line_id, line.lot_id, line.doses))


def shipment_received(conn, event, m) -> None:
    for line in m.lines:
        _move(conn, event, m.to_location_id, line.lot_id, line.accepted_doses)


def shipment_returned(conn, event, m) -> None:
    for line in m.lines:
        _move(conn, event, m.returned_to_location_id, line.lot_id, line.doses)


def stock_adjusted(conn, event, m) -> None:
    _move(conn, event, m.location_id, m.lot_id, m.doses)


def physical_count(conn, event, m) -> None:
    for line in m.lines:
        row = conn.execute("SELECT doses FROM supply_stock WHERE location_id = %s AND lot_id = %s",
                           (m.location_id, line.lot_id)).fetchone()
        _move(conn, event, m.location_id, line.lot_id, line.counted_doses - (row[0] if row else 0))


def movement_reversed(conn, event, m) -> None:
    for location_id, lot_id, doses in conn.execute(
            "SELECT location_id, lot_id, doses FROM supply_movements WHERE event_id = %s",
            (m.reverses_event_id,)).fetchall():
        _move(conn, event, location_id, lot_id, -doses)
    conn.execute("DELETE FROM supply_dispatched WHERE event_id = %s", (m.reverses_event_id,))


HANDLERS = {
    inventory.LocationRegistered: location_registered,
    inventory.LocationDeactivated: location_deactivated,
    inventory.PresentationDefined: presentation_defined,
    inventory.LotRegistered: lot_registered,
    inventory.LotExpiryExtended: lot_expiry_extended,
    inventory.LotSuspended: lot_status("SUSPENDED"),
    inventory.LotReleased: lot_status("RELEASED"),
    inventory.LotRecalled: lot_status("RECALLED"),
    inventory.DoseReceived: dose_received,
    inventory.ShipmentDispatched: shipment_dispatched,
    inventory.ShipmentReceived: shipment_received,
    inventory.ShipmentReturned: shipment_returned,
    inventory.StockAdjusted: stock_adjusted,
    inventory.PhysicalCountRecorded: physical_count,
    inventory.StockMovementReversed: movement_reversed,
}


def supply() -> Projection:
    # Every other inventory event is ignored: lost shipments were already taken off at dispatch, cold-chain
    # events reach stock through the StockAdjusted write-offs inventory records after an assessment.
    return declare("supply", HANDLERS, tables=("supply_locations", "supply_presentations", "supply_lots",
                                               "supply_stock", "supply_movements", "supply_dispatched"))
