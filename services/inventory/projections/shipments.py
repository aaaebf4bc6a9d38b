"""Projection ``shipments``: each shipment's route, status, lines (shipped, accepted, rejected) and open
transport excursions."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.inventory.domain import coldchain
from services.inventory.domain import shipments as domain


def dispatched(conn, event, e: domain.ShipmentDispatched) -> None:
    conn.execute(
        "INSERT INTO shipments (shipment_id, from_location_id, to_location_id, presentation_id, status, dispatched_at,"
        " allocation_plan_id, allocation_line_id, session_id) VALUES (%s, %s, %s, %s, 'DISPATCHED', %s, %s, %s, %s)"
        " ON CONFLICT (shipment_id) DO NOTHING",
        (e.shipment_id, e.from_location_id, e.to_location_id, e.presentation_id, e.dispatched_at,
         e.allocation_plan_id, e.allocation_line_id, e.session_id),
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


def transport_excursion(delta: int):
    def apply(conn, event, e) -> None:
        if e.shipment_id:  # storage-unit excursions belong to projection cold_chain
            conn.execute("UPDATE shipments SET open_excursions = open_excursions + %s WHERE shipment_id = %s",
                         (delta, e.shipment_id))
    return apply


HANDLERS = {
    domain.ShipmentDispatched: dispatched,
    domain.ShipmentReceived: received,
    domain.ShipmentLost: _closed(domain.LOST),
    domain.ShipmentReturned: _closed(domain.RETURNED),
    coldchain.TemperatureExcursionDetected: transport_excursion(+1),
    coldchain.ExcursionAssessed: transport_excursion(-1),
}


def shipments(codec) -> Projection:
    return declare("shipments", HANDLERS, codec=codec, tables=("shipments", "shipment_lines"))
