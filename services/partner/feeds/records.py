"""Feed records from internal facts: only the fields docs/partners.md lists, never a direct identifier.

Each builder takes the minimised facts the derivation keeps (a person's birth year, sex, province and district;
a dose without its person; a lot) and returns a ``FeedRecord``: the Kafka key, the protobuf message and a
deterministic record id (UUIDv5 of feed, partner, source event and stage), so that the same internal event
derived twice - a re-delivery, a restart mid-batch, a rebuild - yields the same record, which the outbox
stores once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

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
    key = pseudonyms.person_key(master_key, partner, dose.person_id)
    message = feeds_pb2.DoseGiven(
        person_key=key, birth_year=person.birth_year, sex=person.sex, province_code=person.province_code,
        district_code=person.district_code, site_id=dose.site_id, product_id=dose.product_id,
        vaccine_code=dose.vaccine_code, lot_number=dose.lot_number, series=dose.series,
        dose_number=dose.dose_number, date=dose.day.isoformat())
    return FeedRecord(record_id("DOSES", partner, dose.source_event_id), "DOSES", partner, key, message,
                      dose.source_event_id)


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
