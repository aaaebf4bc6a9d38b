"""Inventory read models built from the inventory topic.

``stock_on_hand``: doses and vials per location x presentation x lot. Every other inventory event type is
listed as ignored (explicitly, from the schema), so a type unknown to this version is dead-lettered.
"""

from __future__ import annotations

from eventkit.projections import Projection
from services.inventory import domain
from services.inventory.codec import inventory_event_types

DOSE_RECEIVED = "vaxtrail.inventory.v1.DoseReceived"


def apply_dose_received(conn, event, received: domain.DoseReceived) -> None:
    conn.execute(
        "INSERT INTO stock_on_hand (location_id, lot_id, presentation_id, doses, vials, last_event_at)"
        " VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (location_id, lot_id) DO UPDATE SET doses = stock_on_hand.doses + excluded.doses,"
        " vials = stock_on_hand.vials + excluded.vials,"
        " last_event_at = greatest(stock_on_hand.last_event_at, excluded.last_event_at)",
        (received.location_id, received.lot_id, received.presentation_id, received.doses, received.vials,
         received.received_at),
    )


def stock_on_hand(topic: str, codec) -> Projection:
    handlers = {DOSE_RECEIVED: apply_dose_received}
    return Projection(
        name="stock_on_hand",
        topics=(topic,),
        handlers=handlers,
        ignored=inventory_event_types() - handlers.keys(),
        tables=("stock_on_hand",),
        decoder=codec.decode,
    )


class StockView:
    """Queries over the stock_on_hand read model."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def stock(self, location_id: str | None = None, lot_id: str | None = None) -> list[dict]:
        query = "SELECT location_id, lot_id, presentation_id, doses, vials, last_event_at FROM stock_on_hand"
        clauses, params = [], []
        if location_id:
            clauses.append("location_id = %s")
            params.append(location_id)
        if lot_id:
            clauses.append("lot_id = %s")
            params.append(lot_id)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY location_id, lot_id"
        with self._pool.connection() as conn:
            rows = conn.execute(query, params).fetchall()
        return [
            {"location_id": r[0], "lot_id": r[1], "presentation_id": r[2], "doses": r[3], "vials": r[4],
             "last_event_at": r[5].isoformat()}
            for r in rows
        ]
