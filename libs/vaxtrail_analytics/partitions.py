"""Every partition of some topics, as the broker's metadata names them (shared by replay and export)."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import TopicPartition

from eventkit.kafka import topic_partitions


def partitions_of(consumer, topics: Iterable[str], timeout: float = 30.0) -> list[TopicPartition]:
    """Waits for each topic's metadata; ``LookupError`` naming a topic the broker does not know."""
    return topic_partitions(consumer, topics, timeout, missing=lambda topic: LookupError(f"topic {topic} does not exist"))
