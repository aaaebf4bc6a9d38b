"""Registration read models (tables in migrations/0001_read_models.sql), each rebuildable from offset 0.

- ``people`` (own topic): the pseudonymous approval queue and account listing (``person_queue``,
  ``person_groups``); priority rank from the versioned catalogues.
- ``district_centres`` (inventory topic): district health centres from ``LocationRegistered`` /
  ``LocationDeactivated``, which district assignment checks.
- ``planned_sessions`` (allocation topic): ``SessionPlanned``, which appointments book into.
- ``citizen_record`` (immunization + certificate topics): doses and certificates for the citizen's view.

Every other event type of a consumed topic is listed as ignored (from the generated schema), so a type this
version does not know is dead-lettered rather than skipped silently.
"""

from __future__ import annotations

from datetime import UTC

from eventkit.codec import decode_message, topic_event_types
from eventkit.projections import Projection
from services.registration.domain import events as ev
from services.registration.domain.reference import PriorityCatalogues

R = "vaxtrail.registration.v1."
INVENTORY_TOPIC, ALLOCATION_TOPIC = "vaxtrail.inventory.v1", "vaxtrail.allocation.v1"
IMMUNIZATION_TOPIC, CERTIFICATE_TOPIC = "vaxtrail.immunization.v1", "vaxtrail.certificate.v1"


def _time(timestamp):
    return timestamp.ToDatetime(tzinfo=UTC)


# -- people (own topic) -----------------------------------------------------------------------------------

def people(topic: str, codec, catalogues: PriorityCatalogues) -> Projection:
    def registered(conn, _event, e: ev.PersonRegistered) -> None:
        conn.execute(
            "INSERT INTO person_queue (person_id, status, province_code, district_code, commune_code, channel,"
            " account_id, registered_at) VALUES (%s, 'PENDING', %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (e.person_id, e.address.province_code, e.address.district_code, e.address.commune_code, e.channel,
             e.account_id, e.registered_at))

    def corrected(conn, _event, e: ev.PersonDetailsCorrected) -> None:
        columns = {"address.province_code": "province_code", "address.district_code": "district_code",
                   "address.commune_code": "commune_code"}
        for change in e.changes:
            if change.field in columns:
                conn.execute(f"UPDATE person_queue SET {columns[change.field]} = %s WHERE person_id = %s",
                             (change.new_value, e.person_id))

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

    def status(value: str):
        def apply(conn, _event, e) -> None:
            conn.execute("UPDATE person_queue SET status = %s WHERE person_id = %s", (value, e.person_id))
        return apply

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

    handlers = {
        R + "PersonRegistered": registered, R + "PersonDetailsCorrected": corrected, R + "PersonsMerged": merged,
        R + "PriorityGroupAssigned": group_assigned, R + "PriorityGroupRevoked": group_revoked,
        R + "RegistrationApproved": status("APPROVED"), R + "RegistrationRejected": status("REJECTED"),
        R + "PersonAssignedToDistrict": assigned, R + "AppointmentScheduled": scheduled,
        R + "AppointmentCancelled": cancelled,
    }
    return Projection("people", (topic,), handlers, topic_event_types("registration") - handlers.keys(),
                      tables=("person_queue", "person_groups"), decoder=codec.decode)


# -- other services' topics -------------------------------------------------------------------------------

def district_centres() -> Projection:
    def registered(conn, event, m) -> None:
        if m.kind != "DISTRICT_STORE":
            return
        conn.execute(
            "INSERT INTO district_centres (location_id, name, province_code, district_code, source_event_id)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (location_id) DO UPDATE SET name = excluded.name,"
            " province_code = excluded.province_code, district_code = excluded.district_code, active = true,"
            " source_event_id = excluded.source_event_id",
            (m.location_id, m.name, m.province_code, m.district_code, str(event.event_id)))

    def deactivated(conn, _event, m) -> None:
        conn.execute("UPDATE district_centres SET active = false WHERE location_id = %s", (m.location_id,))

    i = "vaxtrail.inventory.v1."
    handlers = {i + "LocationRegistered": registered, i + "LocationDeactivated": deactivated}
    return Projection("district_centres", (INVENTORY_TOPIC,), handlers,
                      topic_event_types("inventory") - handlers.keys(), tables=("district_centres",),
                      decoder=decode_message)


def planned_sessions() -> Projection:
    def planned(conn, event, m) -> None:
        conn.execute(
            "INSERT INTO planned_sessions (session_id, site_id, district_health_centre_id, session_date, starts_at,"
            " ends_at, planned_persons, injection_tables, presentation_id, target_series, target_dose_numbers,"
            " source_event_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (session_id) DO NOTHING",
            (m.session_id, m.site_id, m.district_health_centre_id, m.session_date, _time(m.starts_at),
             _time(m.ends_at), m.planned_persons, m.injection_tables, m.presentation_id, m.target_series,
             list(m.target_dose_numbers), str(event.event_id)))

    handlers = {"vaxtrail.allocation.v1.SessionPlanned": planned}
    return Projection("planned_sessions", (ALLOCATION_TOPIC,), handlers,
                      topic_event_types("allocation") - handlers.keys(), tables=("planned_sessions",),
                      decoder=decode_message)


def citizen_record() -> Projection:
    def administered(conn, event, m) -> None:
        conn.execute(
            "INSERT INTO person_doses (event_id, dose_id, person_id, administered_at, presentation_id, lot_number,"
            " series, dose_number, site_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.event_id, m.dose_id, m.person_id, _time(m.administered_at), m.presentation_id, m.lot_number,
             m.series, m.dose_number, m.site_id))

    def in_error(conn, _event, m) -> None:
        conn.execute("UPDATE person_doses SET entered_in_error = true WHERE event_id::text = %s OR dose_id = %s",
                     (m.reverses_event_id, m.dose_id))

    def issued(conn, _event, m) -> None:
        conn.execute(
            "INSERT INTO person_certificates (certificate_id, person_id, level, format, issued_at, expires_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (m.certificate_id, m.person_id, m.level, m.format, _time(m.issued_at),
             _time(m.expires_at) if m.HasField("expires_at") else None))

    def revoked(conn, _event, m) -> None:
        conn.execute("UPDATE person_certificates SET revoked = true, revoked_reason = %s WHERE certificate_id = %s",
                     (m.reason, m.certificate_id))

    handlers = {
        "vaxtrail.immunization.v1.DoseAdministered": administered,
        "vaxtrail.immunization.v1.DoseEnteredInError": in_error,
        "vaxtrail.certificate.v1.CertificateIssued": issued,
        "vaxtrail.certificate.v1.CertificateRevoked": revoked,
    }
    ignored = (topic_event_types("immunization") | topic_event_types("certificate")) - handlers.keys()
    return Projection("citizen_record", (IMMUNIZATION_TOPIC, CERTIFICATE_TOPIC), handlers, ignored,
                      tables=("person_doses", "person_certificates"), decoder=decode_message)
