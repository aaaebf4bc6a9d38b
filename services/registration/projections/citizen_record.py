"""``citizen_record`` (immunization and certificate topics): the doses and certificates of the citizen's view.

Doses given here (``DoseAdministered``) and recorded from elsewhere (``DoseRecordedHistorical``: the product,
day, country and source as documented), each with its corrections (``DoseCorrected``: the fields changed, old
and new, and the reason); a dose entered in error leaves the view. Certificates with their state: revoked, or
suspended while their lot is under review (``CertificateSuspended`` / ``CertificateReinstated``).
"""

from __future__ import annotations

import json

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.registration.projections.timestamps import moment
from vaxtrail.certificate.v1 import events_pb2 as certificate_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization_pb2


def administered(conn, event, m: immunization_pb2.DoseAdministered) -> None:
    conn.execute(
        "INSERT INTO person_doses (event_id, dose_id, person_id, administered_at, presentation_id, lot_number,"
        " series, dose_number, site_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (event.event_id, m.dose_id, m.person_id, moment(m.administered_at), m.presentation_id, m.lot_number,
         m.series, m.dose_number, m.site_id))


def historical(conn, event, m: immunization_pb2.DoseRecordedHistorical) -> None:
    conn.execute(
        "INSERT INTO person_doses (event_id, dose_id, person_id, administered_date, presentation_id, product,"
        " lot_number, series, dose_number, site_id, historical_source, country)"
        " VALUES (%s, %s, %s, %s, '', %s, %s, %s, %s, '', %s, %s) ON CONFLICT DO NOTHING",
        (event.event_id, m.dose_id, m.person_id, m.administered_date or None, m.product, m.lot_number, m.series,
         m.dose_number, m.source, m.country))


def corrected(conn, event, m: immunization_pb2.DoseCorrected) -> None:
    changes = [{"field": c.field, "old_value": c.old_value, "new_value": c.new_value} for c in m.changes]
    conn.execute(
        "INSERT INTO person_dose_corrections (event_id, dose_id, person_id, changes, reason, corrected_at)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (event.event_id, m.dose_id, m.person_id, json.dumps(changes), m.reason, moment(m.corrected_at)))


def in_error(conn, _event, m: immunization_pb2.DoseEnteredInError) -> None:
    conn.execute("UPDATE person_doses SET entered_in_error = true WHERE event_id::text = %s OR dose_id = %s",
                 (m.reverses_event_id, m.dose_id))


def issued(conn, _event, m: certificate_pb2.CertificateIssued) -> None:
    conn.execute(
        "INSERT INTO person_certificates (certificate_id, person_id, level, format, issued_at, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (m.certificate_id, m.person_id, m.level, m.format, moment(m.issued_at),
         moment(m.expires_at) if m.HasField("expires_at") else None))


def revoked(conn, _event, m: certificate_pb2.CertificateRevoked) -> None:
    conn.execute("UPDATE person_certificates SET revoked = true, revoked_reason = %s WHERE certificate_id = %s",
                 (m.reason, m.certificate_id))


def suspended(conn, _event, m: certificate_pb2.CertificateSuspended) -> None:
    conn.execute("UPDATE person_certificates SET suspended = true, suspended_reason = %s WHERE certificate_id = %s",
                 (m.reason, m.certificate_id))


def reinstated(conn, _event, m: certificate_pb2.CertificateReinstated) -> None:
    conn.execute("UPDATE person_certificates SET suspended = false, suspended_reason = '' WHERE certificate_id = %s",
                 (m.certificate_id,))


def citizen_record() -> Projection:
    return declare("citizen_record", {
        immunization_pb2.DoseAdministered: administered,
        immunization_pb2.DoseRecordedHistorical: historical,
        immunization_pb2.DoseCorrected: corrected,
        immunization_pb2.DoseEnteredInError: in_error,
        certificate_pb2.CertificateIssued: issued,
        certificate_pb2.CertificateRevoked: revoked,
        certificate_pb2.CertificateSuspended: suspended,
        certificate_pb2.CertificateReinstated: reinstated,
    }, tables=("person_doses", "person_dose_corrections", "person_certificates"))
