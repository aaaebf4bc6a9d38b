"""Events of the person's certificates aggregate (``schemas/vaxtrail/certificate/v1/events.proto``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CertificateIssued:
    certificate_id: str
    person_id: str
    level: str
    dose_ids: tuple[str, ...]
    format: str
    key_id: str
    issued_at: datetime
    expires_at: datetime
    payload_hash: bytes
    dose_revisions: tuple[str, ...] = ()
    person_revision: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True)
class CertificateRevoked:
    certificate_id: str
    reason: str
    person_id: str
    revoked_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.revoked_at


@dataclass(frozen=True)
class CertificateSuspended:
    certificate_id: str
    reason: str
    person_id: str
    suspended_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.suspended_at


@dataclass(frozen=True)
class CertificateReinstated:
    certificate_id: str
    reason: str
    person_id: str
    reinstated_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.reinstated_at


@dataclass(frozen=True)
class CertificateReissued:
    old_certificate_id: str
    new_certificate_id: str
    reason: str
    person_id: str
    reissued_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.reissued_at
