"""``allocation_reference``: the sessions allocation planned (site, day, hours, presentation).

``SessionStockDispensed`` is ignored: a site's stock is known from inventory's own receipts.
"""

from __future__ import annotations

from datetime import UTC

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.immunization.projections.common import day
from vaxtrail.allocation.v1 import events_pb2 as allocation


def session_planned(conn, event, m: allocation.SessionPlanned) -> None:
    starts_at, ends_at = m.starts_at.ToDatetime(tzinfo=UTC), m.ends_at.ToDatetime(tzinfo=UTC)
    conn.execute(
        "INSERT INTO ref_session_plan (session_id, site_id, session_date, starts_at, ends_at, presentation_id,"
        " district_health_centre_id) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (session_id) DO UPDATE SET"
        " site_id = excluded.site_id, session_date = excluded.session_date, starts_at = excluded.starts_at,"
        " ends_at = excluded.ends_at, presentation_id = excluded.presentation_id",
        (m.session_id, m.site_id, day(m.session_date) or starts_at.date(), starts_at, ends_at, m.presentation_id,
         m.district_health_centre_id),
    )


def allocation_reference() -> Projection:
    return declare("allocation_reference", {allocation.SessionPlanned: session_planned},
                   tables=("ref_session_plan",))
