"""Whatever the certificate service appends, every projection of its topic can apply (property-based).

One case per event type the certificate codec registers (the five certificate events, the three key events
and ``PersonalDataAccessed``): hypothesis builds events (``tests/integration/roundtrip.py``), each goes
through protobuf, the envelope and a Kafka record and back, and is applied by every projection that
consumes ``vaxtrail.certificate.v1`` - the certificate service's own (all of them, against a database
migrated with its migrations) and every other service's (``citizen_record`` of registration today), each
built only through that service's ``bootstrap.WIRING`` and applied to a database migrated with *its*
migrations. A projection that neither handles nor ignores a type fails the case too.

Field strategies follow what can reach the event: a UVCI is built by ``domain/uvci.py`` (its alphabet),
levels, formats and reason codes come from the domain's closed sets, event ids are UUIDs, key ids are
base64 (DSC) or base64url (SHC) text; every other field takes any value the eventkit field types allow
(text without control characters, times 1900-2099, any int32).
"""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import psycopg
import pytest
from hypothesis import strategies as st

from eventkit import db
from eventkit.access import PURPOSES, PersonalDataAccessed
from eventkit.settings import SERVICES, Settings
from eventkit.topics import event_topic
from services.certificate.codec import build_codec
from services.certificate.domain import certificates as c
from services.certificate.domain import keys, revocations
from services.certificate.domain.record import Level
from services.immunization.codec import build_codec as immunization_codec
from services.immunization.domain import events as immunization
from services.inventory.codec import build_codec as inventory_codec
from services.inventory.domain import lots, reference
from services.registration.codec import build_codec as registration_codec
from services.registration.domain import events as registration
from tests.unit.immunization.builders import given

from .roundtrip import (
    IDS,
    TEXT,
    Codecs,
    assert_batch_matches_handlers,
    check_batch_matches_handlers,
    check_every_projection_applies,
    through_kafka,
)
from .test_immunization_roundtrip import OVERRIDES as IMMUNIZATION_FIELDS
from .test_inventory_roundtrip import COMMON as INVENTORY_FIELDS
from .test_registration_roundtrip import _BORN, FIELD_CHANGES

TOPIC = event_topic("certificate")
UVCIS = st.from_regex(r"URN:UVCI:01:[A-Z]{2}:[A-Z2-7]{24}#[0-9A-Z/:]", fullmatch=True)
KEY_IDS = st.from_regex(r"[A-Za-z0-9+/_\-]{1,43}={0,2}", fullmatch=True)
EVENT_IDS = st.uuids().map(str)

COMMON = {"certificate_id": UVCIS, "old_certificate_id": UVCIS, "new_certificate_id": UVCIS, "key_id": KEY_IDS,
          "dose_revisions": EVENT_IDS, "person_revision": EVENT_IDS}
OVERRIDES = {
    c.CertificateIssued: {"level": st.sampled_from([level.value for level in Level]),
                          "format": st.sampled_from(c.FORMATS), "payload_hash": st.binary(min_size=32, max_size=32)},
    c.CertificateRevoked: {"reason": st.sampled_from(sorted(c.REVOCATION_REASONS))},
    c.CertificateSuspended: {"reason": st.just("LOT_UNDER_REVIEW")},
    c.CertificateReinstated: {"reason": st.just("LOT_RELEASED")},
    c.CertificateReissued: {"reason": st.sampled_from(["NEW_DOSE", "CORRECTION", "RENEWAL"])},
    keys.SigningKeyActivated: {"format": st.sampled_from(c.FORMATS), "algorithm": st.just("ES256"),
                               "public_jwk_json": st.just("") | TEXT},
    keys.SigningKeyRetired: {"reason": st.sampled_from(["ROTATED", "WITHDRAWN"])},
    keys.TrustListPublished: {"version": st.integers(1, 2**31 - 1), "entry_count": st.integers(0, 2**31 - 1),
                              "entries_hash": st.binary(min_size=32, max_size=32)},
    revocations.RevocationListPublished: {"version": st.integers(1, 2**31 - 1),
                                          "entry_count": st.integers(0, 2**31 - 1),
                                          "entries_hash": st.binary(min_size=32, max_size=32),
                                          "signed_sha256": st.binary(min_size=32, max_size=32)},
    PersonalDataAccessed: {"purpose": st.sampled_from(PURPOSES), "actor_role": st.sampled_from(
        ["vaccinator", "site_manager", "district_officer", "province_officer", "national_admin"]),
        "actor_id": IDS, "endpoint": st.sampled_from(["GET /v1/persons/<person_id>/record",
                                                      "GET /v1/persons/<person_id>/certificate.png",
                                                      "GET /v1/persons/<person_id>/certificate.pdf"])},
}


@pytest.fixture(scope="module")
def consumers(infra) -> Iterator[list[tuple[str, str, list]]]:
    """(service, database url, projections) for the certificate service (all its projections) and for every
    other service with a projection of the certificate topic, each database migrated by its own service."""
    found, created = [], []
    try:
        for service in SERVICES:
            wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
            name = f"roundtrip_{service}_{uuid.uuid4().hex[:8]}"
            settings = Settings(service=service, database_url=infra.database_url(name),
                                kafka_bootstrap=infra.kafka_bootstrap)
            projections = list(wiring.projections(settings, wiring.codec()))
            if service != "certificate":
                projections = [p for p in projections if TOPIC in p.topics]
            if not projections:
                continue
            db.ensure_database(infra.server_url, name)
            created.append(name)
            db.migrate(settings.database_url, wiring.migrations)
            found.append((service, settings.database_url, projections))
        yield found
    finally:
        for name in created:
            db.drop_database(infra.server_url, name)


def test_the_certificate_topic_has_consumers_beyond_the_service_itself(consumers):
    names = {(service, p.name) for service, _, projections in consumers for p in projections if TOPIC in p.topics}
    assert ("certificate", "certificate_views") in names and ("registration", "citizen_record") in names


@pytest.mark.parametrize("event_class", [*OVERRIDES], ids=lambda cls: cls.__name__)
def test_every_projection_of_the_certificate_topic_applies_every_certificate_event(consumers, event_class):
    codec = build_codec()
    for _service, database_url, projections in consumers:
        check_every_projection_applies(database_url, projections, codec, event_class,
                                       overrides=COMMON | OVERRIDES[event_class])


def test_every_event_type_the_codec_registers_has_a_case():
    codec = build_codec()
    assert {codec.type_of(cls) for cls in OVERRIDES} == codec.event_types()


FEW = {  # persons, doses, lots and presentations drawn from a few values, so that a sequence's events meet
    **{name: st.sampled_from(["P-1", "P-2", "P-3"]) for name in ("person_id", "surviving_person_id",
                                                                 "merged_person_id")},
    "dose_id": st.sampled_from(["D-1", "D-2"]), "lot_id": st.sampled_from(["L-1", "L-2"]),
    "presentation_id": st.sampled_from(["PR-1", "PR-2"]), "scope": st.sampled_from(["", "NATIONAL", "PROVINCE"]),
}
RECORD_EVENTS = [registration.PersonRegistered, registration.PersonDetailsCorrected, registration.PersonsMerged,
                 immunization.DoseAdministered, immunization.DoseRecordedHistorical, immunization.DoseEnteredInError,
                 immunization.DoseCorrected, immunization.NextDoseRecommended, reference.PresentationDefined,
                 lots.LotRegistered, lots.LotSuspended, lots.LotReleased, lots.LotRecalled]


def test_canonical_records_applied_as_a_batch_leave_the_tables_the_handlers_leave(consumers):
    [(url, projections)] = [(url, projections) for service, url, projections in consumers if service == "certificate"]
    [records] = [p for p in projections if p.name == "canonical_records"]
    codecs = Codecs(registration_codec(), immunization_codec(), inventory_codec())
    assert set(records.handlers) == {codecs.type_of(cls) for cls in RECORD_EVENTS}, "every handled type is drawn"
    check_batch_matches_handlers(url, records, codecs, RECORD_EVENTS, max_examples=80,
                                 overrides=INVENTORY_FIELDS | IMMUNIZATION_FIELDS | FEW,
                                 per_class={registration.PersonDetailsCorrected: {"changes": FIELD_CHANGES}})


def test_a_batch_follows_a_merge_to_the_owner_of_a_later_dose(consumers):
    """What the handlers read per dose (who owns it after a merge), a batch keeps in memory: a person registered
    and merged away earlier in the same batch owns no dose; the survivor does."""
    [(url, projections)] = [(url, projections) for service, url, projections in consumers if service == "certificate"]
    [records] = [p for p in projections if p.name == "canonical_records"]
    codecs = Codecs(registration_codec(), immunization_codec(), inventory_codec())
    at = datetime(2021, 8, 21, 2, tzinfo=UTC)
    merged = registration.PersonsMerged("P-2", "P-1", "same citizen id", at)
    dose = given(date(2021, 8, 21), dose_id="D-1")  # of P-1
    events = [through_kafka(codecs.event_type(e), codecs.encode(e), at, stream) for e, stream in [
        (dataclasses.replace(_BORN, person_id="P-1"), "person/P-1"),
        (dataclasses.replace(_BORN, person_id="P-2"), "person/P-2"), (merged, "person/P-1"), (dose, "person/P-1")]]
    with psycopg.connect(url) as conn:
        assert_batch_matches_handlers(conn, [records], events)
        with conn.transaction(force_rollback=True):
            records.batch(conn, [(e, records.decoder(e.event_type, e.payload)) for e in events])
            owner = conn.execute("SELECT person_id FROM record_doses WHERE dose_id = 'D-1'").fetchall()
            assert owner == [("P-2",)]
