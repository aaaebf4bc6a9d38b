"""Projection ``audit_log``: every event of the five service topics into the audit log tables.

Per event, in the batch's transaction: the envelope and the SHA-256 of the payload (``audit_events``; the
payload itself is dropped, so no name or ID number is ever stored), its link keys (``audit_links``,
:mod:`services.audit.domain.links`, read from the decoded message's id fields only) and the check of its
chain link (:mod:`services.audit.domain.chain`) against the previous version of its aggregate in the same
log; a failed check is also a row of ``audit_findings`` (the reporter turns it into ``AuditChainBroken``).

Order: events of one aggregate share a partition and arrive in order, so the previous version is known when
an event is checked; events of different aggregates may arrive in any order, and nothing here depends on
it (the Merkle tree is built later, in position order, by the sealer).
"""

from __future__ import annotations

import hashlib
import importlib

from google.protobuf.message import Message

from eventkit.codec import CROSS_CUTTING_EVENTS, topic_event_types
from eventkit.envelope import StoredEvent, compute_hash
from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.audit.domain import chain, links

LOGGED_SERVICES = ("registration", "inventory", "allocation", "immunization", "certificate")
TABLES = ("audit_events", "audit_links", "audit_findings", "audit_trees", "audit_tree_nodes", "audit_seal_marks")
PROJECTION = "audit_log"


def service_of(event: StoredEvent) -> str:
    """The log an event belongs to: the service of its type, or - for a type any service may append to its own
    topic (``PersonalDataAccessed``) - the service that produced it (the envelope's ``<service>/<version>``)."""
    if event.event_type in CROSS_CUTTING_EVENTS:
        return event.producer.partition("/")[0]
    return event.event_type.split(".")[1]


def field_values(message: Message, path: str) -> list[str]:
    """Non-empty string values at ``path`` (``lines.lot_id`` walks a repeated message field)."""
    head, _, rest = path.partition(".")
    descriptor = message.DESCRIPTOR.fields_by_name.get(head)
    if descriptor is None:
        return []
    value = getattr(message, head)
    items = list(value) if descriptor.is_repeated else [value]
    if rest:
        return [v for item in items if isinstance(item, Message) for v in field_values(item, rest)]
    return [item for item in items if isinstance(item, str) and item]


def link_keys(event_type: str, message: Message) -> list[str]:
    return links.links_of(event_type, lambda path: field_values(message, path),
                          lambda name: name in message.DESCRIPTOR.fields_by_name)


def _check(conn, service: str, event: StoredEvent):
    rows = conn.execute(
        "SELECT aggregate_version, hash FROM audit_events WHERE service = %s AND aggregate_id = %s"
        " AND aggregate_version IN (%s, %s)",
        (service, event.aggregate_id, event.aggregate_version - 1, event.aggregate_version)).fetchall()
    previous = next((h for v, h in rows if v == event.aggregate_version - 1), None)
    taken = any(v == event.aggregate_version for v, _ in rows)
    return chain.check_link(event.aggregate_version, event.prev_hash, compute_hash(event.prev_hash, event),
                            event.hash, bytes(previous) if previous is not None else None, taken)


def log_event(conn, event: StoredEvent, message: Message) -> None:
    """The handler of every event type of the five topics."""
    service = service_of(event)
    link = _check(conn, service, event)
    keys = link_keys(event.event_type, message)
    conn.execute(
        "INSERT INTO audit_events (event_id, service, position, event_type, aggregate_type, aggregate_id,"
        " aggregate_version, occurred_at, recorded_at, producer, actor_id, actor_role, correlation_id,"
        " causation_id, payload_sha256, prev_hash, hash, chain_ok, keys)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO NOTHING",
        (event.event_id, service, event.position, event.event_type, event.aggregate_type, event.aggregate_id,
         event.aggregate_version, event.occurred_at, event.recorded_at, event.producer, event.actor_id,
         event.actor_role, event.correlation_id, event.causation_id, hashlib.sha256(event.payload).digest(),
         event.prev_hash, event.hash, link.ok, keys))
    if keys:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO audit_links (key, event_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                            [(k, event.event_id) for k in keys])
    if not link.ok:
        conn.execute(
            "INSERT INTO audit_findings (service, event_id, position, event_type, aggregate_id,"
            " aggregate_version, reason, expected_hash, found_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (service, event.event_id, event.position, event.event_type, event.aggregate_id,
             event.aggregate_version, link.reason, link.expected, link.found))


def message_classes(service: str) -> list[type[Message]]:
    """The generated message class of every event type ``service``'s topic carries."""
    classes = []
    for event_type in sorted(topic_event_types(service)):
        _, owner, version, name = event_type.split(".")
        classes.append(getattr(importlib.import_module(f"vaxtrail.{owner}.{version}.events_pb2"), name))
    return classes


def audit_log() -> Projection:
    """Every event type of the five topics (their ``events.proto`` and the cross-cutting events), one handler.

    One projection, so that ``vaxtrail rebuild audit audit_log`` empties and replays every log together
    (the tables are shared, keyed by service)."""
    classes = {cls for service in LOGGED_SERVICES for cls in message_classes(service)}
    return declare(PROJECTION, dict.fromkeys(sorted(classes, key=lambda c: c.DESCRIPTOR.full_name), log_event),
                   tables=TABLES, topics=[f"vaxtrail.{s}.v1" for s in LOGGED_SERVICES])
