"""Projection ``shipments``: each shipment's route, status and lines (shipped, accepted, rejected)."""

from __future__ import annotations

from eventkit.projections import Projection
from services.inventory.codec import inventory_event_types
from services.inventory.domain import shipments as domain

T = "vaxtrail.inventory.v1."


def dispatched(conn, event, e: domain.ShipmentDispatched) -> None:
    conn.execute(
        "INSERT INTO shipments (shipment_id, from_location_id, to_location_id, presentation_id, status, dispatched_at,"
        " allocation_plan_id, allocation_line_id) VALUES (%s, %s, %s, %s, 'DISPATCHED', %s, %s, %s)"
        " ON CONFLICT (shipment_id) DO NOTHING",
        (e.shipment_id, e.from_location_id, e.to_location_id, e.presentation_id, e.dispatched_at,
         e.allocation_plan_id, e.allocation_line_id),
    )
    for line in e.lines:
        conn.execute("INSERT INTO shipment_lines (shipment_id, lot_id, doses, vials) VALUES (%s, %s, %s, %s)"
                     " ON CONFLICT DO NOTHING", (e.shipment_id, line.lot_id, line.doses, line.vials))


def received(conn, event, e: domain.ShipmentReceived) -> None:
    conn.execute("UPDATE shipments SET status = 'RECEIVED', closed_at = %s WHERE shipment_id = %s",
                 (e.received_at, e.shipment_id))
    for line in e.lines:
        conn.execute("UPDATE shipment_lines SET accepted_doses = %s, rejected_doses = %s, rejection_reason = %s"
                     " WHERE shipment_id = %s AND lot_id = %s",
                     (line.accepted_doses, line.rejected_doses, line.rejection_reason, e.shipment_id, line.lot_id))


def _closed(status: str):
    def apply(conn, event, e) -> None:
        conn.execute("UPDATE shipments SET status = %s, closed_at = %s WHERE shipment_id = %s",
                     (status, event.occurred_at, e.shipment_id))
    return apply


HANDLERS = {
    T + "ShipmentDispatched": dispatched,
    T + "ShipmentReceived": received,
    T + "ShipmentLost": _closed(domain.LOST),
    T + "ShipmentReturned": _closed(domain.RETURNED),
}


def shipments(topic: str, codec) -> Projection:
    return Projection(name="shipments", topics=(topic,), handlers=HANDLERS,
                      ignored=inventory_event_types() - HANDLERS.keys(), tables=("shipments", "shipment_lines"),
                      decoder=codec.decode)
