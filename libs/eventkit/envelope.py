"""The event envelope (ARCHITECTURE.md §3), event ids and the per-aggregate hash chain.

An :class:`EventDraft` is what a handler hands to the store; the store stamps versions, times and hashes
and returns :class:`StoredEvent` s. The same :class:`StoredEvent` travels to Kafka
(:mod:`eventkit.kafka_record`) and back, so every consumer sees the exact envelope the store committed and
can re-verify its hash.

Hash chain: ``hash = SHA-256(prev_hash || canonical_bytes(envelope) || payload)`` where ``prev_hash`` is the
hash of the aggregate's previous event (32 zero bytes for version 1) and ``canonical_bytes`` joins the
envelope fields below with the unit separator 0x1F, in this order, times as UTC ISO-8601 with microseconds.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS_HASH = bytes(32)
CONTENT_TYPE = "application/protobuf"
_SEPARATOR = b"\x1f"
_NAMESPACE = uuid.UUID("6f1c2a8e-2f4b-4b7e-9a43-5d0c8e7b1a10")


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A time-ordered UUID version 7 (RFC 9562): 48-bit Unix ms timestamp, then random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF
    return uuid.UUID(int=value)


def deterministic_event_id(idempotency_key: str, index: int) -> uuid.UUID:
    """The id of the ``index``-th event of a command carrying ``idempotency_key``.

    Derived, so a retried command can never produce a second event with a new id.
    """
    return uuid.uuid5(_NAMESPACE, f"{idempotency_key}#{index}")


def format_time(value: datetime) -> str:
    """UTC ISO-8601 with microseconds and a ``Z``: the one textual form of times in hashes and headers."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in an envelope")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time` (``fromisoformat`` accepts the ``Z`` suffix since Python 3.11)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandContext:
    """Who and what caused a command: copied into every event the command appends."""

    actor_id: str
    actor_role: str
    correlation_id: str = field(default_factory=lambda: str(uuid7()))
    causation_id: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class EventDraft:
    """An event a handler decided on, before the store stamps it.

    ``event_type`` is the protobuf full name; ``payload`` its serialized bytes.
    """

    event_type: str
    payload: bytes
    occurred_at: datetime


@dataclass(frozen=True)
class StoredEvent:
    """A committed event with its whole envelope."""

    position: int
    event_id: uuid.UUID
    event_type: str
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: datetime
    recorded_at: datetime
    producer: str
    actor_id: str
    actor_role: str
    correlation_id: str
    causation_id: str
    idempotency_key: str | None
    payload: bytes
    prev_hash: bytes
    hash: bytes

    def canonical_bytes(self) -> bytes:
        return canonical_bytes(self)

    def verify_hash(self) -> bool:
        return compute_hash(self.prev_hash, self) == self.hash


def canonical_bytes(e: StoredEvent) -> bytes:
    fields = (
        str(e.event_id),
        e.event_type,
        e.aggregate_type,
        e.aggregate_id,
        str(e.aggregate_version),
        format_time(e.occurred_at),
        format_time(e.recorded_at),
        e.producer,
        e.actor_id,
        e.actor_role,
        e.correlation_id,
        e.causation_id,
        e.idempotency_key or "",
    )
    return _SEPARATOR.join(f.encode() for f in fields)


def compute_hash(prev_hash: bytes, event: StoredEvent) -> bytes:
    digest = hashlib.sha256()
    digest.update(prev_hash)
    digest.update(canonical_bytes(event))
    digest.update(event.payload)
    return digest.digest()
