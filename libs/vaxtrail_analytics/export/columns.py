"""Event -> one flat row: the envelope's columns, then the payload's fields, typed from the protobuf schema.

The Arrow schema of an event type is derived from its message descriptor, so every file of a type has the same
columns whatever values it holds:

- scalars keep their type (``string``, ``int32``, ``int64``, ``bool``, ``binary``); a proto3 ``optional``
  field that is unset is null;
- ``google.protobuf.Timestamp`` -> ``timestamp[us, UTC]`` (null when unset);
- a singular message is flattened: ``vitals.temperature_celsius`` -> column ``vitals_temperature_celsius``;
- a repeated scalar -> a list column; a repeated message -> a list of structs;
- a payload field named like an envelope column gets the prefix ``payload_`` (``PersonalDataAccessed.actor_id``
  -> ``payload_actor_id``).

Person data follows the export's :mod:`~vaxtrail_analytics.export.privacy` policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import pyarrow as pa
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from eventkit.envelope import StoredEvent
from vaxtrail_analytics.export.privacy import (
    ACTOR_FIELDS,
    BIRTH_DATE,
    DIRECT_IDENTIFIERS,
    PERSON_AGGREGATES,
    PERSON_FIELDS,
    Policy,
    is_identifier,
)

TIMESTAMP = "google.protobuf.Timestamp"
_SCALARS = {
    FieldDescriptor.TYPE_STRING: pa.string(), FieldDescriptor.TYPE_BYTES: pa.binary(),
    FieldDescriptor.TYPE_BOOL: pa.bool_(), FieldDescriptor.TYPE_INT32: pa.int32(),
    FieldDescriptor.TYPE_SINT32: pa.int32(), FieldDescriptor.TYPE_SFIXED32: pa.int32(),
    FieldDescriptor.TYPE_INT64: pa.int64(), FieldDescriptor.TYPE_SINT64: pa.int64(),
    FieldDescriptor.TYPE_SFIXED64: pa.int64(), FieldDescriptor.TYPE_UINT32: pa.uint32(),
    FieldDescriptor.TYPE_FIXED32: pa.uint32(), FieldDescriptor.TYPE_UINT64: pa.uint64(),
    FieldDescriptor.TYPE_FIXED64: pa.uint64(), FieldDescriptor.TYPE_FLOAT: pa.float32(),
    FieldDescriptor.TYPE_DOUBLE: pa.float64(), FieldDescriptor.TYPE_ENUM: pa.int32(),
}
UTC_MICROS = pa.timestamp("us", tz="UTC")

ENVELOPE: tuple[tuple[str, pa.DataType], ...] = (
    ("kafka_topic", pa.string()), ("kafka_partition", pa.int32()), ("kafka_offset", pa.int64()),
    ("event_id", pa.string()), ("event_type", pa.string()), ("aggregate_type", pa.string()),
    ("aggregate_id", pa.string()), ("aggregate_version", pa.int64()), ("occurred_at", UTC_MICROS),
    ("recorded_at", UTC_MICROS), ("producer", pa.string()), ("actor_id", pa.string()),
    ("actor_role", pa.string()), ("correlation_id", pa.string()), ("causation_id", pa.string()),
    ("position", pa.int64()),
)
ENVELOPE_NAMES = frozenset(name for name, _ in ENVELOPE)
_BARE = frozenset(n for n in DIRECT_IDENTIFIERS if "." not in n)
_DOTTED = DIRECT_IDENTIFIERS - _BARE


def envelope_row(record, event: StoredEvent, policy: Policy) -> dict[str, Any]:
    aggregate_id = event.aggregate_id
    if event.aggregate_type in PERSON_AGGREGATES:
        aggregate_id = policy.person(aggregate_id)
    return {
        "kafka_topic": record.topic, "kafka_partition": record.partition, "kafka_offset": record.offset,
        "event_id": str(event.event_id), "event_type": event.event_type, "aggregate_type": event.aggregate_type,
        "aggregate_id": aggregate_id, "aggregate_version": event.aggregate_version,
        "occurred_at": event.occurred_at, "recorded_at": event.recorded_at, "producer": event.producer,
        "actor_id": policy.person(event.actor_id), "actor_role": event.actor_role,
        "correlation_id": event.correlation_id, "causation_id": event.causation_id, "position": event.position,
    }


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    get: Callable[[Any], Any]


def payload_columns(descriptor: Descriptor, policy: Policy) -> list[Column]:
    """The payload's columns for one event type under ``policy``."""
    columns = _flatten(descriptor, policy, prefix="", path=())
    return [Column(f"payload_{c.name}" if c.name in ENVELOPE_NAMES else c.name, c.type, c.get) for c in columns]


def schema_of(columns: list[Column]) -> pa.Schema:
    return pa.schema([*ENVELOPE, *((c.name, c.type) for c in columns)])


def _flatten(descriptor: Descriptor, policy: Policy, prefix: str, path: tuple) -> list[Column]:
    columns: list[Column] = []
    for field in descriptor.fields:
        name = prefix + field.name
        getter = _chain(path, field.name)
        if policy.pseudonymous and (field.name in _BARE or ".".join((*path, field.name)) in _DOTTED):
            continue
        if field.name == BIRTH_DATE and policy.pseudonymous:
            columns.append(Column(prefix + "birth_year", pa.int32(), _year(getter)))
            continue
        if _is_repeated(field):
            columns.append(Column(name, pa.list_(_item_type(field, policy)), _items(getter, field, policy)))
        elif field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.full_name == TIMESTAMP:
            columns.append(Column(name, UTC_MICROS, _timestamp(path, field.name)))
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            columns += _flatten(field.message_type, policy, name + "_", (*path, field.name))
        else:
            columns.append(Column(name, _SCALARS[field.type], _scalar(path, field, policy)))
    return columns


def _is_repeated(field: FieldDescriptor) -> bool:
    return field.is_repeated


def _chain(path: tuple, name: str) -> Callable[[Any], Any]:
    def get(message):
        for part in path:
            message = getattr(message, part)
        return getattr(message, name)
    return get


def _parent(message, path: tuple):
    for part in path:
        message = getattr(message, part)
    return message


def _scalar(path: tuple, field: FieldDescriptor, policy: Policy) -> Callable[[Any], Any]:
    name, optional = field.name, field.has_presence and field.containing_oneof is not None
    person = name in PERSON_FIELDS or name in ACTOR_FIELDS

    def get(message):
        parent = _parent(message, path)
        if optional and not parent.HasField(name):
            return None
        value = getattr(parent, name)
        if person and name == "registered_by" and getattr(parent, "registered_by_kind", "") == "ORGANISATION":
            return value  # an organisation id, not a person's
        return policy.person(value) if person else value
    return get


def _timestamp(path: tuple, name: str) -> Callable[[Any], Any]:
    def get(message):
        parent = _parent(message, path)
        return parent.__getattribute__(name).ToDatetime(tzinfo=UTC) if parent.HasField(name) else None
    return get


def _year(getter: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get(message):
        text = getter(message)
        return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None
    return get


def _item_type(field: FieldDescriptor, policy: Policy) -> pa.DataType:
    if field.type != FieldDescriptor.TYPE_MESSAGE:
        return _SCALARS[field.type]
    if field.message_type.full_name == TIMESTAMP:
        return UTC_MICROS
    return pa.struct([(c.name, c.type) for c in _flatten(field.message_type, policy, "", ())])


def _items(getter: Callable[[Any], Any], field: FieldDescriptor, policy: Policy) -> Callable[[Any], Any]:
    if field.type != FieldDescriptor.TYPE_MESSAGE:
        person = field.name in PERSON_FIELDS or field.name in ACTOR_FIELDS
        return lambda message: [policy.person(v) if person else v for v in getter(message)]
    if field.message_type.full_name == TIMESTAMP:
        return lambda message: [t.ToDatetime(tzinfo=UTC) for t in getter(message)]
    item_columns = _flatten(field.message_type, policy, "", ())
    changes = field.message_type.full_name == "vaxtrail.common.v1.FieldChange"

    def get(message):
        out = []
        for item in getter(message):
            row = {c.name: c.get(item) for c in item_columns}
            if changes and policy.pseudonymous:
                row = _redacted_change(row)
            out.append(row)
        return out
    return get


def _redacted_change(row: dict) -> dict:
    """A corrected identifier leaves no value behind; a corrected date of birth keeps only its year."""
    if is_identifier(row.get("field") or ""):
        return {**row, "old_value": None, "new_value": None}
    if row.get("field") == BIRTH_DATE:
        return {**row, "old_value": (row.get("old_value") or "")[:4] or None,
                "new_value": (row.get("new_value") or "")[:4] or None}
    return row
