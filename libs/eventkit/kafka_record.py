"""Envelope <-> Kafka record: key = aggregate id, value = protobuf payload, envelope in headers.

Headers follow the CloudEvents Kafka protocol binding in binary mode (``ce_specversion`` 1.0, ``ce_id``,
``ce_type``, ``ce_source``, ``ce_time``, ``ce_subject``, ``content-type``) plus ``vaxtrail_*`` headers for
the rest of the envelope, so any Kafka client with the ``.proto`` files can read a topic and re-verify
the hash chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eventkit.envelope import CONTENT_TYPE, StoredEvent, format_time, parse_time


@dataclass(frozen=True)
class KafkaRecord:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def to_record(event: StoredEvent) -> KafkaRecord:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(event.event_id).encode()),
        ("ce_type", event.event_type.encode()),
        ("ce_source", f"/vaxtrail/{event.producer}".encode()),
        ("ce_time", format_time(event.occurred_at).encode()),
        ("ce_subject", event.aggregate_id.encode()),
        ("content-type", CONTENT_TYPE.encode()),
        ("vaxtrail_producer", event.producer.encode()),
        ("vaxtrail_aggregate_type", event.aggregate_type.encode()),
        ("vaxtrail_aggregate_version", str(event.aggregate_version).encode()),
        ("vaxtrail_recorded_at", format_time(event.recorded_at).encode()),
        ("vaxtrail_position", str(event.position).encode()),
        ("vaxtrail_actor_id", event.actor_id.encode()),
        ("vaxtrail_actor_role", event.actor_role.encode()),
        ("vaxtrail_correlation_id", event.correlation_id.encode()),
        ("vaxtrail_causation_id", event.causation_id.encode()),
        ("vaxtrail_prev_hash", event.prev_hash.hex().encode()),
        ("vaxtrail_hash", event.hash.hex().encode()),
    ]
    if event.idempotency_key is not None:
        headers.append(("vaxtrail_idempotency_key", event.idempotency_key.encode()))
    return KafkaRecord(key=event.aggregate_id.encode(), value=event.payload, headers=headers)


class NotAnEvent(ValueError):
    """A record without the envelope headers (it will be dead-lettered)."""


def from_record(key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]) -> StoredEvent:
    h = {name: raw.decode() for name, raw in headers}
    try:
        if h["ce_specversion"] != "1.0":
            raise NotAnEvent(f"unsupported CloudEvents specversion {h['ce_specversion']!r}")
        return StoredEvent(
            position=int(h["vaxtrail_position"]),
            event_id=uuid.UUID(h["ce_id"]),
            event_type=h["ce_type"],
            aggregate_type=h["vaxtrail_aggregate_type"],
            aggregate_id=h["ce_subject"],
            aggregate_version=int(h["vaxtrail_aggregate_version"]),
            occurred_at=parse_time(h["ce_time"]),
            recorded_at=parse_time(h["vaxtrail_recorded_at"]),
            producer=h["vaxtrail_producer"],
            actor_id=h["vaxtrail_actor_id"],
            actor_role=h["vaxtrail_actor_role"],
            correlation_id=h["vaxtrail_correlation_id"],
            causation_id=h["vaxtrail_causation_id"],
            idempotency_key=h.get("vaxtrail_idempotency_key"),
            payload=value or b"",
            prev_hash=bytes.fromhex(h["vaxtrail_prev_hash"]),
            hash=bytes.fromhex(h["vaxtrail_hash"]),
        )
    except KeyError as exc:
        raise NotAnEvent(f"missing header {exc.args[0]}") from exc
    except ValueError as exc:
        if isinstance(exc, NotAnEvent):
            raise
        raise NotAnEvent(f"malformed envelope header: {exc}") from exc
