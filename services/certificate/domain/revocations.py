"""The revocation list as events (pure): one ``RevocationListPublished`` per version, on stream
``revocation-list``.

The worker's list publisher (``workers/listpublisher.py``) reads the revoked and suspended certificates and
hands ``PublishRevocationList`` to the bus; :func:`next_version` decides whether that content is a new
version (it differs from the last published one) and which. The handler signs the list of that version,
keeps it and appends the event; the web serves the latest kept version. So every version a verifier can
download has exactly one event, and deciding again on the same content appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

REVOCATION_LIST_ID = "revocation-list"


@dataclass(frozen=True)
class RevocationListPublished:
    version: int
    entries_hash: bytes
    entry_count: int
    published_at: datetime
    signed_sha256: bytes

    @property
    def occurred_at(self) -> datetime:
        return self.published_at


@dataclass(frozen=True)
class RevocationList:
    version: int = 0
    entries_hash: bytes = b""


def evolve(state: RevocationList, event: object) -> RevocationList:
    if isinstance(event, RevocationListPublished):
        return RevocationList(event.version, event.entries_hash)
    raise TypeError(f"RevocationList cannot apply {type(event).__name__}")


def next_version(state: RevocationList, entries_hash: bytes) -> int | None:
    """The version content with ``entries_hash`` is published as; None when it is the latest one already.
    The first version is published even when nothing is revoked (verifiers need a signed empty list)."""
    if state.version and entries_hash == state.entries_hash:
        return None
    return state.version + 1
