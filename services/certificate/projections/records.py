"""Projection ``canonical_records``: the person's canonical record from three other services' topics.

Every handler that changes what a person's certificates should say marks the person in
``certificate_pending`` (same transaction): the issuer (issuer.py) drains that list. So the projection has
no effect outside its own database, and a rebuild simply marks everyone again (issuance is deterministic:
nothing new is issued for a record that did not change).

Topics arrive in any relative order: a dose may come before its person or presentation; the issuer then
issues nothing until the record is complete, and the later event marks the person again.
"""

from __future__ import annotations

from datetime import UTC

from eventkit.codec import decode_message, topic_event_types
from eventkit.projections import Projection

TOPICS = ("vaxtrail.registration.v1", "vaxtrail.immunization.v1", "vaxtrail.inventory.v1")
TABLES = ("record_persons", "record_doses", "record_lots", "record_presentations", "record_next_dose",
          "certificate_pending")
DOSE_FIELDS = {"lot_id", "lot_number", "presentation_id", "product", "series", "dose_number", "site_id", "country"}


def mark(conn, person_ids) -> None:
    conn.execute(
        "INSERT INTO certificate_pending (person_id, mark) SELECT p, nextval('certificate_pending_mark')"
        " FROM unnest(%s::text[]) AS p ON CONFLICT (person_id) DO UPDATE SET mark = excluded.mark,"
        " marked_at = now()", (list(person_ids),))
    conn.execute("NOTIFY certificate_pending")


def _persons_with(conn, column: str, value: str) -> list[str]:
    rows = conn.execute(f"SELECT DISTINCT person_id FROM record_doses WHERE {column} = %s", (value,)).fetchall()
    return [r[0] for r in rows]


# -- registration --------------------------------------------------------------------------------------------
def person_registered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO record_persons (person_id, full_name, family_name, given_name, date_of_birth,"
        " date_of_birth_estimated, nationality, province_code, district_code, revision)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (person_id) DO NOTHING",
        (m.person_id, m.full_name, m.family_name, m.given_name, m.date_of_birth, m.date_of_birth_estimated,
         m.nationality or "VN", m.address.province_code, m.address.district_code, str(event.event_id)))
    mark(conn, [m.person_id])


PERSON_FIELDS = {"full_name", "family_name", "given_name", "date_of_birth", "date_of_birth_estimated", "nationality"}


def person_details_corrected(conn, event, m) -> None:
    changes = {c.field: c.new_value for c in m.changes if c.field in PERSON_FIELDS}
    if not changes:
        return
    for field_name, value in changes.items():
        stored = value.lower() == "true" if field_name == "date_of_birth_estimated" else value
        conn.execute(f"UPDATE record_persons SET {field_name} = %s WHERE person_id = %s", (stored, m.person_id))
    conn.execute("UPDATE record_persons SET earlier_revisions = earlier_revisions || revision, revision = %s"
                 " WHERE person_id = %s", (str(event.event_id), m.person_id))
    mark(conn, [m.person_id])


def persons_merged(conn, event, m) -> None:
    conn.execute("UPDATE record_persons SET merged_into = %s WHERE person_id = %s",
                 (m.surviving_person_id, m.merged_person_id))
    conn.execute("UPDATE record_doses SET person_id = %s WHERE person_id = %s",
                 (m.surviving_person_id, m.merged_person_id))
    mark(conn, [m.merged_person_id, m.surviving_person_id])


# -- immunization --------------------------------------------------------------------------------------------
def _owner(conn, person_id: str) -> str:
    """Doses recorded for a merged-away person belong to the surviving one."""
    row = conn.execute("SELECT merged_into FROM record_persons WHERE person_id = %s", (person_id,)).fetchone()
    return row[0] if row and row[0] else person_id


def dose_administered(conn, event, m) -> None:
    person = _owner(conn, m.person_id)
    conn.execute(
        "INSERT INTO record_doses (dose_id, person_id, revision, historical, administered_on, series, dose_number,"
        " presentation_id, lot_id, lot_number, site_id, country)"
        " VALUES (%s, %s, %s, false, (%s::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, %s, %s, %s, %s, %s,"
        " %s, 'VN') ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, person, str(event.event_id), m.administered_at.ToDatetime(tzinfo=UTC), m.series or "PRIMARY",
         m.dose_number, m.presentation_id, m.lot_id, m.lot_number, m.site_id))
    mark(conn, [person])


def dose_recorded_historical(conn, event, m) -> None:
    person = _owner(conn, m.person_id)
    conn.execute(
        "INSERT INTO record_doses (dose_id, person_id, revision, historical, administered_on, series, dose_number,"
        " product, lot_number, country) VALUES (%s, %s, %s, true, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, person, str(event.event_id), m.administered_date, m.series or "PRIMARY", m.dose_number or 1,
         m.product, m.lot_number, m.country or "VN"))
    mark(conn, [person])


def dose_entered_in_error(conn, event, m) -> None:
    conn.execute("UPDATE record_doses SET status = 'ENTERED_IN_ERROR' WHERE dose_id = %s", (m.dose_id,))
    mark(conn, _persons_with(conn, "dose_id", m.dose_id))


def dose_corrected(conn, event, m) -> None:
    for change in m.changes:
        name = "administered_on" if change.field in ("administered_at", "administered_date") else change.field
        if name in DOSE_FIELDS:
            value = int(change.new_value) if name == "dose_number" else change.new_value
            conn.execute(f"UPDATE record_doses SET {name} = %s WHERE dose_id = %s", (value, m.dose_id))
        elif name == "administered_on":
            conn.execute("UPDATE record_doses SET administered_on = (%s::timestamptz AT TIME ZONE"
                         " 'Asia/Ho_Chi_Minh')::date WHERE dose_id = %s", (change.new_value, m.dose_id))
    conn.execute("UPDATE record_doses SET earlier_revisions = earlier_revisions || revision, revision = %s"
                 " WHERE dose_id = %s", (str(event.event_id), m.dose_id))
    mark(conn, _persons_with(conn, "dose_id", m.dose_id))


def next_dose_recommended(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO record_next_dose (person_id, series, dose_number, earliest_date, due_date, latest_date)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (person_id) DO UPDATE SET series = excluded.series,"
        " dose_number = excluded.dose_number, earliest_date = excluded.earliest_date,"
        " due_date = excluded.due_date, latest_date = excluded.latest_date",
        (m.person_id, m.series, m.dose_number, m.earliest_date, m.due_date, m.latest_date))


# -- inventory -----------------------------------------------------------------------------------------------
def presentation_defined(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO record_presentations (presentation_id, version, vaccine_code, brand, manufacturer,"
        " series_doses, platform) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (presentation_id) DO UPDATE"
        " SET version = excluded.version, vaccine_code = excluded.vaccine_code, brand = excluded.brand,"
        " manufacturer = excluded.manufacturer, series_doses = excluded.series_doses, platform = excluded.platform"
        " WHERE record_presentations.version <= excluded.version",
        (m.presentation_id, m.version, m.vaccine_code, m.brand, m.manufacturer, m.series_doses, m.platform))
    mark(conn, _persons_with(conn, "presentation_id", m.presentation_id))


def lot_registered(conn, event, m) -> None:
    conn.execute("INSERT INTO record_lots (lot_id, lot_number, presentation_id) VALUES (%s, %s, %s)"
                 " ON CONFLICT (lot_id) DO UPDATE SET lot_number = excluded.lot_number,"
                 " presentation_id = excluded.presentation_id", (m.lot_id, m.lot_number, m.presentation_id))


def _lot_status(status: str):
    def apply(conn, event, m) -> None:
        # Certificates follow national decisions only; a province or site suspension restricts where a lot
        # may be used, it does not question doses already given.
        if m.scope not in ("", "NATIONAL"):
            return
        conn.execute(
            "INSERT INTO record_lots (lot_id, status) VALUES (%s, %s) ON CONFLICT (lot_id) DO UPDATE"
            " SET status = CASE WHEN record_lots.status = 'RECALLED' THEN 'RECALLED' ELSE excluded.status END",
            (m.lot_id, status))
        mark(conn, _persons_with(conn, "lot_id", m.lot_id))
    return apply


HANDLERS = {
    "vaxtrail.registration.v1.PersonRegistered": person_registered,
    "vaxtrail.registration.v1.PersonDetailsCorrected": person_details_corrected,
    "vaxtrail.registration.v1.PersonsMerged": persons_merged,
    "vaxtrail.immunization.v1.DoseAdministered": dose_administered,
    "vaxtrail.immunization.v1.DoseRecordedHistorical": dose_recorded_historical,
    "vaxtrail.immunization.v1.DoseEnteredInError": dose_entered_in_error,
    "vaxtrail.immunization.v1.DoseCorrected": dose_corrected,
    "vaxtrail.immunization.v1.NextDoseRecommended": next_dose_recommended,
    "vaxtrail.inventory.v1.PresentationDefined": presentation_defined,
    "vaxtrail.inventory.v1.LotRegistered": lot_registered,
    "vaxtrail.inventory.v1.LotSuspended": _lot_status("SUSPENDED"),
    "vaxtrail.inventory.v1.LotReleased": _lot_status("RELEASED"),
    "vaxtrail.inventory.v1.LotRecalled": _lot_status("RECALLED"),
}


def canonical_records(topics: tuple[str, ...] = TOPICS) -> Projection:
    every = topic_event_types("registration") | topic_event_types("immunization") | topic_event_types("inventory")
    return Projection(name="canonical_records", topics=topics, handlers=HANDLERS,
                      ignored=every - HANDLERS.keys(), tables=TABLES, decoder=decode_message)
