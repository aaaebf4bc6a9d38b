"""The certificate command table on the in-memory store: revocation answers and idempotency, issuance that
keeps an interrupted run's document, and the table itself."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from eventkit.testing import InMemoryEventStore
from services.certificate.domain import certificates as c
from services.certificate.domain.commands import (
    PublishRevocationList,
    PublishTrustList,
    RecordSigningKey,
    RevokeCertificate,
    SynchroniseCertificates,
)
from services.certificate.formats.documents import signed_facts
from services.certificate.handlers import COMMANDS
from services.certificate.workers.issuer import ISSUER

from .builders import NOW, TWO_AZ, Documents, certificate_bus, deps, record

ADMIN = CommandContext(actor_id="admin-1", actor_role="national_admin")


def certified(store=None, documents=None):
    store = store if store is not None else InMemoryEventStore()
    bus = certificate_bus(deps(documents=documents), store)
    issued = bus.handle(SynchroniseCertificates(record(*TWO_AZ)), ISSUER)
    return bus, store, [bus.es.codec.decode(e.event_type, e.payload) for e in issued.events]


def test_every_command_has_a_handler():
    assert set(COMMANDS) == {RevokeCertificate, SynchroniseCertificates, RecordSigningKey, PublishTrustList,
                             PublishRevocationList}


def test_a_revocation_answers_the_standard_fields_and_the_certificate():
    bus, store, issued = certified()
    target = issued[0].certificate_id
    result = bus.handle(RevokeCertificate("P-0001", target, "FRAUD"), ADMIN)
    [event] = result.events
    assert result.response == {"id": "certificates:P-0001", "event_ids": [str(event.event_id)],
                               "versions": {"certificates:P-0001": event.aggregate_version},
                               "person_id": "P-0001", "certificate_id": target}
    assert bus.es.codec.decode(event.event_type, event.payload) == c.CertificateRevoked(target, "FRAUD", "P-0001", NOW)


def test_a_retried_revocation_is_answered_from_the_first_and_a_new_one_is_refused_as_final():
    bus, store, issued = certified()
    target = issued[0].certificate_id
    keyed = CommandContext(actor_id="admin-1", actor_role="national_admin", idempotency_key="admin-1|revocations|k1",
                           request_hash="h1")
    first = bus.handle(RevokeCertificate("P-0001", target, "FRAUD"), keyed)
    again = bus.handle(RevokeCertificate("P-0001", target, "FRAUD"), keyed)
    assert again.replayed and again.response == first.response
    with pytest.raises(DomainError) as caught:
        bus.handle(RevokeCertificate("P-0001", target, "FRAUD"), ADMIN)
    assert (caught.value.rule, caught.value.field) == ("INV-33", "certificate_id")
    assert len(store.load(c.aggregate_id("P-0001"))) == len(issued) + 1


def test_synchronising_the_same_record_again_appends_nothing():
    bus, store, issued = certified()
    assert [type(e).__name__ for e in issued] == ["CertificateIssued", "CertificateIssued"]
    assert bus.handle(SynchroniseCertificates(record(*TWO_AZ)), ISSUER).events == []
    assert len(store.load(c.aggregate_id("P-0001"))) == 2


def test_an_interrupted_issuance_keeps_the_stored_document_and_the_event_describes_it():
    # a crash after the document insert, before the append: the earlier documents stay in the table, and the
    # retry an hour later signs again (another iat) but keeps - and describes - the stored documents
    earlier = Documents()
    _, _, first_run = certified(documents=earlier)
    store = InMemoryEventStore()
    bus = certificate_bus(deps(now=NOW + timedelta(hours=1), documents=earlier), store)
    retried = [bus.es.codec.decode(e.event_type, e.payload)
               for e in bus.handle(SynchroniseCertificates(record(*TWO_AZ)), ISSUER).events]
    assert [(e.certificate_id, e.issued_at, e.payload_hash, e.key_id) for e in retried] == [
        (e.certificate_id, e.issued_at, e.payload_hash, e.key_id) for e in first_run]
    for event in retried:
        facts = signed_facts(earlier.kept[event.certificate_id])
        assert (event.issued_at, event.expires_at) == (facts.issued_at, facts.expires_at) == (
            NOW, NOW + timedelta(days=365))


def test_a_fresh_issuance_stores_the_documents_it_signed():
    documents = Documents()
    _, _, issued = certified(documents=documents)
    assert {e.format for e in issued} == set(c.FORMATS)
    for event in issued:
        facts = signed_facts(documents.kept[event.certificate_id])
        assert (event.key_id, event.issued_at) == (facts.key_id, facts.issued_at)
