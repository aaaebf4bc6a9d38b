"""Feed records from internal facts: only the fields docs/partners.md lists, never a direct identifier.

Each builder takes the minimised facts the derivation keeps (a person's birth year, sex, province and district;
a dose without its person; a lot) and returns a ``FeedRecord``: the Kafka key, the protobuf message and a
deterministic record id (UUIDv5 of feed, partner, source event and stage), so that the same internal event
derived twice - a re-delivery, a restart mid-batch, a rebuild - yields the same record, which the outbox
stores once.

The doses feed follows a dose after its ``DoseGiven``: ``DoseWithdrawn`` (entered in error), ``DoseCorrected``
(a field the feed carries corrected) and ``PersonKeysMerged`` (two registrations of one person).
:func:`feed_changes` is which of a ``DoseCorrected``'s changes the feed carries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from google.protobuf.message import Message

from services.partner.domain import pseudonyms
from vaxtrail.partner.v1 import feeds_pb2

RECORD_NAMESPACE = uuid.UUID("5b7f1c8e-3a52-4d0e-9c61-8f2f7a3e0b11")


@dataclass(frozen=True)
class Person:
    birth_year: int
    sex: str
    province_code: str
    district_code: str


@dataclass(frozen=True)
class Dose:
    source_event_id: str
    person_id: str
    site_id: str
    product_id: str
    vaccine_code: str
    lot_number: str
    series: str
    dose_number: int
    day: date
    historical: bool = False
    country: str = ""


DOSE_COLUMNS = ("site_id", "product_id", "vaccine_code", "lot_number", "series", "dose_number", "day", "country")
"""The columns of ``partner_doses`` a correction can change, in :class:`Dose` order."""
FEED_FIELD = {"day": "date"}
"""A column's field name in the feed, where they differ."""
_CORRECTED = {"site_id": "site_id", "presentation_id": "product_id", "vaccine_code": "vaccine_code",
              "product": "vaccine_code", "lot_number": "lot_number", "series": "series",
              "dose_number": "dose_number", "administered_date": "day", "administered_at": "day",
              "country": "country"}
"""Fields of immunization's doses (``DoseAdministered`` / ``DoseRecordedHistorical``) the feed carries -> column."""


def feed_changes(changes: Iterable[tuple[str, str]], zone: tzinfo) -> dict[str, object]:
    """The ``partner_doses`` columns a correction's ``(field, new_value)`` changes set, in their column's type.
    Fields the feed does not carry (today every field immunization lets be corrected: body site, route, volume,
    performer) give nothing; a value that does not parse is left out rather than stopping the derivation."""
    out: dict[str, object] = {}
    for field, value in changes:
        column = _CORRECTED.get(field)
        try:
            if column == "dose_number":
                out[column] = int(value)
            elif field == "administered_date":
                out[column] = date.fromisoformat(value)
            elif field == "administered_at":
                out[column] = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone).date()
            elif column == "country":
                out[column] = value.upper()
            elif column:
                out[column] = value
        except ValueError:
            continue
    return out


@dataclass(frozen=True)
class FeedRecord:
    record_id: uuid.UUID
    feed: str
    partner: str
    key: str
    message: Message
    source_event_id: str
    """The internal event the record is derived from."""


def record_id(feed: str, partner: str, source_event_id: str, stage: str = "") -> uuid.UUID:
    return uuid.uuid5(RECORD_NAMESPACE, f"{feed}|{partner}|{source_event_id}|{stage}")


def dose_given(master_key: bytes, partner: str, dose: Dose, person: Person) -> FeedRecord:
    """``dose.person_id`` is the person the dose belongs to now (after merges), ``person`` their details."""
    key = pseudonyms.person_key(master_key, partner, dose.person_id)
    message = feeds_pb2.DoseGiven(
        person_key=key, birth_year=person.birth_year, sex=person.sex, province_code=person.province_code,
        district_code=person.district_code, site_id=dose.site_id, product_id=dose.product_id,
        vaccine_code=dose.vaccine_code, lot_number=dose.lot_number, series=dose.series,
        dose_number=dose.dose_number, date=dose.day.isoformat(),
        dose_ref=pseudonyms.dose_ref(master_key, partner, dose.source_event_id), historical=dose.historical,
        country=dose.country)
    return FeedRecord(given_record_id(partner, dose.source_event_id), "DOSES", partner, key, message,
                      dose.source_event_id)


def given_record_id(partner: str, dose_event_id: str) -> uuid.UUID:
    """The record id (``ce_id``) of a dose's ``DoseGiven`` to one partner."""
    return record_id("DOSES", partner, dose_event_id)


def dose_withdrawn(master_key: bytes, partner: str, sent_key: str, dose_event_id: str,
                   withdrawal_event_id: str) -> FeedRecord:
    """``sent_key``: the person key the dose's ``DoseGiven`` carried (this record follows it on its partition)."""
    message = feeds_pb2.DoseWithdrawn(person_key=sent_key,
                                      dose_ref=pseudonyms.dose_ref(master_key, partner, dose_event_id),
                                      given_record_id=str(given_record_id(partner, dose_event_id)))
    return FeedRecord(record_id("DOSES", partner, withdrawal_event_id, "WITHDRAWN"), "DOSES", partner, sent_key,
                      message, withdrawal_event_id)


def dose_corrected(master_key: bytes, partner: str, sent_key: str, dose: Dose, fields: Iterable[str],
                   correction_event_id: str) -> FeedRecord:
    """``dose``: the dose as it is after the correction; ``fields``: the columns the correction changed."""
    message = feeds_pb2.DoseCorrected(
        person_key=sent_key, dose_ref=pseudonyms.dose_ref(master_key, partner, dose.source_event_id),
        given_record_id=str(given_record_id(partner, dose.source_event_id)),
        corrected_fields=[FEED_FIELD.get(f, f) for f in DOSE_COLUMNS if f in set(fields)],
        site_id=dose.site_id, product_id=dose.product_id, vaccine_code=dose.vaccine_code,
        lot_number=dose.lot_number, series=dose.series, dose_number=dose.dose_number, date=dose.day.isoformat(),
        country=dose.country)
    return FeedRecord(record_id("DOSES", partner, correction_event_id, "CORRECTED"), "DOSES", partner, sent_key,
                      message, correction_event_id)


def keys_merged(partner: str, retired_key: str, surviving_key: str, merge_event_id: str) -> FeedRecord:
    """One per key the partner holds records under (one merge can retire several: earlier merges' keys)."""
    message = feeds_pb2.PersonKeysMerged(surviving_person_key=surviving_key, retired_person_key=retired_key)
    return FeedRecord(record_id("DOSES", partner, merge_event_id, f"MERGED:{retired_key}:{surviving_key}"), "DOSES",
                      partner, retired_key, message, merge_event_id)


def lot_status(source_event_id: str, message: feeds_pb2.LotStatusChanged) -> FeedRecord:
    return FeedRecord(record_id("STOCK", "", source_event_id), "STOCK", "", message.lot_id, message, source_event_id)


def aefi_case(master_key: bytes, source_event_id: str, aefi_id: str, stage: str,
              message: feeds_pb2.AefiCase) -> FeedRecord:
    report = pseudonyms.pseudonym(pseudonyms.secret_for(master_key, "feed:AEFI"), aefi_id)
    message.aefi_report_id = report
    message.stage = stage
    return FeedRecord(record_id("AEFI", "", source_event_id, stage), "AEFI", "", report, message, source_event_id)


def revocation(source_event_id: str, message: feeds_pb2.CertificateRevocation) -> FeedRecord:
    return FeedRecord(record_id("REVOCATIONS", "", source_event_id), "REVOCATIONS", "", message.certificate_id,
                      message, source_event_id)
