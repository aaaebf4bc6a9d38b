"""``planned_sessions`` (allocation topic): ``SessionPlanned``, the sessions appointments book into."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.registration.projections.timestamps import moment
from vaxtrail.allocation.v1 import events_pb2 as allocation_pb2


def planned(conn, event, m: allocation_pb2.SessionPlanned) -> None:
    conn.execute(
        "INSERT INTO planned_sessions (session_id, site_id, district_health_centre_id, session_date, starts_at,"
        " ends_at, planned_persons, injection_tables, presentation_id, target_series, target_dose_numbers,"
        " source_event_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (session_id) DO NOTHING",
        (m.session_id, m.site_id, m.district_health_centre_id, m.session_date, moment(m.starts_at),
         moment(m.ends_at), m.planned_persons, m.injection_tables, m.presentation_id, m.target_series,
         list(m.target_dose_numbers), str(event.event_id)))


def planned_sessions() -> Projection:
    return declare("planned_sessions", {allocation_pb2.SessionPlanned: planned}, tables=("planned_sessions",))
