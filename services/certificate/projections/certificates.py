"""Projection ``certificate_views`` of the service's own topic: each certificate and its status.

The revocation list (EU DCC: SHA-256(UVCI)[:16] by kid) and the SMART Health Card CRLs (rids by kid) are
queries over this view; every status change bumps ``list_versions['revocation']`` in the same transaction,
so the list version moves exactly when the list's content does. Suspended certificates are listed too (a
verifier must not accept them while their lot is under review) and leave the list when reinstated.
"""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.certificate.domain import certificates as domain

REVOCATION = "revocation"


def _bump(conn) -> None:
    conn.execute("INSERT INTO list_versions (list, version) VALUES (%s, 1) ON CONFLICT (list)"
                 " DO UPDATE SET version = list_versions.version + 1", (REVOCATION,))


def issued(conn, event, e: domain.CertificateIssued) -> None:
    conn.execute("UPDATE certificate_view SET current = false WHERE person_id = %s AND format = %s",
                 (e.person_id, e.format))
    conn.execute(
        "INSERT INTO certificate_view (certificate_id, person_id, format, level, key_id, dose_ids, status,"
        " issued_at, expires_at, changed_at) VALUES (%s, %s, %s, %s, %s, %s, 'ACTIVE', %s, %s, %s)"
        " ON CONFLICT (certificate_id) DO NOTHING",
        (e.certificate_id, e.person_id, e.format, e.level, e.key_id, list(e.dose_ids), e.issued_at, e.expires_at,
         e.issued_at))


def _status(conn, certificate_id: str, status: str, reason: str, at, *, listed_change: bool) -> None:
    conn.execute("UPDATE certificate_view SET status = %s, reason = %s, changed_at = %s WHERE certificate_id = %s",
                 (status, reason, at, certificate_id))
    if listed_change:
        _bump(conn)


def revoked(conn, event, e: domain.CertificateRevoked) -> None:
    _status(conn, e.certificate_id, "REVOKED", e.reason, e.revoked_at, listed_change=True)


def suspended(conn, event, e: domain.CertificateSuspended) -> None:
    _status(conn, e.certificate_id, "SUSPENDED", e.reason, e.suspended_at, listed_change=True)


def reinstated(conn, event, e: domain.CertificateReinstated) -> None:
    row = conn.execute("SELECT current FROM certificate_view WHERE certificate_id = %s",
                       (e.certificate_id,)).fetchone()
    status = "ACTIVE" if row and row[0] else "SUPERSEDED"
    _status(conn, e.certificate_id, status, e.reason, e.reinstated_at, listed_change=True)


def reissued(conn, event, e: domain.CertificateReissued) -> None:
    conn.execute(
        "UPDATE certificate_view SET replaced_by = %s, changed_at = %s, current = false,"
        " status = CASE WHEN status = 'ACTIVE' THEN 'SUPERSEDED' ELSE status END WHERE certificate_id = %s",
        (e.new_certificate_id, e.reissued_at, e.old_certificate_id))
    conn.execute(
        "UPDATE certificate_view SET replaced_by = '', changed_at = %s, current = true,"
        " status = CASE WHEN status = 'SUPERSEDED' THEN 'ACTIVE' ELSE status END WHERE certificate_id = %s",
        (e.reissued_at, e.new_certificate_id))


def certificate_views(codec) -> Projection:
    """Declared by event class; every other type of the certificate topic (key events, audit) is ignored."""
    return declare("certificate_views", {
        domain.CertificateIssued: issued,
        domain.CertificateRevoked: revoked,
        domain.CertificateSuspended: suspended,
        domain.CertificateReinstated: reinstated,
        domain.CertificateReissued: reissued,
    }, codec=codec, tables=("certificate_view", "list_versions"))
