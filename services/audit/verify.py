"""``vaxtrail audit verify [SERVICE]``: re-verify each service's store from position 0 against the audit log.

Read-only SQL over the service's ``events`` table (the operator runs it with the stack's ``DATABASE_URL``)
and over the audit service's own tables. Per service log:

1. **the store's own chains**: every event's hash recomputes from its envelope and payload (else *altered*);
   within each aggregate, versions follow each other in position order and each ``prev_hash`` is the
   previous event's hash (else *chain broken*: an event removed, inserted or moved);
2. **the store against the audit log** (what the audit service consumed, sealed into the Merkle tree and
   signed): an event the audit logged at a position must be in the store at that position with the same
   hash (else *altered* or *moved*), a logged event missing from the store is *removed* - also the last
   events of a stream and whole streams, which no chain can show - and a store event the audit never saw
   at or below the sealed frontier is *inserted*;
3. **the tree**: the root recomputed from the store's hashes in leaf order equals the root of the latest
   checkpoint the audit service signed (read from its own event store, ``checkpoint/<service>``), whose
   signature opens with the audit key.

Each problem names the service, position, event id and type. Exit status 1 when there is any.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg

from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash
from services.audit.domain import merkle, notes
from services.audit.domain.events import checkpoint_stream
from vaxtrail.audit.v1.events_pb2 import AuditCheckpointSigned

_STORE_COLUMNS = ("position, event_id, event_type, aggregate_type, aggregate_id, aggregate_version, occurred_at,"
                  " recorded_at, producer, actor_id, actor_role, correlation_id, causation_id, idempotency_key,"
                  " payload, prev_hash, hash")


@dataclass(frozen=True)
class Problem:
    service: str
    position: int
    event_id: str
    event_type: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return (f"{self.service} position {self.position} event {self.event_id} ({self.event_type}): "
                f"{self.kind} - {self.detail}")


@dataclass
class Report:
    service: str
    store_events: int = 0
    logged_events: int = 0
    tree_size: int = 0
    checkpoint_size: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def store_events(conn: psycopg.Connection) -> Iterator[StoredEvent]:
    with conn.cursor(name="audit_verify") as cur:
        cur.itersize = 5000
        cur.execute(f"SELECT {_STORE_COLUMNS} FROM events ORDER BY position")
        for row in cur:
            (position, event_id, event_type, aggregate_type, aggregate_id, version, occurred_at, recorded_at,
             producer, actor_id, actor_role, correlation_id, causation_id, key, payload, prev_hash, digest) = row
            yield StoredEvent(position, event_id, event_type, aggregate_type, aggregate_id, version, occurred_at,
                              recorded_at, producer, actor_id, actor_role, correlation_id, causation_id, key,
                              bytes(payload), bytes(prev_hash), bytes(digest))


def verify_service(service: str, store: psycopg.Connection, audit: psycopg.Connection,
                   verifier: tuple[str, bytes] | None = None) -> Report:
    """``verifier``: (origin, public key) to check the checkpoint signature with (None: skip it)."""
    report = Report(service)
    logged = {str(r[0]): (r[1], bytes(r[2]), r[3], r[4]) for r in audit.execute(
        "SELECT event_id, position, hash, leaf_index, event_type FROM audit_events WHERE service = %s",
        (service,)).fetchall()}
    report.logged_events = len(logged)
    row = audit.execute("SELECT size, last_position FROM audit_trees WHERE service = %s", (service,)).fetchone()
    report.tree_size, frontier = (row[0], row[1]) if row else (0, 0)
    heads: dict[str, tuple[int, bytes]] = {}
    seen: dict[str, bytes] = {}

    def problem(e: StoredEvent, kind: str, detail: str) -> None:
        report.problems.append(Problem(service, e.position, str(e.event_id), e.event_type, kind, detail))

    for e in store_events(store):
        report.store_events += 1
        recomputed = compute_hash(e.prev_hash, e)
        if recomputed != e.hash:
            problem(e, "altered", "its hash does not recompute from its envelope and payload")
        version, last = heads.get(e.aggregate_id, (0, GENESIS_HASH))
        if e.aggregate_version != version + 1 or e.prev_hash != last:
            problem(e, "chain broken", f"{e.aggregate_id} version {e.aggregate_version} follows version {version}"
                    + ("" if e.prev_hash == last else " and does not link to its hash"))
        heads[e.aggregate_id] = (e.aggregate_version, e.hash)
        seen[str(e.event_id)] = recomputed
        entry = logged.get(str(e.event_id))
        if entry is None:
            if e.position <= frontier:
                problem(e, "inserted", "the audit log never saw this event, though it sealed later positions")
            continue
        position, digest, _, _ = entry
        if position != e.position:
            problem(e, "moved", f"the audit log saw it at position {position}")
        if digest != recomputed:
            problem(e, "altered", f"the audit log holds hash {digest.hex()[:16]}…, the store's content gives "
                    f"{recomputed.hex()[:16]}…")
    for event_id, (position, _, _, event_type) in logged.items():
        if event_id not in seen:
            report.problems.append(Problem(service, position, event_id, event_type, "removed",
                                           "the audit log holds it; the store does not"))
    _check_tree(report, audit, seen, verifier)
    report.problems.sort(key=lambda p: (p.position, p.kind))
    return report


def _check_tree(report: Report, audit: psycopg.Connection, seen: dict[str, bytes],
                verifier: tuple[str, bytes] | None) -> None:
    service = report.service
    row = audit.execute("SELECT payload FROM events WHERE aggregate_id = %s ORDER BY aggregate_version DESC LIMIT 1",
                        (checkpoint_stream(service),)).fetchone()
    if row is None:
        return
    note = AuditCheckpointSigned.FromString(bytes(row[0])).note
    try:
        body = (notes.open_note(note, verifier[0], verifier[1]) if verifier is not None
                else note[:note.rfind("\n\n") + 1])
        checkpoint = notes.parse_checkpoint(body)
    except notes.NoteError as exc:
        report.problems.append(Problem(service, 0, "-", "checkpoint", "bad checkpoint", str(exc)))
        return
    size, root = checkpoint.size, checkpoint.root
    report.checkpoint_size = size
    leaves = audit.execute("SELECT event_id, hash FROM audit_events WHERE service = %s AND leaf_index < %s"
                           " ORDER BY leaf_index", (service, size)).fetchall()
    if len(leaves) != size:
        report.problems.append(Problem(service, 0, "-", "checkpoint", "bad tree",
                                       f"the audit log has {len(leaves)} leaves below the checkpoint's {size}"))
        return
    # a removed event keeps the audit's hash here: it is reported as removed, the root check is for the rest
    hashes = [merkle.leaf_hash(seen.get(str(event_id), bytes(digest))) for event_id, digest in leaves]
    tree_size, _, frontier = merkle.append(0, {}, hashes)
    if merkle.frontier_root(tree_size, frontier) != root:
        report.problems.append(Problem(service, 0, "-", "checkpoint", "root mismatch",
                                       f"the store's events give another root than checkpoint {size} "
                                       f"({base64.b64encode(root).decode()})"))
