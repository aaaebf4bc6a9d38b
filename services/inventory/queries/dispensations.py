"""Queries over the ``dispensations`` read model: a session's dispensation as inventory knows it from the
allocation topic, with the doses already shipped citing the session (from the ``shipments`` read model) - what a
dispatch to the session's site is checked against (the service never asks allocation over HTTP)."""

from __future__ import annotations

from services.inventory.domain.dispensations import Dispensation


class Dispensations:
    def __init__(self, pool) -> None:
        self._pool = pool

    def dispensation(self, session_id: str) -> Dispensation | None:
        if not session_id:
            return None
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT d.lot_id, d.from_location_id, d.to_site_id, d.doses,"
                " coalesce((SELECT sum(l.doses) FROM shipments s JOIN shipment_lines l USING (shipment_id)"
                "   WHERE s.session_id = d.session_id AND l.lot_id = d.lot_id), 0)::bigint"
                " FROM session_dispensations d WHERE d.session_id = %s ORDER BY d.lot_id", (session_id,)).fetchall()
        if not rows:
            return None
        return Dispensation(session_id, rows[0][1], rows[0][2], {r[0]: r[3] for r in rows},
                            {r[0]: r[4] for r in rows if r[4]})
