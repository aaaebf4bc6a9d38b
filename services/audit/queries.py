"""SQL over the audit read models, for the API, the CLI and the benchmark.

- :class:`AuditViews` - trails (the domain assembles them, :func:`by_keys` feeds it), the lot's recall list,
  checkpoints and proofs;
- :func:`step` - one trail step as the API shows it (envelope, payload hash, log position, chain check).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from eventkit.envelope import format_time
from services.audit import tree
from services.audit.domain import links, trail
from services.audit.domain.trail import Entry

_COLUMNS = ("e.service, e.position, e.event_id, e.event_type, e.recorded_at, e.keys, e.occurred_at, e.aggregate_type,"
            " e.aggregate_id, e.aggregate_version, e.actor_id, e.actor_role, e.producer, e.correlation_id,"
            " e.causation_id, e.payload_sha256, e.hash, e.prev_hash, e.chain_ok, e.leaf_index")
TRAILS: dict[str, Callable[[trail.ByKeys, str], list[Entry]]] = {
    "dose": trail.dose_trail, "lot": trail.lot_trail, "person": trail.person_trail,
    "certificate": trail.certificate_trail,
}
CERTIFICATE_STATUS = {"CertificateIssued": "ACTIVE", "CertificateRevoked": "REVOKED",
                      "CertificateSuspended": "SUSPENDED", "CertificateReinstated": "ACTIVE"}


def _entry(row) -> Entry:
    (service, position, event_id, event_type, recorded_at, keys, occurred_at, aggregate_type, aggregate_id, version,
     actor_id, actor_role, producer, correlation_id, causation_id, payload_sha256, digest, prev_hash, chain_ok,
     leaf_index) = row
    return Entry(service, position, str(event_id), event_type, recorded_at, tuple(keys), {
        "occurred_at": occurred_at, "aggregate_type": aggregate_type, "aggregate_id": aggregate_id,
        "aggregate_version": version, "actor_id": actor_id, "actor_role": actor_role, "producer": producer,
        "correlation_id": correlation_id, "causation_id": causation_id, "payload_sha256": bytes(payload_sha256),
        "hash": bytes(digest), "prev_hash": bytes(prev_hash), "chain_ok": chain_ok, "leaf_index": leaf_index})


def by_keys(conn: psycopg.Connection) -> trail.ByKeys:
    def read(keys) -> dict[str, list[Entry]]:
        found: dict[str, list[Entry]] = {}
        for key, *row in conn.execute(f"SELECT l.key, {_COLUMNS} FROM audit_links l JOIN audit_events e"
                                      " USING (event_id) WHERE l.key = ANY(%s)", (list(keys),)).fetchall():
            found.setdefault(key, []).append(_entry(row))
        return found

    return read


def step(e: Entry) -> dict[str, Any]:
    f = e.fields
    return {
        "service": e.service, "event_id": e.event_id, "event_type": e.event_type,
        "business_time": format_time(f["occurred_at"]), "recorded_time": format_time(e.recorded_at),
        "actor": {"id": f["actor_id"], "role": f["actor_role"]}, "aggregate_type": f["aggregate_type"],
        "aggregate_id": f["aggregate_id"], "aggregate_version": f["aggregate_version"],
        "payload_sha256": f["payload_sha256"].hex(), "hash": f["hash"].hex(), "log_position": e.position,
        "leaf_index": f["leaf_index"], "chain_verified": f["chain_ok"],
    }


class AuditViews:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def trail(self, kind: str, subject: str) -> list[Entry]:
        """Raises :class:`~services.audit.domain.trail.UnknownSubject` when no event names ``subject``."""
        with self.pool.connection() as conn:
            return TRAILS[kind](by_keys(conn), subject)

    def recall_list(self, lot_id: str) -> list[dict[str, Any]]:
        """Every dose given from the lot: who, where, when, whether it still stands, and its certificates."""
        with self.pool.connection() as conn:
            doses = [_entry(r) for r in conn.execute(
                f"SELECT {_COLUMNS} FROM audit_links l JOIN audit_events e USING (event_id) WHERE l.key = %s"
                " AND e.event_type = 'vaxtrail.immunization.v1.DoseAdministered'",
                (links.key("lotdose", lot_id),)).fetchall()]
            dose_keys = [links.key("dose", d) for e in doses for d in links.values(e.keys, "dose")]
            related = list({e.ref: e for e in (_entry(r) for r in conn.execute(
                f"SELECT {_COLUMNS} FROM audit_links l JOIN audit_events e USING (event_id)"
                " WHERE l.key = ANY(%s)", (dose_keys,)).fetchall())}.values()) if dose_keys else []
            certificates = {c for e in related if e.name == "CertificateIssued" for c in links.values(e.keys, "certificate")}
            status = self._certificate_status(conn, sorted(certificates))
        by_dose: dict[str, list[Entry]] = {}
        for e in related:
            for d in links.values(e.keys, "dose"):
                by_dose.setdefault(d, []).append(e)
        rows = []
        for dose in trail.causal_order(doses):
            dose_id = links.values(dose.keys, "dose")[0]
            mine = by_dose.get(dose_id, [])
            state = ("ENTERED_IN_ERROR" if any(e.name == "DoseEnteredInError" for e in mine)
                     else "CORRECTED" if any(e.name == "DoseCorrected" for e in mine) else "GIVEN")
            cited = sorted({c for e in mine if e.name == "CertificateIssued" for c in links.values(e.keys, "certificate")})
            rows.append({"dose_id": dose_id, "person_id": (links.values(dose.keys, "person") or [""])[0],
                         "site_id": (links.values(dose.keys, "site") or [""])[0],
                         "session_id": (links.values(dose.keys, "session") or [""])[0],
                         "administered_at": format_time(dose.fields["occurred_at"]), "dose_status": state,
                         "certificates": [{"certificate_id": c, "status": status.get(c, "UNKNOWN")} for c in cited]})
        return rows

    @staticmethod
    def _certificate_status(conn: psycopg.Connection, certificates: list[str]) -> dict[str, str]:
        if not certificates:
            return {}
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM audit_links l JOIN audit_events e USING (event_id) WHERE l.key = ANY(%s)",
            ([links.key("certificate", c) for c in certificates],)).fetchall()
        status: dict[str, str] = {}
        for e in trail.causal_order({_entry(r).ref: _entry(r) for r in rows}.values()):
            for c in links.values(e.keys, "certificate"):
                if e.name == "CertificateReissued":
                    if links.key("replaced", c) in e.keys and status.get(c) == "ACTIVE":
                        status[c] = "SUPERSEDED"
                elif e.name in CERTIFICATE_STATUS:
                    status[c] = CERTIFICATE_STATUS[e.name]
        return status

    # -- checkpoints and proofs ---------------------------------------------------------------------------
    def latest_checkpoints(self, service: str | None = None) -> list[dict[str, Any]]:
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT ON (service) service, size, root, origin, note, signed_at FROM audit_checkpoints"
                " WHERE %(s)s::text IS NULL OR service = %(s)s ORDER BY service, size DESC", {"s": service}).fetchall()
        return [{"log": s, "tree_size": size, "root": base64.b64encode(bytes(root)).decode(), "origin": origin,
                 "note": note, "signed_at": format_time(at)} for s, size, root, origin, note, at in rows]

    def leaf(self, event_id: str) -> tuple[str, int | None, bytes] | None:
        """(service, leaf index or None while unsealed, event hash) of a logged event."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT service, leaf_index, hash FROM audit_events WHERE event_id = %s",
                               (event_id,)).fetchone()
        return (row[0], row[1], bytes(row[2])) if row else None

    def tree_size(self, service: str) -> int:
        with self.pool.connection() as conn:
            return tree.state(conn, service)[0]

    def inclusion(self, service: str, index: int, size: int) -> list[bytes]:
        with self.pool.connection() as conn:
            return tree.inclusion(conn, service, index, size)

    def consistency(self, service: str, first: int, second: int) -> tuple[list[bytes], bytes, bytes]:
        with self.pool.connection() as conn:
            return (tree.consistency(conn, service, first, second), tree.root_at(conn, service, first),
                    tree.root_at(conn, service, second))

    def checkpoint_note(self, service: str, size: int) -> str | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT note FROM audit_checkpoints WHERE service = %s AND size = %s",
                               (service, size)).fetchone()
        return row[0] if row else None

    def latest_size(self, service: str) -> int | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT max(size) FROM audit_checkpoints WHERE service = %s", (service,)).fetchone()
        return row[0]
