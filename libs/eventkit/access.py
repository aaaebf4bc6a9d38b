"""Audited reads of personal data: one ``PersonalDataAccessed`` event per staff read, the same in every service.

A service that serves personal data (registration, certificate, ...) registers :class:`PersonalDataAccessed`
in its codec (:func:`register`) and, in a view that has *authorized* the caller and *found* the person,
calls :func:`record_access`. Staff declare why they read (:func:`declared_purpose`: the ``X-Purpose``
header or ``?purpose=``, one of :data:`PURPOSES`); citizens reading their own record record nothing.

Each access is its own one-event stream (``access/<uuid7>``): reads never contend with each other or with
commands, and no idempotency key is used - a retried read is another read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import request

from eventkit.aggregates import EventSourcing, draft
from eventkit.envelope import CommandContext, uuid7
from eventkit.errors import VaxTrailError
from eventkit.store.base import AggregateChanges, AppendResult
from eventkit.web.commands import request_context

PURPOSES = ("CARE", "CERTIFICATE_CHECK", "SUPPORT", "INVESTIGATION", "ADMINISTRATION")
AGGREGATE_TYPE = "personal_data_access"


@dataclass(frozen=True)
class PersonalDataAccessed:
    """audit.v1's message; the envelope's ``occurred_at`` is the time of the read (the message has none)."""

    actor_id: str
    actor_role: str
    purpose: str
    subject_person_id: str
    endpoint: str
    # Not a wire field (the message has none): the envelope's occurred_at carries the time of the read.
    accessed_at: datetime = field(init=False, compare=False, default_factory=lambda: datetime.now(UTC))

    @property
    def occurred_at(self) -> datetime:
        return self.accessed_at


class PurposeRequired(VaxTrailError):
    status = 400
    title = "A purpose is required to read personal data"


def register(codec) -> None:
    """Map :class:`PersonalDataAccessed` to the audit message in a service's codec."""
    from vaxtrail.audit.v1 import events_pb2

    codec.register(PersonalDataAccessed, events_pb2.PersonalDataAccessed)


def declared_purpose() -> str:
    """The purpose a staff read declares; 400 ``purpose`` naming ``X-Purpose`` when missing or unknown."""
    value = (request.headers.get("X-Purpose") or request.args.get("purpose") or "").strip().upper()
    if value not in PURPOSES:
        raise PurposeRequired("staff reads of personal data declare a purpose (X-Purpose header or ?purpose=):"
                              f" one of {', '.join(PURPOSES)}", field="X-Purpose", rule="purpose")
    return value


def endpoint() -> str:
    """The route template of the current request (``GET /v1/persons/<person_id>``): no ids, no query."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return f"{request.method} {rule}"


def record_access(es: EventSourcing, person_id: str, purpose: str) -> AppendResult:
    """Append one ``PersonalDataAccessed`` by the caller; call it only after authorizing the caller and
    finding the person (a refused or unknown-person read records nothing)."""
    context = request_context()
    event = PersonalDataAccessed(context.actor_id, context.actor_role, purpose, person_id, endpoint())
    return es.record(context, AGGREGATE_TYPE, f"access/{uuid7()}", event)


def record_accesses(es: EventSourcing, context: CommandContext, person_ids: Iterable[str], purpose: str,
                    endpoint_name: str, chunk: int = 500) -> int:
    """One ``PersonalDataAccessed`` per person for a read of many people's records at once (a bulk export,
    done outside the request: ``context`` is the requester's), ``chunk`` streams per append; returns how many."""
    changes: list[AggregateChanges] = []
    count = 0
    for person_id in person_ids:
        event = PersonalDataAccessed(context.actor_id, context.actor_role, purpose, person_id, endpoint_name)
        changes.append(AggregateChanges(AGGREGATE_TYPE, f"access/{uuid7()}", 0, [draft(es.codec, event)]))
        if len(changes) == chunk:
            es.store.append(changes, context, producer=es.producer)
            count, changes = count + len(changes), []
    if changes:
        es.store.append(changes, context, producer=es.producer)
    return count + len(changes)
