"""The broker's ACLs, both ways, on a real broker run as ``vaxtrail up`` runs it: SASL/SCRAM and the StandardAuthorizer.

The module's broker is :func:`vaxtrail_cli.private_infra.private_infra` with ``sasl=True`` (free ports, its own
folder): the admin created the topics and every service principal's credential and ACLs from the model
(:mod:`vaxtrail_cli.kafka_access`); partners are granted and revoked with the functions ``vaxtrail partner``
calls (:mod:`vaxtrail_cli.kafka_auth`). Every refusal is checked next to the same call allowed, so a broker that
refused everything (or nothing) fails the test.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import TopicPartition
from kafka.errors import GroupAuthorizationFailedError, KafkaError, TopicAuthorizationFailedError

from eventkit.kafka import check_kafka, make_consumer, make_producer
from eventkit.topics import partner_feed_spec, partner_feed_topic
from tests.integration.kafka_helpers import wait_for
from vaxtrail_cli import kafka_auth
from vaxtrail_cli.private_infra import Infra

REGISTRATION = "vaxtrail.registration.v1"


@pytest.fixture(scope="module")
def broker(infra: Infra) -> Iterator[tuple[str, kafka_auth.CredentialStore]]:
    """A SASL broker of this module's own (the session's PostgreSQL is not needed but is the one at hand)."""
    from vaxtrail_cli.paths import StackPaths
    from vaxtrail_cli.private_infra import private_infra

    root = Path(tempfile.mkdtemp(prefix="vaxtrail-test-acls-"))
    try:
        with private_infra(root, fast=True, sasl=True, kafka_libs=StackPaths.from_env().kafka_libs,
                           external_db=infra.server_url, out=print) as running:
            yield running.kafka_bootstrap, kafka_auth.CredentialStore(running.credentials)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _consume(bootstrap: str, credential: kafka_auth.Credential, topic: str, group: str, *, want: int) -> list[bytes]:
    consumer = make_consumer(bootstrap, group_id=group, client_id="acl-test", **credential.security())
    try:
        consumer.subscribe([topic])
        values: list[bytes] = []

        def enough() -> bool:
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(r.value for r in batch)
            return len(values) >= want

        wait_for(enough, timeout=60, what=f"{want} records of {topic}")
        return values
    finally:
        consumer.close()


def _end_offsets(bootstrap: str, credential: kafka_auth.Credential, topic: str) -> dict:
    consumer = make_consumer(bootstrap, group_id=None, client_id="acl-test-ends", **credential.security())
    try:
        return consumer.end_offsets([TopicPartition(topic, 0)])
    finally:
        consumer.close()


def _produce(bootstrap: str, credential: kafka_auth.Credential, topic: str, value: bytes) -> None:
    producer = make_producer(bootstrap, client_id="acl-test", max_block_ms=15_000, **credential.security())
    try:
        producer.send(topic, value).get(timeout=30)
    finally:
        producer.close()


@pytest.fixture(scope="module")
def partner(broker) -> Iterator[tuple[str, str, kafka_auth.Credential]]:
    """A partner granted DOSES, whose doses topic the partner service created and wrote one record to."""
    from vaxtrail_cli.topics_admin import ensure_topics

    bootstrap, store = broker
    name = f"p{uuid.uuid4().hex[:8]}"
    doses = partner_feed_topic("DOSES", name)
    service = store.get("svc-partner")
    created = ensure_topics(bootstrap, [partner_feed_spec(doses, "DOSES")], security=service.security())
    assert created.created == [doses]  # the partner service may create a partner's doses topic
    _produce(bootstrap, service, doses, b"dose-1")
    credential = kafka_auth.grant_partner(bootstrap, store, name, [doses])
    yield name, doses, credential


def test_a_partner_consumes_its_granted_feed_in_a_group_of_its_prefix(broker, partner) -> None:
    bootstrap, _ = broker
    name, doses, credential = partner
    assert credential.username == f"partner-{name}"
    assert _consume(bootstrap, credential, doses, f"partner.{name}.x", want=1) == [b"dose-1"]


def test_a_partner_is_refused_an_internal_topic_and_groups_outside_its_prefix(broker, partner) -> None:
    bootstrap, _ = broker
    name, doses, credential = partner
    assert _end_offsets(bootstrap, credential, doses)  # allowed: the same call on its own feed
    with pytest.raises(TopicAuthorizationFailedError):
        _end_offsets(bootstrap, credential, REGISTRATION)
    with pytest.raises(GroupAuthorizationFailedError):
        _consume(bootstrap, credential, doses, f"vaxtrail.registration.{name}", want=1)
    with pytest.raises(GroupAuthorizationFailedError):
        _consume(bootstrap, credential, doses, f"partner.{name}x.y", want=1)  # not a prefix of its own
    # an idempotent producer with WRITE on no topic at all is refused its producer id (a cluster authorization)
    with pytest.raises(KafkaError, match="AuthorizationFailed"):
        _produce(bootstrap, credential, doses, b"forged")


def test_a_service_writes_its_own_topic_and_is_refused_the_others(broker) -> None:
    bootstrap, store = broker
    inventory = store.get("svc-inventory")
    _produce(bootstrap, inventory, "vaxtrail.inventory.v1", b"own")  # idempotent producer, no cluster ACL
    with pytest.raises(TopicAuthorizationFailedError):
        _produce(bootstrap, inventory, REGISTRATION, b"not mine")
    assert _end_offsets(bootstrap, inventory, "vaxtrail.allocation.v1")  # a topic it consumes
    with pytest.raises(TopicAuthorizationFailedError):
        _end_offsets(bootstrap, inventory, REGISTRATION)  # one it does not
    assert _consume(bootstrap, inventory, "vaxtrail.inventory.v1", "vaxtrail.inventory.acl_test", want=1)
    with pytest.raises(GroupAuthorizationFailedError):
        _consume(bootstrap, inventory, "vaxtrail.inventory.v1", "vaxtrail.registration.people", want=1)


def test_unauthenticated_and_wrong_password_connections_are_refused(broker) -> None:
    bootstrap, store = broker
    check_kafka(bootstrap, **store.get("svc-audit").security())  # the control: the right password connects
    with pytest.raises(KafkaError):
        check_kafka(bootstrap)  # PLAINTEXT against the SASL listener
    with pytest.raises(KafkaError):
        check_kafka(bootstrap, **kafka_auth.Credential("svc-audit", "not-the-password").security())


def test_after_a_revocation_the_partner_can_read_nothing(broker) -> None:
    from vaxtrail_cli.topics_admin import admin_client

    bootstrap, store = broker
    name = f"r{uuid.uuid4().hex[:8]}"
    stock = partner_feed_topic("STOCK")
    credential = kafka_auth.grant_partner(bootstrap, store, name, [stock])
    assert _end_offsets(bootstrap, credential, stock)
    kafka_auth.revoke_partner(bootstrap, store, name)

    assert store.get(credential.username) is None
    admin = admin_client(bootstrap, **store.admin().security())
    try:
        assert kafka_auth.current_acls(admin, credential.username) == []
    finally:
        admin.close()
    with pytest.raises(KafkaError):  # its credential is gone: it cannot even connect
        check_kafka(bootstrap, **credential.security())


def test_a_re_grant_replaces_the_partners_topic_acls(broker) -> None:
    bootstrap, store = broker
    name = f"g{uuid.uuid4().hex[:8]}"
    stock, aefi = partner_feed_topic("STOCK"), partner_feed_topic("AEFI")
    first = kafka_auth.grant_partner(bootstrap, store, name, [stock])
    assert _end_offsets(bootstrap, first, stock)
    second = kafka_auth.grant_partner(bootstrap, store, name, [aefi])
    assert second == first  # the same credential across grants
    assert _end_offsets(bootstrap, second, aefi)
    with pytest.raises(TopicAuthorizationFailedError):
        _end_offsets(bootstrap, second, stock)
