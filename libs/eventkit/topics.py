"""The declarative topic list: every topic VaxTrail uses, with partitions and configuration.

``vaxtrail stack up`` and the test suite create exactly these (idempotently: existing topics are left as
they are); ``deploy/k8s`` renders the same list as Strimzi ``KafkaTopic`` resources. Event topics keep
everything forever (``retention.ms=-1``) because they are the replayable history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventkit.settings import SERVICES

EVENT_TOPIC_PARTITIONS = 6
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


def all_topics() -> list[TopicSpec]:
    specs: list[TopicSpec] = []
    for service in SERVICES:
        specs.append(
            TopicSpec(event_topic(service), EVENT_TOPIC_PARTITIONS, dict(FOREVER),
                      f"{service} domain events; key = aggregate id")
        )
        specs.append(
            TopicSpec(dlq_topic(service), 1, {"retention.ms": str(30 * 24 * 3600 * 1000)},
                      f"records {service}'s projections could not decode or apply")
        )
    return specs
