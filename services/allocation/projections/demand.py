"""Projection ``demand``: approved registrants per province and district health centre, and their priority
groups (registration topic). Only person ids and codes are kept: never names, documents or addresses."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.registration.v1 import events_pb2 as registration


def _person(conn, person_id: str) -> None:
    conn.execute("INSERT INTO demand_people (person_id) VALUES (%s) ON CONFLICT DO NOTHING", (person_id,))


def approved(conn, event, m) -> None:
    _person(conn, m.person_id)
    conn.execute("UPDATE demand_people SET approved = true, province_code = %s WHERE person_id = %s",
                 (m.province_code, m.person_id))


def rejected(conn, event, m) -> None:
    _person(conn, m.person_id)
    conn.execute("UPDATE demand_people SET approved = false, province_code = %s WHERE person_id = %s",
                 (m.province_code, m.person_id))


def assigned(conn, event, m) -> None:
    _person(conn, m.person_id)
    conn.execute("UPDATE demand_people SET district_health_centre_id = %s WHERE person_id = %s",
                 (m.district_health_centre_id, m.person_id))


def group_assigned(conn, event, m) -> None:
    conn.execute("INSERT INTO demand_groups (person_id, group_code) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                 (m.person_id, m.group_code))


def group_revoked(conn, event, m) -> None:
    conn.execute("DELETE FROM demand_groups WHERE person_id = %s AND group_code = %s", (m.person_id, m.group_code))


def merged(conn, event, m) -> None:
    _person(conn, m.merged_person_id)
    conn.execute("UPDATE demand_people SET merged = true WHERE person_id = %s", (m.merged_person_id,))


HANDLERS = {
    registration.RegistrationApproved: approved,
    registration.RegistrationRejected: rejected,
    registration.PersonAssignedToDistrict: assigned,
    registration.PriorityGroupAssigned: group_assigned,
    registration.PriorityGroupRevoked: group_revoked,
    registration.PersonsMerged: merged,
}


def demand() -> Projection:
    # Every other registration event is ignored: registrations, corrections and appointments carry personal
    # data or nothing demand needs.
    return declare("demand", HANDLERS, tables=("demand_people", "demand_groups"))
