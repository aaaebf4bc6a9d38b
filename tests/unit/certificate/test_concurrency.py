"""INV-37 on the person's certificates: a decision taken on a stale version is refused, never applied."""

from __future__ import annotations

import pytest

from eventkit.aggregates import Repository
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict
from eventkit.store.base import AggregateChanges
from eventkit.testing import InMemoryEventStore
from services.certificate.codec import build_codec
from services.certificate.domain import certificates as c
from services.certificate.issuer import PERSON_CERTIFICATES

from .builders import NOW, TWO_AZ, record
from .test_domain import fake_issue

CONTEXT = CommandContext(actor_id="certificate-issuer", actor_role="system")


def test_a_synchronisation_decided_on_a_stale_version_is_refused_and_appends_nothing():
    store = InMemoryEventStore()
    repository = Repository(store, build_codec(), producer="certificate/test")
    aggregate = c.aggregate_id("P-0001")
    state, version = repository.load(PERSON_CERTIFICATES, aggregate)
    first = c.synchronise(state, c.Synchronise(record(TWO_AZ[0]), NOW), issue=fake_issue)
    second = c.synchronise(state, c.Synchronise(record(*TWO_AZ), NOW), issue=fake_issue)
    store.append([AggregateChanges("person_certificates", aggregate, version, [repository.draft(e) for e in first])],
                 CONTEXT, producer="certificate/test")
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append([AggregateChanges("person_certificates", aggregate, version,
                                       [repository.draft(e) for e in second])], CONTEXT, producer="certificate/test")
    assert caught.value.rule == "INV-37"
    assert len(store.load(aggregate)) == len(first)
