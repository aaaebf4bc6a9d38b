"""Checking one event's link in its aggregate's hash chain as it is consumed (pure).

An event links when its hash recomputes from its envelope and payload (``eventkit.envelope``), its
``prev_hash`` is the hash of the aggregate's previous version (32 zero bytes for version 1), and no other
event holds its version. Events of one aggregate share a Kafka key, hence a partition, and arrive in order,
so the previous version is always known when an event is checked (unless it was removed before publication).
"""

from __future__ import annotations

from dataclasses import dataclass

GENESIS = bytes(32)
HASH_MISMATCH, LINK_BROKEN, VERSION_GAP, DUPLICATE_VERSION = (
    "HASH_MISMATCH", "LINK_BROKEN", "VERSION_GAP", "DUPLICATE_VERSION")


@dataclass(frozen=True)
class Link:
    """What a check found: ``reason`` is None when the link verifies."""

    reason: str | None
    expected: bytes
    found: bytes

    @property
    def ok(self) -> bool:
        return self.reason is None


def check_link(version: int, prev_hash: bytes, recomputed: bytes, found_hash: bytes,
               previous_hash: bytes | None, same_version_taken: bool) -> Link:
    """``recomputed``: the hash the envelope and payload give; ``found_hash``: the one the event carries;
    ``previous_hash``: the hash of version - 1 as logged (None when it was never seen)."""
    expected = GENESIS if version == 1 else previous_hash
    if same_version_taken:
        return Link(DUPLICATE_VERSION, expected or b"", prev_hash)
    if expected is None:
        return Link(VERSION_GAP, b"", prev_hash)
    if prev_hash != expected:
        return Link(LINK_BROKEN, expected, prev_hash)
    if recomputed != found_hash:
        return Link(HASH_MISMATCH, recomputed, found_hash)
    return Link(None, expected, prev_hash)
