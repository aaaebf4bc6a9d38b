"""``people`` (own topic): the pseudonymous approval queue and account listing (``person_queue``,
``person_groups``); a person's queue rank is the best rank of their groups in each group's catalogue; an
approval records the delegation it was made under (a site's walk-in approval), so the province's counts show
walk-ins apart."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.registration.domain import events as ev
from services.registration.domain.reference import PriorityCatalogues

_QUEUE_COLUMNS = {"address.province_code": "province_code", "address.district_code": "district_code",
                  "address.commune_code": "commune_code"}


def registered(conn, _event, e: ev.PersonRegistered) -> None:
    conn.execute(
        "INSERT INTO person_queue (person_id, status, province_code, district_code, commune_code, channel,"
        " account_id, registered_at) VALUES (%s, 'PENDING', %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (e.person_id, e.address.province_code, e.address.district_code, e.address.commune_code, e.channel,
         e.account_id, e.registered_at))


def corrected(conn, _event, e: ev.PersonDetailsCorrected) -> None:
    for change in e.changes:
        if change.field in _QUEUE_COLUMNS:
            conn.execute(f"UPDATE person_queue SET {_QUEUE_COLUMNS[change.field]} = %s WHERE person_id = %s",
                         (change.new_value, e.person_id))


def status(value: str):
    def apply(conn, _event, e) -> None:
        conn.execute("UPDATE person_queue SET status = %s WHERE person_id = %s", (value, e.person_id))
    return apply


def approved(conn, _event, e: ev.RegistrationApproved) -> None:
    conn.execute("UPDATE person_queue SET status = 'APPROVED', approval_rule = %s, approved_at = %s"
                 " WHERE person_id = %s", (e.delegation_rule, e.decided_at, e.person_id))


def merged(conn, _event, e: ev.PersonsMerged) -> None:
    conn.execute("UPDATE person_queue SET status = 'MERGED', merged_into = %s WHERE person_id = %s",
                 (e.surviving_person_id, e.merged_person_id))


def assigned(conn, _event, e: ev.PersonAssignedToDistrict) -> None:
    conn.execute("UPDATE person_queue SET centre_id = %s, centre_district_code = %s WHERE person_id = %s",
                 (e.district_health_centre_id, e.district_code, e.person_id))


def scheduled(conn, _event, e: ev.AppointmentScheduled) -> None:
    conn.execute("UPDATE person_queue SET appointment_id = %s, session_id = %s WHERE person_id = %s",
                 (e.appointment_id, e.session_id, e.person_id))


def cancelled(conn, _event, e: ev.AppointmentCancelled) -> None:
    conn.execute("UPDATE person_queue SET appointment_id = '', session_id = '' WHERE person_id = %s"
                 " AND appointment_id = %s", (e.person_id, e.appointment_id))


def people(codec, catalogues: PriorityCatalogues) -> Projection:
    def rerank(conn, person_id: str) -> None:
        groups = conn.execute("SELECT group_code, catalogue_version FROM person_groups WHERE person_id = %s",
                              (person_id,)).fetchall()
        best = min(((catalogues.rank(v, g), g, v) for g, v in groups), default=(99, "", ""))
        conn.execute("UPDATE person_queue SET priority_rank = %s, priority_group = %s, catalogue_version = %s"
                     " WHERE person_id = %s", (*best, person_id))

    def group_assigned(conn, _event, e: ev.PriorityGroupAssigned) -> None:
        conn.execute("INSERT INTO person_groups VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                     (e.person_id, e.group_code, e.catalogue_version))
        rerank(conn, e.person_id)

    def group_revoked(conn, _event, e: ev.PriorityGroupRevoked) -> None:
        conn.execute("DELETE FROM person_groups WHERE person_id = %s AND group_code = %s AND catalogue_version = %s",
                     (e.person_id, e.group_code, e.catalogue_version))
        rerank(conn, e.person_id)

    return declare("people", {
        ev.PersonRegistered: registered,
        ev.PersonDetailsCorrected: corrected,
        ev.PersonsMerged: merged,
        ev.PriorityGroupAssigned: group_assigned,
        ev.PriorityGroupRevoked: group_revoked,
        ev.RegistrationApproved: approved,
        ev.RegistrationRejected: status("REJECTED"),
        ev.PersonAssignedToDistrict: assigned,
        ev.AppointmentScheduled: scheduled,
        ev.AppointmentCancelled: cancelled,
    }, codec=codec, tables=("person_queue", "person_groups"))
