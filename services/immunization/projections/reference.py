"""Local read models of the registration, inventory and allocation topics (raw protobuf messages).

Only what immunization decisions need is kept: for a person, approval, district assignment, date of birth
(age eligibility, INV-24) and a keyed hash of the identity document (ID-document check-in) — never names,
phones or addresses. Every other event type of those topics is listed as ignored, so an unknown type is
dead-lettered rather than dropped. Handlers tolerate facts arriving in any order across topics.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date

from eventkit.codec import decode_message, topic_event_types
from eventkit.projections import Projection
from eventkit.topics import event_topic

REG = "vaxtrail.registration.v1."
INV = "vaxtrail.inventory.v1."
ALLOC = "vaxtrail.allocation.v1."


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def service_secret(conn) -> bytes:
    return conn.execute("SELECT secret FROM service_secret WHERE id = 1").fetchone()[0].encode()


def document_hash(secret: bytes, kind: str, number: str) -> str:
    """Keyed hash of an identity document: lets check-in find a person without storing the number."""
    text = f"{kind.strip().upper()}|{number.strip().upper()}"
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def _person(conn, person_id: str, **columns) -> None:
    names = list(columns)
    conn.execute(
        f"INSERT INTO ref_person (person_id, {', '.join(names)}) VALUES (%s, {', '.join(['%s'] * len(names))})"
        f" ON CONFLICT (person_id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names)}",
        (person_id, *columns.values()),
    )


def person_registered(conn, event, m) -> None:
    _person(conn, m.person_id, date_of_birth=_date(m.date_of_birth),
            id_document_hash=document_hash(service_secret(conn), m.national_id_kind, m.national_id))


def person_details_corrected(conn, event, m) -> None:
    for change in m.changes:
        if change.field == "date_of_birth":
            _person(conn, m.person_id, date_of_birth=_date(change.new_value))


def registration_approved(conn, event, m) -> None:
    _person(conn, m.person_id, approved=True, rejected=False)


def registration_rejected(conn, event, m) -> None:
    _person(conn, m.person_id, approved=False, rejected=True)


def person_assigned(conn, event, m) -> None:
    _person(conn, m.person_id, district_health_centre_id=m.district_health_centre_id)


def persons_merged(conn, event, m) -> None:
    _person(conn, m.merged_person_id, merged_into=m.surviving_person_id, approved=False)


def registration_reference(topic: str = event_topic("registration")) -> Projection:
    handlers = {
        REG + "PersonRegistered": person_registered,
        REG + "PersonDetailsCorrected": person_details_corrected,
        REG + "RegistrationApproved": registration_approved,
        REG + "RegistrationRejected": registration_rejected,
        REG + "PersonAssignedToDistrict": person_assigned,
        REG + "PersonsMerged": persons_merged,
    }
    return Projection("registration_reference", (topic,), handlers, topic_event_types("registration") - handlers.keys(),
                      tables=("ref_person",), decoder=decode_message)


def location_registered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO ref_location (location_id, kind, parent_id, province_code, district_code, hospital_capable)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (location_id) DO UPDATE SET kind = excluded.kind,"
        " parent_id = excluded.parent_id, province_code = excluded.province_code,"
        " district_code = excluded.district_code, hospital_capable = excluded.hospital_capable",
        (m.location_id, m.kind, m.parent_id, m.province_code, m.district_code, m.hospital_capable),
    )


def location_deactivated(conn, event, m) -> None:
    conn.execute("UPDATE ref_location SET active_until = %s WHERE location_id = %s",
                 (_date(m.active_until), m.location_id))


def presentation_defined(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO ref_presentation (presentation_id, version, vaccine_code, doses_per_vial, extra_doses_allowed,"
        " dose_volume_ml, open_vial_window_hours, min_age_years, components, series_doses, platform)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",  # INV-35: immutable
        (m.presentation_id, m.version, m.vaccine_code, m.doses_per_vial, m.extra_doses_allowed, m.dose_volume_ml,
         m.open_vial_window_hours or 6, m.min_age_years, list(m.components), m.series_doses, m.platform),
    )


def lot_registered(conn, event, m) -> None:
    # A lot without a readable expiry is kept (its status and stock still matter) but never usable: the
    # lot query treats a NULL expiry as already past (INV-10).
    expiry = _date(m.label_expiry_date)
    conn.execute(
        "INSERT INTO ref_lot (lot_id, lot_number, presentation_id, presentation_version, label_expiry)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (m.lot_id, m.lot_number, m.presentation_id, m.presentation_version, expiry),
    )


def lot_expiry_extended(conn, event, m) -> None:
    conn.execute("UPDATE ref_lot SET extended_expiry = %s WHERE lot_id = %s", (_date(m.new_expiry_date), m.lot_id))


def _lot_status(status: str):
    def apply(conn, event, m) -> None:
        scope_id = "" if m.scope == "NATIONAL" else m.scope_id
        conn.execute(
            "INSERT INTO ref_lot_status (lot_id, scope, scope_id, status) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (lot_id, scope, scope_id) DO UPDATE SET status ="
            " CASE WHEN ref_lot_status.status = 'RECALLED' THEN 'RECALLED' ELSE excluded.status END",
            (m.lot_id, m.scope or "NATIONAL", scope_id, status),
        )
    return apply


def _stock(conn, location_id: str, lot_id: str, doses: int) -> None:
    conn.execute(
        "INSERT INTO ref_site_stock (location_id, lot_id, doses_received) VALUES (%s, %s, %s)"
        " ON CONFLICT (location_id, lot_id) DO UPDATE SET"
        " doses_received = ref_site_stock.doses_received + excluded.doses_received",
        (location_id, lot_id, doses),
    )


def dose_received(conn, event, m) -> None:
    _stock(conn, m.location_id, m.lot_id, m.doses)


def shipment_received(conn, event, m) -> None:
    for line in m.lines:
        if line.accepted_doses > 0:
            _stock(conn, m.to_location_id, line.lot_id, line.accepted_doses)


def vials_thawed(conn, event, m) -> None:
    _stock(conn, m.location_id, m.lot_id, 0)
    conn.execute(
        "UPDATE ref_site_stock SET beyond_use_date = least(coalesce(beyond_use_date, %s), %s)"
        " WHERE location_id = %s AND lot_id = %s",
        (_date(m.beyond_use_date), _date(m.beyond_use_date), m.location_id, m.lot_id),
    )


def inventory_reference(topic: str = event_topic("inventory")) -> Projection:
    handlers = {
        INV + "LocationRegistered": location_registered,
        INV + "LocationDeactivated": location_deactivated,
        INV + "PresentationDefined": presentation_defined,
        INV + "LotRegistered": lot_registered,
        INV + "LotExpiryExtended": lot_expiry_extended,
        INV + "LotSuspended": _lot_status("SUSPENDED"),
        INV + "LotReleased": _lot_status("RELEASED"),
        INV + "LotRecalled": _lot_status("RECALLED"),
        INV + "DoseReceived": dose_received,
        INV + "ShipmentReceived": shipment_received,
        INV + "VialsThawed": vials_thawed,
    }
    return Projection("inventory_reference", (topic,), handlers, topic_event_types("inventory") - handlers.keys(),
                      tables=("ref_location", "ref_presentation", "ref_lot", "ref_lot_status", "ref_site_stock"),
                      decoder=decode_message)


def session_planned(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO ref_session_plan (session_id, site_id, session_date, starts_at, ends_at, presentation_id,"
        " district_health_centre_id) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (session_id) DO UPDATE SET"
        " site_id = excluded.site_id, session_date = excluded.session_date, starts_at = excluded.starts_at,"
        " ends_at = excluded.ends_at, presentation_id = excluded.presentation_id",
        (m.session_id, m.site_id, _date(m.session_date) or m.starts_at.ToDatetime(tzinfo=UTC).date(),
         m.starts_at.ToDatetime(tzinfo=UTC), m.ends_at.ToDatetime(tzinfo=UTC), m.presentation_id,
         m.district_health_centre_id),
    )


def allocation_reference(topic: str = event_topic("allocation")) -> Projection:
    # SessionStockDispensed is ignored: a site's stock is known from inventory's own receipts.
    handlers = {ALLOC + "SessionPlanned": session_planned}
    return Projection("allocation_reference", (topic,), handlers, topic_event_types("allocation") - handlers.keys(),
                      tables=("ref_session_plan",), decoder=decode_message)
