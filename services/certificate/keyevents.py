"""Key and trust-list events: the worker records the keyring it runs with (an audit trail of which key
signed from when, and which trust list version was published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
