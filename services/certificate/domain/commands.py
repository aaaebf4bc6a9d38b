"""The commands the certificate service handles: one handler each in ``handlers.py`` (the COMMANDS table).

- :class:`RevokeCertificate`        ``POST /v1/revocations`` (national admin; final, INV-33);
- :class:`SynchroniseCertificates`  the issuer, for each person marked by ``canonical_records``;
- :class:`RecordSigningKey` / :class:`PublishTrustList`  the key publisher, for the keyring the worker runs with;
- :class:`PublishRevocationList`    the list publisher, when the revoked and suspended certificates change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.certificate.domain.record import CanonicalRecord


@dataclass(frozen=True)
class RevokeCertificate:
    """Revoke one certificate of a person by hand (e.g. ``FRAUD``); a revocation is final."""

    person_id: str
    certificate_id: str
    reason: str


@dataclass(frozen=True)
class SynchroniseCertificates:
    """Bring a person's certificates in line with their canonical record as the read model holds it now."""

    record: CanonicalRecord


@dataclass(frozen=True)
class RecordSigningKey:
    """One key of the keyring as the key folder describes it; ``status`` is active, retired or withdrawn."""

    key_id: str
    format: str
    algorithm: str
    certificate_der: bytes
    public_jwk_json: str
    not_before: datetime | None
    not_after: datetime | None
    status: str


@dataclass(frozen=True)
class PublishRevocationList:
    """The revoked and suspended certificates now: DCC UVCI hashes and SMART Health Card rids, by key id."""

    dcc: dict[str, list[str]]
    shc: dict[str, list[str]]


@dataclass(frozen=True)
class PublishTrustList:
    """The trust list of one keyring version (its entries hashed without the issue time)."""

    version: int
    entries_hash: bytes
    entry_count: int
