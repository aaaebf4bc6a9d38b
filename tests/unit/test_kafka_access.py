"""The model of who may do what on the broker (:mod:`vaxtrail_cli.kafka_access`), derived from the code."""

from __future__ import annotations

import pytest

from eventkit.settings import SERVICES
from eventkit.topics import all_topics, dlq_topic, event_topic, partner_feed_topic
from vaxtrail_cli.kafka_access import (
    CREATE,
    DESCRIBE,
    GROUP,
    READ,
    TOPIC,
    WRITE,
    allows,
    consumed_topics,
    partner_grants,
    service_access,
    service_grants,
    service_principal,
)

EVENT_TOPICS = [event_topic(s) for s in SERVICES]


@pytest.fixture(scope="module")
def access():
    return service_access()


def test_every_service_has_a_principal_of_its_own(access):
    assert set(access) == {f"svc-{s}" for s in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_only_its_own_topics(access, service):
    grants = access[service_principal(service)]
    writable = {t.name for t in all_topics() if allows(grants, TOPIC, t.name, WRITE)}
    assert writable == {event_topic(service), dlq_topic(service)} | (
        {t.name for t in all_topics() if t.name.startswith("vaxtrail.partner.")} if service == "partner" else set())
    assert not any(allows(grants, TOPIC, t, CREATE) for t in EVENT_TOPICS)
    assert not allows(grants, TOPIC, "vaxtrail.partner.v1", CREATE)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reads_what_its_projections_consume_and_its_dead_letters(access, service):
    grants = access[service_principal(service)]
    readable = {t.name for t in all_topics() if allows(grants, TOPIC, t.name, READ)}
    assert readable == set(consumed_topics()[service]) | {dlq_topic(service)}
    assert allows(grants, GROUP, f"vaxtrail.{service}.some_projection", READ)
    assert not allows(grants, GROUP, "vaxtrail.other.some_projection", READ)
    assert not allows(grants, GROUP, f"partner.{service}.x", READ)


def test_consumed_topics_come_from_the_wiring():
    consumed = consumed_topics()
    assert "vaxtrail.registration.v1" in consumed["immunization"]
    assert "vaxtrail.registration.v1" not in consumed["inventory"]
    # the audit service hashes every service's events but its own partner-free chain
    assert set(consumed["audit"]) >= {event_topic(s) for s in SERVICES if s != "partner"}


def test_inventory_may_not_read_registration():
    grants = service_grants("inventory", consumed_topics()["inventory"])
    assert not allows(grants, TOPIC, "vaxtrail.registration.v1", READ)
    assert not allows(grants, TOPIC, "vaxtrail.registration.v1", DESCRIBE)
    assert not allows(grants, TOPIC, "vaxtrail.allocation.v1", WRITE)


def test_only_the_partner_service_creates_and_writes_partner_feeds(access):
    doses = partner_feed_topic("DOSES", "who-vn")
    assert allows(access["svc-partner"], TOPIC, doses, CREATE)
    assert allows(access["svc-partner"], TOPIC, doses, WRITE)
    assert [p for p, grants in access.items() if allows(grants, TOPIC, doses, WRITE)] == ["svc-partner"]


def test_no_cluster_grant_for_anyone(access):
    assert {g.resource_type for grants in access.values() for g in grants} == {TOPIC, GROUP}


def test_a_partner_reads_exactly_its_granted_topics_in_its_own_groups():
    doses, stock = partner_feed_topic("DOSES", "who-vn"), partner_feed_topic("STOCK")
    grants = partner_grants("who-vn", [doses, stock])
    readable = {t for t in [*EVENT_TOPICS, doses, stock, partner_feed_topic("AEFI"),
                            partner_feed_topic("DOSES", "unicef")] if allows(grants, TOPIC, t, READ)}
    assert readable == {doses, stock}
    assert not any(allows(grants, TOPIC, t, op) for t in (doses, stock) for op in (WRITE, CREATE))
    assert allows(grants, GROUP, "partner.who-vn.dashboard", READ)
    assert not allows(grants, GROUP, "partner.who-vn-2.dashboard", READ)
    assert not allows(grants, GROUP, "vaxtrail.registration.people", READ)


def test_a_partner_without_feeds_has_no_grant_at_all():
    assert partner_grants("who-vn", []) == ()
