"""Who may do what on the broker: one model of the Kafka principals and their ACLs, derived from the code.

Every place that grants Kafka access renders this model - the local stack's broker (``vaxtrail up``,
:mod:`vaxtrail_cli.kafka_auth`), ``vaxtrail partner add`` / ``revoke``, and the Strimzi ``KafkaUser`` resources
of deploy/k8s (``tools/k8s_manifests``) - so the grants cannot drift between them. It is pure: it takes the
topic names and returns :class:`Grant` values; nothing here talks to a broker.

Service principal (``svc-<service>`` locally, ``vaxtrail-<service>`` in Kubernetes):

- WRITE + DESCRIBE on its own event topic (the relay), WRITE + READ + DESCRIBE on its dead-letter topic (the
  projections dead-letter into it, ``vaxtrail dlq`` reads it back);
- READ + DESCRIBE on every topic its projections consume (their ``topics``, from ``services.<svc>.bootstrap``'s
  wiring: :func:`consumed_topics`); the audit service consumes every service's event topic this way;
- READ + DESCRIBE on its consumer groups: the group ids start with ``<KAFKA_GROUP_PREFIX>.<service>.``;
- the partner service also WRITE + DESCRIBE + CREATE on one prefix per partner feed, ``vaxtrail.partner.<feed>.``
  (its feed relay publishes the feeds and creates a partner's own doses topic on first use); not on
  ``vaxtrail.partner.``, which would also cover its own event topic ``vaxtrail.partner.v1``.

No cluster-level grant: the producers are idempotent, and since Kafka 3.0 (KIP-679) WRITE on a topic is enough
for an idempotent producer; the integration test (tests/integration/test_kafka_acls.py) produces that way.

Partner principal (``partner-<name>``, the ``principal`` of its ``PartnerGranted`` event): READ + DESCRIBE on
exactly its granted feed topics and READ on the consumer groups starting with ``partner.<name>.``; nothing else.
A revoked partner has no grant at all (and no credential).

The admin principal (:data:`ADMIN_PRINCIPAL`) is the broker's super user: it creates topics, credentials and
ACLs, and the operator's CLI tools (``vaxtrail topics``, ``dlq``, ``replay``, ``export``...) connect as it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from eventkit.settings import SERVICES
from eventkit.topics import PARTNER_FEEDS, dlq_topic, event_topic
from services.partner.domain.partners import group_prefix as partner_group_prefix

READ, WRITE, CREATE, DESCRIBE = "READ", "WRITE", "CREATE", "DESCRIBE"
TOPIC, GROUP = "TOPIC", "GROUP"
LITERAL, PREFIXED = "LITERAL", "PREFIXED"

ADMIN_PRINCIPAL = "vaxtrail-admin"
GROUP_PREFIX = "vaxtrail"
"""The default ``KAFKA_GROUP_PREFIX``: a service's groups are ``vaxtrail.<service>.<projection>``."""


def partner_feed_prefixes() -> tuple[str, ...]:
    """``vaxtrail.partner.<feed>.``: every topic of a feed, shared or per partner, starts with its feed's
    (:func:`eventkit.topics.partner_feed_topic`; a partner name is never a feed name)."""
    return tuple(f"vaxtrail.partner.{feed.lower()}." for feed in PARTNER_FEEDS)


@dataclass(frozen=True, order=True)
class Grant:
    """ALLOW ``operations`` on one resource (a topic or a group, by exact name or by name prefix), any host."""

    resource_type: str
    name: str
    pattern: str
    operations: tuple[str, ...]


def service_principal(service: str) -> str:
    return f"svc-{service}"


def service_grants(service: str, consumed: Iterable[str], *, group_prefix: str = GROUP_PREFIX) -> tuple[Grant, ...]:
    """What ``service``'s processes (web, worker, relay) may do; ``consumed``: the topics its projections read."""
    grants = [Grant(TOPIC, event_topic(service), LITERAL, (WRITE, DESCRIBE)),
              Grant(TOPIC, dlq_topic(service), LITERAL, (WRITE, READ, DESCRIBE))]
    grants += [Grant(TOPIC, topic, LITERAL, (READ, DESCRIBE)) for topic in sorted(set(consumed))]
    if service == "partner":
        grants += [Grant(TOPIC, prefix, PREFIXED, (WRITE, DESCRIBE, CREATE)) for prefix in partner_feed_prefixes()]
    grants.append(Grant(GROUP, f"{group_prefix}.{service}.", PREFIXED, (READ, DESCRIBE)))
    return tuple(grants)


def partner_grants(partner: str, topics: Iterable[str]) -> tuple[Grant, ...]:
    """What a partner may do: read exactly ``topics`` (its granted feeds) in groups of its own prefix."""
    grants = [Grant(TOPIC, topic, LITERAL, (READ, DESCRIBE)) for topic in sorted(set(topics))]
    if grants:
        grants.append(Grant(GROUP, partner_group_prefix(partner), PREFIXED, (READ,)))
    return tuple(grants)


@cache
def consumed_topics() -> Mapping[str, tuple[str, ...]]:
    """Service -> the topics its projections consume, as each service's wiring declares them."""
    import importlib

    from eventkit.settings import Settings

    consumed = {}
    for service in SERVICES:
        wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
        settings = Settings(service=service, database_url="postgresql://offline/none", kafka_bootstrap="offline:0")
        consumed[service] = tuple(sorted({t for p in wiring.projections(settings, wiring.codec()) for t in p.topics}))
    return consumed


def service_access(consumed: Mapping[str, Iterable[str]] | None = None, *,
                   group_prefix: str = GROUP_PREFIX) -> dict[str, tuple[Grant, ...]]:
    """Service principal -> its grants, for every service (``consumed`` defaults to :func:`consumed_topics`)."""
    consumed = consumed_topics() if consumed is None else consumed
    return {service_principal(svc): service_grants(svc, consumed.get(svc, ()), group_prefix=group_prefix)
            for svc in SERVICES}


def allows(grants: Iterable[Grant], resource_type: str, name: str, operation: str) -> bool:
    """Whether ``grants`` allow ``operation`` on a resource, as the broker's authorizer decides it (an exact name
    or a prefix; READ and WRITE imply DESCRIBE)."""
    implied = {operation} | ({READ, WRITE} if operation == DESCRIBE else set())
    for grant in grants:
        matches = grant.name == name if grant.pattern == LITERAL else name.startswith(grant.name)
        if grant.resource_type == resource_type and matches and implied & set(grant.operations):
            return True
    return False
