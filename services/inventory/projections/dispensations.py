"""Projection ``dispensations`` over the allocation topic: the doses a district dispensed to each session's site,
per lot (``SessionStockDispensed``), so a dispatch to the site that cites the session can be checked locally
(the lookup is :class:`services.inventory.queries.Dispensations`; the check is
:mod:`services.inventory.domain.dispensations`)."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.allocation.v1 import events_pb2 as allocation


def session_stock_dispensed(conn, event, m) -> None:
    for line in m.lines:
        conn.execute("INSERT INTO session_dispensations (session_id, lot_id, from_location_id, to_site_id, doses)"
                     " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (session_id, lot_id)"
                     " DO UPDATE SET doses = session_dispensations.doses + excluded.doses",
                     (m.session_id, line.lot_id, m.from_location_id, m.to_site_id, line.doses))


HANDLERS = {allocation.SessionStockDispensed: session_stock_dispensed}


def dispensations() -> Projection:
    return declare("dispensations", HANDLERS, tables=("session_dispensations",))
