"""Projection ``audit_checkpoints`` of the audit topic: each signed checkpoint, for ``/v1/checkpoints``."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.audit.domain.events import AuditCheckpointSigned


def signed(conn, event, e: AuditCheckpointSigned) -> None:
    conn.execute(
        "INSERT INTO audit_checkpoints (service, size, root, origin, note, signed_at)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (e.log, e.tree_size, e.merkle_root, e.origin, e.note, e.period_end))


def checkpoints(codec) -> Projection:
    return declare("audit_checkpoints", {AuditCheckpointSigned: signed}, codec=codec, tables=("audit_checkpoints",))
