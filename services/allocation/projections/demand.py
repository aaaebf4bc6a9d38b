"""Projection ``demand``: approved registrants per province and district health centre, and their priority
groups (registration topic). Only person ids and codes are kept: never names, documents or addresses."""

from __future__ import annotations

from eventkit.codec import decode_message, topic_event_types
from eventkit.projections import Projection
from services.allocation.projections.common import DEMAND_TOPIC

P = "vaxtrail.registration.v1."


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
    P + "RegistrationApproved": approved,
    P + "RegistrationRejected": rejected,
    P + "PersonAssignedToDistrict": assigned,
    P + "PriorityGroupAssigned": group_assigned,
    P + "PriorityGroupRevoked": group_revoked,
    P + "PersonsMerged": merged,
}


def demand(topic: str = DEMAND_TOPIC) -> Projection:
    return Projection(
        name="demand",
        topics=(topic,),
        handlers=HANDLERS,
        # Registrations, corrections and appointments carry personal data or nothing demand needs.
        ignored=topic_event_types("registration") - HANDLERS.keys(),
        tables=("demand_people", "demand_groups"),
        decoder=decode_message,
    )
