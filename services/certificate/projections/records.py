"""Projection ``canonical_records``: the person's canonical record from three other services' topics.

Every handler that changes what a person's certificates should say marks the person in
``certificate_pending`` (same transaction): the issuer (``workers/issuer.py``) drains that list. So the
projection has no effect outside its own database, and a rebuild simply marks everyone again (issuance is deterministic:
nothing new is issued for a record that did not change).

Topics arrive in any relative order: a dose may come before its person or presentation; the issuer then
issues nothing until the record is complete, and the later event marks the person again.

One event at a time, a handler marks its persons at once and looks up who owns a dose (a merged-away person's
doses belong to the survivor) with a read. As a batch (:func:`apply_batch`, what the runner does), the owners
of the batch's doses are read once up front and followed through the batch's registrations and merges in
memory, and every person is marked once at the end (one insert, one NOTIFY) - the same rows, without a read
per dose. The rare events that find persons by dose, lot or presentation still read, in order.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from functools import partial

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration

TABLES = ("record_persons", "record_doses", "record_lots", "record_presentations", "record_next_dose",
          "certificate_pending")
DOSE_FIELDS = {"lot_id", "lot_number", "presentation_id", "product", "series", "dose_number", "site_id", "country"}


def mark(conn, person_ids) -> None:
    conn.execute(
        "INSERT INTO certificate_pending (person_id, mark) SELECT p, nextval('certificate_pending_mark')"
        " FROM unnest(%s::text[]) AS p ON CONFLICT (person_id) DO UPDATE SET mark = excluded.mark,"
        " marked_at = now()", (sorted(set(person_ids)),))  # one row per person: a repeated id is a cardinality error
    conn.execute("NOTIFY certificate_pending")


def _persons_with(conn, column: str, value: str) -> list[str]:
    rows = conn.execute(f"SELECT DISTINCT person_id FROM record_doses WHERE {column} = %s", (value,)).fetchall()
    return [r[0] for r in rows]


def _owner(conn, person_id: str) -> str:
    """Doses recorded for a merged-away person belong to the surviving one."""
    row = conn.execute("SELECT merged_into FROM record_persons WHERE person_id = %s", (person_id,)).fetchone()
    return row[0] if row and row[0] else person_id


class AtOnce:
    """How a handler marks persons and finds a dose's owner when it applies one event: at once, by reading;
    ``zone`` is the campaign zone (``CAMPAIGN_TIME_ZONE``) a dose's day is taken in."""

    def __init__(self, zone: tzinfo = CAMPAIGN_ZONE) -> None:
        self.zone = zone

    def mark(self, conn, person_ids) -> None:
        mark(conn, person_ids)

    def owner(self, conn, person_id: str) -> str:
        return _owner(conn, person_id)

    def registered(self, person_id: str) -> None:
        pass

    def merged(self, merged: str, surviving: str) -> None:
        pass


class Deferred(AtOnce):
    """The same for a batch: marks collected, owners read once (:meth:`load`) and kept up to date in memory."""

    def __init__(self, merged_into: dict[str, str | None], zone: tzinfo = CAMPAIGN_ZONE) -> None:
        super().__init__(zone)
        self.marked: set[str] = set()
        self._merged_into = merged_into  # person -> merged_into, for every person with a row (as of now)

    @classmethod
    def load(cls, conn, person_ids, zone: tzinfo = CAMPAIGN_ZONE) -> Deferred:
        rows = conn.execute("SELECT person_id, merged_into FROM record_persons WHERE person_id = ANY(%s)",
                            (sorted(set(person_ids)),)).fetchall()
        return cls(dict(rows), zone)

    def mark(self, conn, person_ids) -> None:
        self.marked.update(person_ids)

    def owner(self, conn, person_id: str) -> str:
        return self._merged_into.get(person_id) or person_id

    def registered(self, person_id: str) -> None:
        self._merged_into.setdefault(person_id, None)  # ON CONFLICT DO NOTHING: an existing row stays as it was

    def merged(self, merged: str, surviving: str) -> None:
        if merged in self._merged_into:  # the UPDATE changes only a row that exists
            self._merged_into[merged] = surviving


AT_ONCE = AtOnce()


# -- registration --------------------------------------------------------------------------------------------
def person_registered(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute(
        "INSERT INTO record_persons (person_id, full_name, family_name, given_name, date_of_birth,"
        " date_of_birth_estimated, nationality, province_code, district_code, revision)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (person_id) DO NOTHING",
        (m.person_id, m.full_name, m.family_name, m.given_name, m.date_of_birth, m.date_of_birth_estimated,
         m.nationality or "VN", m.address.province_code, m.address.district_code, str(event.event_id)))
    fx.registered(m.person_id)
    fx.mark(conn, [m.person_id])


PERSON_FIELDS = {"full_name", "family_name", "given_name", "date_of_birth", "date_of_birth_estimated", "nationality"}


def person_details_corrected(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    changes = {c.field: c.new_value for c in m.changes if c.field in PERSON_FIELDS}
    if not changes:
        return
    for field_name, value in changes.items():
        stored = value.lower() == "true" if field_name == "date_of_birth_estimated" else value
        conn.execute(f"UPDATE record_persons SET {field_name} = %s WHERE person_id = %s", (stored, m.person_id))
    conn.execute("UPDATE record_persons SET earlier_revisions = earlier_revisions || revision, revision = %s"
                 " WHERE person_id = %s", (str(event.event_id), m.person_id))
    fx.mark(conn, [m.person_id])


def persons_merged(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute("UPDATE record_persons SET merged_into = %s WHERE person_id = %s",
                 (m.surviving_person_id, m.merged_person_id))
    conn.execute("UPDATE record_doses SET person_id = %s WHERE person_id = %s",
                 (m.surviving_person_id, m.merged_person_id))
    fx.merged(m.merged_person_id, m.surviving_person_id)
    fx.mark(conn, [m.merged_person_id, m.surviving_person_id])


# -- immunization --------------------------------------------------------------------------------------------
def dose_administered(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    person = fx.owner(conn, m.person_id)
    conn.execute(
        "INSERT INTO record_doses (dose_id, person_id, revision, historical, administered_on, series, dose_number,"
        " presentation_id, lot_id, lot_number, site_id, country)"
        " VALUES (%s, %s, %s, false, %s, %s, %s, %s, %s, %s, %s, 'VN') ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, person, str(event.event_id), campaign_date(m.administered_at.ToDatetime(tzinfo=UTC), fx.zone),
         m.series or "PRIMARY",
         m.dose_number, m.presentation_id, m.lot_id, m.lot_number, m.site_id))
    fx.mark(conn, [person])


def dose_recorded_historical(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    person = fx.owner(conn, m.person_id)
    conn.execute(
        "INSERT INTO record_doses (dose_id, person_id, revision, historical, administered_on, series, dose_number,"
        " product, lot_number, country) VALUES (%s, %s, %s, true, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, person, str(event.event_id), m.administered_date, m.series or "PRIMARY", m.dose_number or 1,
         m.product, m.lot_number, m.country or "VN"))
    fx.mark(conn, [person])


def dose_entered_in_error(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute("UPDATE record_doses SET status = 'ENTERED_IN_ERROR' WHERE dose_id = %s", (m.dose_id,))
    fx.mark(conn, _persons_with(conn, "dose_id", m.dose_id))


def dose_corrected(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    for change in m.changes:
        name = "administered_on" if change.field in ("administered_at", "administered_date") else change.field
        if name in DOSE_FIELDS:
            value = int(change.new_value) if name == "dose_number" else change.new_value
            conn.execute(f"UPDATE record_doses SET {name} = %s WHERE dose_id = %s", (value, m.dose_id))
        elif name == "administered_on":
            conn.execute("UPDATE record_doses SET administered_on = (%s::timestamptz AT TIME ZONE %s)::date"
                         " WHERE dose_id = %s", (change.new_value, str(fx.zone), m.dose_id))
    conn.execute("UPDATE record_doses SET earlier_revisions = earlier_revisions || revision, revision = %s"
                 " WHERE dose_id = %s", (str(event.event_id), m.dose_id))
    fx.mark(conn, _persons_with(conn, "dose_id", m.dose_id))


def next_dose_recommended(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute(
        "INSERT INTO record_next_dose (person_id, series, dose_number, earliest_date, due_date, latest_date)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (person_id) DO UPDATE SET series = excluded.series,"
        " dose_number = excluded.dose_number, earliest_date = excluded.earliest_date,"
        " due_date = excluded.due_date, latest_date = excluded.latest_date",
        (m.person_id, m.series, m.dose_number, m.earliest_date, m.due_date, m.latest_date))


# -- inventory -----------------------------------------------------------------------------------------------
def presentation_defined(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute(
        "INSERT INTO record_presentations (presentation_id, version, vaccine_code, brand, manufacturer,"
        " series_doses, platform) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (presentation_id) DO UPDATE"
        " SET version = excluded.version, vaccine_code = excluded.vaccine_code, brand = excluded.brand,"
        " manufacturer = excluded.manufacturer, series_doses = excluded.series_doses, platform = excluded.platform"
        " WHERE record_presentations.version <= excluded.version",
        (m.presentation_id, m.version, m.vaccine_code, m.brand, m.manufacturer, m.series_doses, m.platform))
    fx.mark(conn, _persons_with(conn, "presentation_id", m.presentation_id))


def lot_registered(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
    conn.execute("INSERT INTO record_lots (lot_id, lot_number, presentation_id) VALUES (%s, %s, %s)"
                 " ON CONFLICT (lot_id) DO UPDATE SET lot_number = excluded.lot_number,"
                 " presentation_id = excluded.presentation_id", (m.lot_id, m.lot_number, m.presentation_id))


def _lot_status(status: str):
    def apply(conn, event, m, fx: AtOnce = AT_ONCE) -> None:
        # Certificates follow national decisions only; a province or site suspension restricts where a lot
        # may be used, it does not question doses already given.
        if m.scope not in ("", "NATIONAL"):
            return
        conn.execute(
            "INSERT INTO record_lots (lot_id, status) VALUES (%s, %s) ON CONFLICT (lot_id) DO UPDATE"
            " SET status = CASE WHEN record_lots.status = 'RECALLED' THEN 'RECALLED' ELSE excluded.status END",
            (m.lot_id, status))
        fx.mark(conn, _persons_with(conn, "lot_id", m.lot_id))
    return apply


HANDLERS = {
    registration.PersonRegistered: person_registered,
    registration.PersonDetailsCorrected: person_details_corrected,
    registration.PersonsMerged: persons_merged,
    immunization.DoseAdministered: dose_administered,
    immunization.DoseRecordedHistorical: dose_recorded_historical,
    immunization.DoseEnteredInError: dose_entered_in_error,
    immunization.DoseCorrected: dose_corrected,
    immunization.NextDoseRecommended: next_dose_recommended,
    inventory.PresentationDefined: presentation_defined,
    inventory.LotRegistered: lot_registered,
    inventory.LotSuspended: _lot_status("SUSPENDED"),
    inventory.LotReleased: _lot_status("RELEASED"),
    inventory.LotRecalled: _lot_status("RECALLED"),
}
_BY_TYPE = {message.DESCRIPTOR.full_name: handler for message, handler in HANDLERS.items()}
_DOSES = (immunization.DoseAdministered, immunization.DoseRecordedHistorical)


def apply_batch(conn, items, zone: tzinfo = CAMPAIGN_ZONE) -> None:
    fx = Deferred.load(conn, [m.person_id for _, m in items if isinstance(m, _DOSES)], zone)
    for event, m in items:
        _BY_TYPE[event.event_type](conn, event, m, fx)
    if fx.marked:
        mark(conn, fx.marked)


def canonical_records(zone: tzinfo = CAMPAIGN_ZONE) -> Projection:
    """Declared by message class; every other type of the three topics is ignored. A dose's ``administered_on``
    is its campaign day in ``zone`` (``CAMPAIGN_TIME_ZONE``)."""
    one = AtOnce(zone)
    return declare("canonical_records", {message: partial(handler, fx=one) for message, handler in HANDLERS.items()},
                   tables=TABLES, batch=partial(apply_batch, zone=zone))
