"""Projection ``partner_feeds``: derives the partner feeds from the internal topics, exactly once.

In (every handler runs in the runner's batch transaction, with the tracking rows and stream marks):
- registration ``PersonRegistered`` / ``PersonDetailsCorrected``: the minimised person (birth year, sex,
  province, district) - the name, national ID, phone, date of birth and address are never read into a table;
  ``PersonsMerged``: the retired person's doses belong to the survivor (:func:`doses.merge`);
- immunization ``DoseAdministered`` / ``DoseRecordedHistorical``: the dose without its person;
  ``DoseEnteredInError`` / ``DoseCorrected``: what became of it (:mod:`.doses`); ``AefiReported`` /
  ``AefiClassified`` (a report whose person has not arrived yet is held in ``partner_aefi_pending``, with any
  classification of it, and emitted with the person's details when its ``PersonRegistered`` arrives);
- inventory ``LotRegistered``, ``LotSuspended``, ``LotReleased``, ``LotRecalled``, ``LotExpiryExtended``;
- certificate ``CertificateRevoked``;
- the service's own ``PartnerGranted`` / ``PartnerRevoked``.

Out: feed records in ``feed_outbox`` (:mod:`services.partner.feeds.outbox`), in the same transaction. A batch
that fails writes nothing; an event seen again is skipped by its stream mark, and a record derived again meets
its record id in the outbox: each internal event yields its records once. The outbox is not one of the
projection's tables, so ``vaxtrail rebuild partner partner_feeds`` re-derives without publishing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, tzinfo

from eventkit.clock import campaign_date
from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.partner.domain import partners
from services.partner.domain.pseudonyms import birth_year
from services.partner.feeds import outbox
from services.partner.feeds.records import Dose, aefi_case, feed_changes, lot_status, revocation
from services.partner.projections import doses
from vaxtrail.certificate.v1 import events_pb2 as certificate
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.partner.v1 import feeds_pb2
from vaxtrail.registration.v1 import events_pb2 as registration

NAME = "partner_feeds"
TABLES = ("partner_grants", "partner_people", "partner_doses", "partner_lots", "partner_dose_withdrawals",
          "partner_dose_corrections", "partner_merges", "partner_aefi_pending")
_PERSON_FIELDS = {"date_of_birth": "birth_year", "sex": "sex", "address.province_code": "province_code",
                  "address.district_code": "district_code"}
_LOT_STATUS = {"LotSuspended": "SUSPENDED", "LotReleased": "RELEASED", "LotRecalled": "RECALLED"}


def partner_feeds(codec, master_key: Callable[[], bytes], zone: tzinfo) -> Projection:
    """``master_key()`` is asked for when a record is derived (an offline build - OpenAPI, AsyncAPI, manifests -
    declares the projection without a key; the worker reads the key before it starts)."""

    def person_registered(conn, event, e: registration.PersonRegistered) -> None:
        conn.execute("INSERT INTO partner_people (person_id, birth_year, sex, province_code, district_code)"
                     " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (person_id) DO NOTHING",
                     (e.person_id, birth_year(e.date_of_birth), e.sex, e.address.province_code,
                      e.address.district_code))
        doses.emit(conn, master_key, person=e.person_id)
        release_aefi(conn, e.person_id)

    def person_corrected(conn, event, e: registration.PersonDetailsCorrected) -> None:
        for change in e.changes:  # later records carry the corrected value; records already sent stay as sent
            column = _PERSON_FIELDS.get(change.field)
            if column:
                value = birth_year(change.new_value) if column == "birth_year" else change.new_value
                conn.execute(f"UPDATE partner_people SET {column} = %s WHERE person_id = %s", (value, e.person_id))

    def persons_merged(conn, event, e: registration.PersonsMerged) -> None:
        doses.merge(conn, master_key, e.merged_person_id, e.surviving_person_id, str(event.event_id))

    def dose_administered(conn, event, e: immunization.DoseAdministered) -> None:
        doses.recorded(conn, master_key, Dose(
            str(event.event_id), e.person_id, e.site_id, e.presentation_id, e.vaccine_code, e.lot_number, e.series,
            e.dose_number, campaign_date(e.administered_at.ToDatetime(UTC), zone)))

    def dose_historical(conn, event, e: immunization.DoseRecordedHistorical) -> None:
        doses.recorded(conn, master_key, historical_dose(str(event.event_id), e))

    def dose_in_error(conn, event, e: immunization.DoseEnteredInError) -> None:
        dose_event = _event_id(e.reverses_event_id)
        if dose_event is None:
            return  # names no event (the store accepts any text there): no dose of any feed to withdraw
        doses.withdraw(conn, master_key, dose_event, str(event.event_id))

    def dose_corrected(conn, event, e: immunization.DoseCorrected) -> None:
        dose_event = _event_id(e.reverses_event_id)
        if dose_event is None:
            return  # as above: no dose of any feed to correct
        doses.correct(conn, master_key, dose_event, str(event.event_id),
                      feed_changes(((c.field, c.new_value) for c in e.changes), zone))

    def aefi_reported(conn, event, e: immunization.AefiReported) -> None:
        message = feeds_pb2.AefiCase(
            lot_ids=e.lot_ids, site_ids=e.site_ids, symptoms=e.symptoms, serious=e.serious,
            seriousness_criteria=e.seriousness_criteria, outcome=e.outcome,
            onset_date=campaign_date(e.onset_at.ToDatetime(UTC), zone).isoformat())
        person = _aefi_person(conn, e.person_id)
        if person is None and e.person_id:  # its PersonRegistered has not arrived (another topic): held till then
            _hold(conn, event, e.aefi_id, e.person_id, "REPORTED", message)
            return
        message.birth_year, message.sex, message.province_code = person or (0, "", "")
        outbox.write(conn, [aefi_case(master_key(), str(event.event_id), e.aefi_id, "REPORTED", message)])

    def aefi_classified(conn, event, e: immunization.AefiClassified) -> None:
        message = feeds_pb2.AefiCase(lot_ids=e.lot_ids, causality=e.causality)
        held = conn.execute("SELECT person_id FROM partner_aefi_pending WHERE aefi_id = %s LIMIT 1",
                            (e.aefi_id,)).fetchone()
        if held is not None:  # its report is held: the classification follows it, never precedes it
            _hold(conn, event, e.aefi_id, held[0], "CLASSIFIED", message)
            return
        outbox.write(conn, [aefi_case(master_key(), str(event.event_id), e.aefi_id, "CLASSIFIED", message)])

    def release_aefi(conn, person_id: str) -> None:
        """The AEFI records held for ``person_id``, now that its details are known, in recorded order."""
        rows = conn.execute(
            "DELETE FROM partner_aefi_pending WHERE person_id = %s"
            " RETURNING source_event_id::text, aefi_id, stage, recorded_at, message", (person_id,)).fetchall()
        if not rows:
            return
        person = _aefi_person(conn, person_id)
        records = []
        for source, aefi_id, stage, _, raw in sorted(rows, key=lambda r: (r[3], r[2] != "REPORTED", r[0])):
            message = feeds_pb2.AefiCase.FromString(raw)
            if stage == "REPORTED":
                message.birth_year, message.sex, message.province_code = person
            records.append(aefi_case(master_key(), source, aefi_id, stage, message))
        outbox.write(conn, records)

    def lot_registered(conn, event, e: inventory.LotRegistered) -> None:
        conn.execute("INSERT INTO partner_lots (lot_id, lot_number, product_id, expiry_date) VALUES (%s, %s, %s, %s)"
                     " ON CONFLICT (lot_id) DO NOTHING", (e.lot_id, e.lot_number, e.presentation_id,
                                                          e.label_expiry_date))
        _lot(conn, event, e.lot_id, "REGISTERED", e.registered_at)

    def lot_expiry_extended(conn, event, e: inventory.LotExpiryExtended) -> None:
        conn.execute("UPDATE partner_lots SET expiry_date = %s WHERE lot_id = %s", (e.new_expiry_date, e.lot_id))
        _lot(conn, event, e.lot_id, "EXPIRY_EXTENDED", e.extended_at)

    def lot_decision(conn, event, e) -> None:
        _lot(conn, event, e.lot_id, _LOT_STATUS[type(e).__name__], e.decided_at, e.scope, e.scope_id)

    def certificate_revoked(conn, event, e: certificate.CertificateRevoked) -> None:
        message = feeds_pb2.CertificateRevocation(certificate_id=e.certificate_id, reason=e.reason,
                                                  revoked_at=e.revoked_at)
        outbox.write(conn, [revocation(str(event.event_id), message)])

    def granted(conn, event, e: partners.PartnerGranted) -> None:
        conn.execute(
            "INSERT INTO partner_grants (partner, feeds, principal, group_prefix, topics, active, changed_at)"
            " VALUES (%s, %s, %s, %s, %s, true, %s) ON CONFLICT (partner) DO UPDATE SET feeds = excluded.feeds,"
            " principal = excluded.principal, group_prefix = excluded.group_prefix, topics = excluded.topics,"
            " active = true, changed_at = excluded.changed_at",
            (e.partner, list(e.feeds), e.principal, e.group_prefix, list(e.topics), e.granted_at))
        doses.granted(conn, master_key, e.partner)

    def revoked(conn, event, e: partners.PartnerRevoked) -> None:
        conn.execute("UPDATE partner_grants SET active = false, feeds = '{}', changed_at = %s WHERE partner = %s",
                     (e.revoked_at, e.partner))

    return declare(NAME, {
        registration.PersonRegistered: person_registered,
        registration.PersonDetailsCorrected: person_corrected,
        registration.PersonsMerged: persons_merged,
        immunization.DoseAdministered: dose_administered,
        immunization.DoseRecordedHistorical: dose_historical,
        immunization.DoseEnteredInError: dose_in_error,
        immunization.DoseCorrected: dose_corrected,
        immunization.AefiReported: aefi_reported,
        immunization.AefiClassified: aefi_classified,
        inventory.LotRegistered: lot_registered,
        inventory.LotExpiryExtended: lot_expiry_extended,
        inventory.LotSuspended: lot_decision,
        inventory.LotReleased: lot_decision,
        inventory.LotRecalled: lot_decision,
        certificate.CertificateRevoked: certificate_revoked,
        partners.PartnerGranted: granted,
        partners.PartnerRevoked: revoked,
    }, codec=codec, tables=TABLES)


def historical_dose(source_event_id: str, e: immunization.DoseRecordedHistorical) -> Dose:
    """A dose given elsewhere or before VaxTrail, as documented: no site or presentation of the campaign; the
    product as documented stands for the vaccine code, and the documented day for the campaign day."""
    return Dose(source_event_id, e.person_id, "", "", e.product, e.lot_number, e.series, e.dose_number,
                date.fromisoformat(e.administered_date), historical=True, country=e.country.upper())


def _event_id(text: str) -> str | None:
    """``text`` as an event id in canonical form, or None if it cannot be one (the dose tables key doses by the
    UUID of the event that recorded them; PostgreSQL refuses some spellings Python's ``uuid`` reads)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _aefi_person(conn, person_id: str) -> tuple[int, str, str] | None:
    """What an AEFI record carries of its person (birth year, sex, province), or None if not arrived yet."""
    return conn.execute("SELECT birth_year, sex, province_code FROM partner_people WHERE person_id = %s",
                        (person_id,)).fetchone()


def _hold(conn, event, aefi_id: str, person_id: str, stage: str, message: feeds_pb2.AefiCase) -> None:
    conn.execute("INSERT INTO partner_aefi_pending (source_event_id, aefi_id, person_id, stage, recorded_at, message)"
                 " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (source_event_id) DO NOTHING",
                 (event.event_id, aefi_id, person_id, stage, event.recorded_at, message.SerializeToString()))


def _lot(conn, event, lot_id: str, status: str, at, scope: str = "", scope_id: str = "") -> None:
    lot = conn.execute("SELECT lot_number, product_id, expiry_date FROM partner_lots WHERE lot_id = %s",
                       (lot_id,)).fetchone() or ("", "", "")
    message = feeds_pb2.LotStatusChanged(lot_id=lot_id, lot_number=lot[0], product_id=lot[1], status=status,
                                         scope=scope, scope_id=scope_id, expiry_date=lot[2])
    message.changed_at.CopyFrom(at)
    outbox.write(conn, [lot_status(str(event.event_id), message)])
