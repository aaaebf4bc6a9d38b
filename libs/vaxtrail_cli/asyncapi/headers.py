"""The Kafka record headers of VaxTrail's topics as AsyncAPI header schemas.

The names and forms are those :func:`eventkit.kafka_record.to_record` writes (the CloudEvents Kafka binding
in binary mode plus ``vaxtrail_*`` for the rest of the envelope) and
:func:`eventkit.projections.deadletter.dead_letter_headers` adds to a dead letter; the unit tests compare
both sets of names with what that code produces. Kafka header values are bytes: every one here is UTF-8
text.
"""

from __future__ import annotations

from typing import Any

from eventkit.envelope import CONTENT_TYPE

HEX_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
POSITIVE = {"type": "string", "pattern": "^[1-9][0-9]*$"}
TIME = {"type": "string", "format": "date-time"}
TEXT = {"type": "string"}

ENVELOPE: dict[str, tuple[dict[str, Any], str]] = {
    "ce_specversion": ({"type": "string", "const": "1.0"}, "CloudEvents spec version."),
    "ce_id": ({"type": "string", "format": "uuid"},
              "Event id (UUIDv7, derived from the idempotency key where there is one): skip an id already seen."),
    "ce_type": (TEXT, "Event type = the protobuf full name of the value's message: decode the value as it; "
                      "skip (and count) a type you do not know."),
    "ce_source": ({"type": "string", "pattern": "^/vaxtrail/[a-z]+$"}, "/vaxtrail/<producing service>."),
    "ce_time": (TIME, "Business time: when it happened (UTC, microseconds)."),
    "ce_subject": (TEXT, "Aggregate id; the same as the record key."),
    "content-type": ({"type": "string", "const": CONTENT_TYPE},
                     "The value is the binary protobuf encoding of the message ce_type names."),
    "vaxtrail_producer": (TEXT, "The producing service (as in ce_source)."),
    "vaxtrail_aggregate_type": (TEXT, "Aggregate kind within the producer, e.g. person, lot, shipment."),
    "vaxtrail_aggregate_version": (POSITIVE, "Decimal, dense per aggregate (1, 2, 3 ...): a gap means a "
                                             "missed record."),
    "vaxtrail_recorded_at": (TIME, "When the producer's event store committed the event (UTC)."),
    "vaxtrail_position": (POSITIVE, "Decimal position in the producer's event store (commit order)."),
    "vaxtrail_actor_id": (TEXT, "Who caused the event (the token's subject), or the process name."),
    "vaxtrail_actor_role": (TEXT, "The actor's role at the time."),
    "vaxtrail_correlation_id": (TEXT, "One id per user action, shared by every event it caused."),
    "vaxtrail_causation_id": (TEXT, "The event or request id that caused this event (may be empty)."),
    "vaxtrail_prev_hash": (HEX_SHA256, "Hash of the aggregate's previous event, lower-case hex (64 zeros "
                                       "for version 1)."),
    "vaxtrail_hash": (HEX_SHA256, "SHA-256 of prev_hash and the length-prefixed envelope and payload "
                                  "(docs/architecture.md): re-verify the per-aggregate chain with it."),
    "vaxtrail_idempotency_key": (TEXT, "The client's retry key; absent when the command carried none."),
}
OPTIONAL_ENVELOPE = {"vaxtrail_idempotency_key"}

DEAD_LETTER: dict[str, tuple[dict[str, Any], str]] = {
    "vaxtrail_dlq_service": (TEXT, "The service whose projection gave up."),
    "vaxtrail_dlq_projection": (TEXT, "The projection (vaxtrail dlq replay applies it there)."),
    "vaxtrail_dlq_reason": ({"type": "string", "enum": ["undecodable", "unknown-event-type", "apply-failed"]},
                            "Why the record was dead-lettered."),
    "vaxtrail_dlq_error": ({"type": "string", "maxLength": 4000}, "The error, on one line."),
    "vaxtrail_dlq_topic": (TEXT, "Topic of the source record."),
    "vaxtrail_dlq_partition": ({"type": "string", "pattern": "^[0-9]+$"}, "Partition of the source record."),
    "vaxtrail_dlq_offset": ({"type": "string", "pattern": "^[0-9]+$"}, "Offset of the source record."),
    "vaxtrail_dlq_source": (TEXT, "topic/partition/offset of the source record."),
    "vaxtrail_dlq_event_id": (TEXT, "ce_id of the source event (empty when the record did not decode)."),
    "vaxtrail_dlq_event_type": (TEXT, "ce_type of the source event (empty when the record did not decode)."),
    "vaxtrail_dlq_own_event": ({"type": "string", "enum": ["true", "false"]},
                               "true when the record is a VaxTrail event: a bug to fix, not foreign data."),
    "vaxtrail_dlq_null_headers": (TEXT, "Source headers that had no value (dropped), comma-separated; "
                                        "absent when there were none."),
}
OPTIONAL_DEAD_LETTER = {"vaxtrail_dlq_null_headers"}


def header_schema(headers: dict[str, tuple[dict[str, Any], str]], optional: set[str], *,
                  description: str, closed: bool) -> dict[str, Any]:
    """An object schema of ``headers``; ``closed`` refuses other names (VaxTrail writes no others)."""
    return {
        "type": "object",
        "description": description,
        "properties": {name: {**schema, "description": text} for name, (schema, text) in headers.items()},
        "required": [name for name in headers if name not in optional],
        "additionalProperties": not closed,
    }


def event_headers() -> dict[str, Any]:
    return header_schema(ENVELOPE, OPTIONAL_ENVELOPE, closed=True, description=(
        "The event's envelope (docs/architecture.md): CloudEvents Kafka binding, binary mode, plus vaxtrail_* "
        "headers, all UTF-8 text."))


def dead_letter_headers() -> dict[str, Any]:
    return header_schema(DEAD_LETTER, OPTIONAL_DEAD_LETTER, closed=False, description=(
        "The source record's own headers (an event's envelope headers, or whatever a foreign record carried) "
        "plus these vaxtrail_dlq_* headers, all UTF-8 text."))
