"""The event envelope (ARCHITECTURE.md §3), event ids and the per-aggregate hash chain.

An :class:`EventDraft` is what a handler hands to the store; the store stamps versions, times and hashes
and returns :class:`StoredEvent` s. The same :class:`StoredEvent` travels to Kafka
(:mod:`eventkit.kafka_record`) and back, so every consumer sees the exact envelope the store committed and
can re-verify its hash.

Hash chain: ``hash = SHA-256(prev_hash || canonical_bytes(event))`` where ``prev_hash`` is the hash of the
aggregate's previous event (32 zero bytes for version 1) and ``canonical_bytes`` is, in this order, the tag
``vaxtrail.event.v2`` and then each envelope field and the payload, every one *length-prefixed* (a 4-byte
big-endian length, then the bytes): no field can borrow bytes from its neighbour, whatever it contains.
Text is UTF-8, times are :func:`format_time` (zero-padded UTC ISO-8601 with microseconds), the version is
decimal, the idempotency key is preceded by one presence byte (0 = none, 1 = present). docs/architecture.md
gives a test vector (``tests/unit/test_envelope.py`` checks it).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS_HASH = bytes(32)
CONTENT_TYPE = "application/protobuf"
HASH_TAG = b"vaxtrail.event.v2"
_NAMESPACE = uuid.UUID("6f1c2a8e-2f4b-4b7e-9a43-5d0c8e7b1a10")


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A time-ordered UUID version 7 (RFC 9562): 48-bit Unix ms timestamp, then random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF
    return uuid.UUID(int=value)


def deterministic_event_id(producer: str, idempotency_key: str, index: int) -> uuid.UUID:
    """The id of the ``index``-th event a command carrying ``idempotency_key`` appended in ``producer``.

    Derived, so a retried command can never produce a second event with a new id; the producing service is
    part of the name, so two services given the same key can never derive the same id.
    """
    return uuid.uuid5(_NAMESPACE, f"{len(producer)}:{producer}|{idempotency_key}#{index}")


def format_time(value: datetime) -> str:
    """UTC ISO-8601 with microseconds and a ``Z``, the year always four digits (``0242-…``, never ``242-…``,
    which :func:`parse_time` could not read back): the one textual form of times in hashes and headers."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in an envelope")
    v = value.astimezone(UTC)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
            f".{v.microsecond:06d}Z")


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time` (``fromisoformat`` accepts the ``Z`` suffix since Python 3.11)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


TRACE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
"""What a correlation or causation id may be: it is hashed and sent as a Kafka header."""


@dataclass(frozen=True)
class CommandContext:
    """Who and what caused a command: copied into every event the command appends.

    ``request_hash`` fingerprints the request that carries ``idempotency_key``: the same key with another
    request is refused (INV-34). Ids are checked here, so no path can put a malformed one into a hash.
    """

    actor_id: str
    actor_role: str
    correlation_id: str = field(default_factory=lambda: str(uuid7()))
    causation_id: str = ""
    idempotency_key: str | None = None
    request_hash: str = ""

    def __post_init__(self) -> None:
        if not TRACE_ID.fullmatch(self.correlation_id):
            raise ValueError(f"malformed correlation id {self.correlation_id!r}")
        if self.causation_id and not TRACE_ID.fullmatch(self.causation_id):
            raise ValueError(f"malformed causation id {self.causation_id!r}")
        for name in ("actor_id", "actor_role"):
            value = getattr(self, name)
            if not value.strip() or not value.isprintable():
                raise ValueError(f"{name} must be printable text, got {value!r}")


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

    @classmethod
    def trusted(cls, **fields) -> StoredEvent:
        """An event from fields already checked (every one given, of the right type), built without the
        frozen dataclass's per-field ``__setattr__``: decoding records is a projection's hot path."""
        event = object.__new__(cls)
        event.__dict__.update(fields)
        return event

    def canonical_bytes(self) -> bytes:
        return canonical_bytes(self)

    def verify_hash(self) -> bool:
        return compute_hash(self.prev_hash, self) == self.hash


def _framed(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def canonical_bytes(e: StoredEvent) -> bytes:
    """The hashed bytes of an event (without ``prev_hash``): see the module docstring."""
    texts = (
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
    )
    key = b"\x00" if e.idempotency_key is None else b"\x01" + _framed(e.idempotency_key.encode())
    return b"".join([_framed(HASH_TAG), *(_framed(t.encode()) for t in texts), key, _framed(e.payload)])


def compute_hash(prev_hash: bytes, event: StoredEvent) -> bytes:
    return hashlib.sha256(prev_hash + canonical_bytes(event)).digest()
