"""The keys the service signs with and the trust list it publishes, as events (pure).

The key publisher (``workers/keypublisher.py``) records the keyring the worker runs with - an audit trail of
which key signed from when, and which trust list version was published:

- one stream per key (``signing-key:<kid>``): ``SigningKeyActivated`` once, ``SigningKeyRetired`` once the
  key is retired (rotation) or withdrawn - :func:`record_key` decides what is missing;
- one stream for the trust list (``trust-list``): one ``TrustListPublished`` per keyring version -
  :func:`publish_trust_list` decides whether the version is new.

Both decisions are idempotent: deciding again on the recorded state appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.certificate.domain.commands import PublishTrustList, RecordSigningKey

ACTIVE, RETIRED, WITHDRAWN = "active", "retired", "withdrawn"
TRUST_LIST_ID = "trust-list"


def key_aggregate_id(key_id: str) -> str:
    return f"signing-key:{key_id}"


# -- events -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SigningKeyActivated:
    key_id: str
    format: str
    algorithm: str
    certificate_der: bytes
    public_jwk_json: str
    not_before: datetime | None
    not_after: datetime | None
    activated_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.activated_at


@dataclass(frozen=True)
class SigningKeyRetired:
    key_id: str
    reason: str
    retired_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.retired_at


@dataclass(frozen=True)
class TrustListPublished:
    version: int
    entries_hash: bytes
    entry_count: int
    published_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.published_at


# -- state and decisions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SigningKey:
    activated: bool = False
    retired: bool = False


def evolve_key(state: SigningKey, event: object) -> SigningKey:
    if isinstance(event, SigningKeyActivated):
        return replace(state, activated=True)
    if isinstance(event, SigningKeyRetired):
        return replace(state, retired=True)
    raise TypeError(f"SigningKey cannot apply {type(event).__name__}")


def record_key(state: SigningKey, key: RecordSigningKey, now: datetime) -> list[object]:
    """What the key's stream lacks: its activation, and its retirement once it is no longer active."""
    events: list[object] = []
    if not state.activated:
        events.append(SigningKeyActivated(key.key_id, key.format, key.algorithm, key.certificate_der,
                                          key.public_jwk_json, key.not_before, key.not_after, now))
    if key.status != ACTIVE and not state.retired:
        events.append(SigningKeyRetired(key.key_id, "WITHDRAWN" if key.status == WITHDRAWN else "ROTATED", now))
    return events


@dataclass(frozen=True)
class TrustList:
    published: frozenset[int] = frozenset()


def evolve_trust_list(state: TrustList, event: object) -> TrustList:
    if isinstance(event, TrustListPublished):
        return TrustList(state.published | {event.version})
    raise TypeError(f"TrustList cannot apply {type(event).__name__}")


def publish_trust_list(state: TrustList, command: PublishTrustList, now: datetime) -> list[object]:
    """One ``TrustListPublished`` per keyring version, never two."""
    if command.version in state.published:
        return []
    return [TrustListPublished(command.version, command.entries_hash, command.entry_count, now)]
