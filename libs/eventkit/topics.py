"""The declarative topic list: every topic VaxTrail uses, with partitions and configuration.

``vaxtrail stack up`` and the test suite create exactly these (idempotently: existing topics are left as
they are); ``deploy/k8s`` renders the same list as Strimzi ``KafkaTopic`` resources
(``tools/k8s_manifests``). The shared partner feeds are listed too; a per-partner feed's topic is created
by the partner service when it first publishes to it (:data:`PER_PARTNER_FEEDS`). Event topics keep everything forever (``retention.ms=-1``) because they are the
replayable history.

Two sizes: ``all_topics()`` is the local one (6 partitions per event topic: the stack and the test suite
on one machine), ``all_topics(national=True)`` the one a national deployment creates
(:data:`NATIONAL_EVENT_PARTITIONS`, sized in docs/deployment.md "Partitions"). A topic's partition count
caps each consumer group reading it at that many workers, and raising it later moves keys to other
partitions (per-aggregate order breaks across the change), so production starts with the national size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventkit.settings import SERVICES

EVENT_TOPIC_PARTITIONS = 6
"""Local stack and test suite."""
NATIONAL_EVENT_PARTITIONS: dict[str, int] = {
    "registration": 24, "inventory": 12, "allocation": 12, "immunization": 24, "certificate": 12, "audit": 12,
    "partner": 12,
}
"""Production: the rebuild of the largest read model of each topic within 8 hours at 1,000 events/s per
worker, rounded up to a multiple of 12, at least 12 (docs/deployment.md "Partitions")."""
FOREVER = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"}


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)
    purpose: str = ""


def event_topic(service: str) -> str:
    return f"vaxtrail.{service}.v1"


def dlq_topic(service: str) -> str:
    return f"vaxtrail.{service}.dlq.v1"


PARTNER_FEEDS: dict[str, str] = {
    "DOSES": "doses given, one topic per partner (its own pseudonymous person keys); key = person key",
    "STOCK": "lot status (registered, suspended, released, recalled, expiry extended); key = lot id",
    "AEFI": "de-identified adverse events following immunization; key = pseudonymous report id",
    "REVOCATIONS": "revoked certificates, for verifiers; key = certificate id (UVCI)",
}
"""The partner feeds (docs/partners.md), derived by the partner service from the internal topics."""
PER_PARTNER_FEEDS = frozenset({"DOSES"})
"""Feeds whose records carry a per-partner person key: each partner reads its own topic, created when it is
first published to (Kafka authorizes per topic, so a shared topic would hand every partner the others' keys)."""
PARTNER_FEED_PARTITIONS = 6


def partner_feed_topic(feed: str, partner: str | None = None) -> str:
    """``vaxtrail.partner.<feed>.v1``, or ``vaxtrail.partner.<feed>.<partner>.v1`` for a per-partner feed."""
    if (feed in PER_PARTNER_FEEDS) != (partner is not None):
        raise ValueError(f"feed {feed} {'needs' if feed in PER_PARTNER_FEEDS else 'takes no'} partner name")
    middle = f"{feed.lower()}.{partner}" if partner else feed.lower()
    return f"vaxtrail.partner.{middle}.v1"


def partner_feed_spec(topic: str, feed: str, *, national: bool = False) -> TopicSpec:
    partitions = NATIONAL_EVENT_PARTITIONS["partner"] if national else PARTNER_FEED_PARTITIONS
    return TopicSpec(topic, partitions, dict(FOREVER), f"partner feed {feed}: {PARTNER_FEEDS[feed]}")


def all_topics(*, national: bool = False) -> list[TopicSpec]:
    specs: list[TopicSpec] = []
    for service in SERVICES:
        partitions = NATIONAL_EVENT_PARTITIONS[service] if national else EVENT_TOPIC_PARTITIONS
        specs.append(
            TopicSpec(event_topic(service), partitions, dict(FOREVER),
                      f"{service} domain events; key = aggregate id")
        )
        specs.append(
            TopicSpec(dlq_topic(service), 1, {"retention.ms": str(30 * 24 * 3600 * 1000)},
                      f"records {service}'s projections could not decode or apply")
        )
    specs.extend(partner_feed_spec(partner_feed_topic(feed), feed, national=national) for feed in PARTNER_FEEDS
                 if feed not in PER_PARTNER_FEEDS)
    return specs
