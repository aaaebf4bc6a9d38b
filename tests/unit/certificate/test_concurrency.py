"""INV-37 on the person's certificates: a decision taken on a stale version is refused, never applied; the
issuer re-decides on fresh state and still issues each certificate exactly once."""

from __future__ import annotations

import pytest

from eventkit.errors import ConcurrencyConflict
from eventkit.testing import InMemoryEventStore
from services.certificate.domain import certificates as c
from services.certificate.domain.commands import SynchroniseCertificates
from services.certificate.handlers import synchronise_certificates
from services.certificate.workers.issuer import ISSUER

from .builders import TWO_AZ, Documents, certificate_bus, deps, factory, record

ISSUED = "vaxtrail.certificate.v1.CertificateIssued"


def test_a_synchronisation_decided_on_a_stale_version_is_refused_and_appends_nothing():
    store = InMemoryEventStore()
    other_worker = certificate_bus(deps(), store)
    bus = certificate_bus(deps(), store)

    def decide_while_another_worker_appends(tx):
        reply = synchronise_certificates(tx, SynchroniseCertificates(record(*TWO_AZ)), bus.deps)
        other_worker.handle(SynchroniseCertificates(record(TWO_AZ[0])), ISSUER)  # commits first
        return reply

    with pytest.raises(ConcurrencyConflict) as caught:
        bus.es.execute(ISSUER, decide_while_another_worker_appends)
    assert caught.value.rule == "INV-37"
    levels = [bus.es.codec.decode(e.event_type, e.payload).level for e in store.load(c.aggregate_id("P-0001"))
              if e.event_type == ISSUED]
    assert levels == ["PARTIAL", "PARTIAL"]  # only the other worker's decision was applied


def test_the_issuer_re_decides_after_a_conflict_and_issues_each_certificate_exactly_once():
    store, documents = InMemoryEventStore(), Documents()
    other_worker = certificate_bus(deps(documents=documents), store)
    interrupted = []

    def sign_while_another_worker_wins(request):
        if not interrupted:  # the other worker decides the same record and commits while we sign
            interrupted.append(other_worker.handle(SynchroniseCertificates(record(*TWO_AZ)), ISSUER))
        return factory().sign(request)

    bus = certificate_bus(deps(sign=sign_while_another_worker_wins, documents=documents), store)
    result = bus.handle(SynchroniseCertificates(record(*TWO_AZ)), ISSUER)
    assert result.events == []  # re-decided on the other worker's certificates: nothing left to issue
    issued = [e for e in store.load(c.aggregate_id("P-0001")) if e.event_type == ISSUED]
    assert len(issued) == 2 and len(documents.kept) == 2
