"""The protobuf side of the AsyncAPI document: the ``schemas/`` tree compiled with its comments, and each
message as a JSON Schema of its protobuf JSON mapping.

``protoc`` (grpc_tools, the same pinned compiler as ``make proto``) compiles every ``.proto`` into a
``FileDescriptorSet`` *with source info*, so the comments - part of the contract (docs/schemas.md) - become
the schemas' descriptions. A message's schema describes the JSON a protobuf runtime prints for it with the
``.proto`` field names (``MessageToDict(preserving_proto_field_name=True)``, Go's ``protojson`` with
``UseProtoNames``): 64-bit integers are decimal strings, ``bytes`` base64, a ``Timestamp`` an RFC 3339 string,
fields at their default are omitted (so nothing is ``required``). Every property also names its protobuf
field number and type (``x-protobuf-field``, ``x-protobuf-type``): the wire form is the binary encoding.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from google.protobuf.descriptor_pb2 import DescriptorProto, FieldDescriptorProto, FileDescriptorSet

F = FieldDescriptorProto
_INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_UINT32 = {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}
_INT64 = {"type": "string", "pattern": "^-?[0-9]+$"}
_UINT64 = {"type": "string", "pattern": "^[0-9]+$"}
_FLOAT = {"oneOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]}
SCALARS: dict[int, tuple[str, dict[str, Any]]] = {
    F.TYPE_STRING: ("string", {"type": "string"}),
    F.TYPE_BOOL: ("bool", {"type": "boolean"}),
    F.TYPE_BYTES: ("bytes", {"type": "string", "contentEncoding": "base64"}),
    F.TYPE_INT32: ("int32", _INT32), F.TYPE_SINT32: ("sint32", _INT32), F.TYPE_SFIXED32: ("sfixed32", _INT32),
    F.TYPE_UINT32: ("uint32", _UINT32), F.TYPE_FIXED32: ("fixed32", _UINT32),
    F.TYPE_INT64: ("int64", _INT64), F.TYPE_SINT64: ("sint64", _INT64), F.TYPE_SFIXED64: ("sfixed64", _INT64),
    F.TYPE_UINT64: ("uint64", _UINT64), F.TYPE_FIXED64: ("fixed64", _UINT64),
    F.TYPE_DOUBLE: ("double", _FLOAT), F.TYPE_FLOAT: ("float", _FLOAT),
}
WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time",
                                  "description": "RFC 3339 in UTC, e.g. 2021-04-17T01:30:00Z."},
}
"""The well-known types the schemas use, in their JSON mapping (anything else fails loudly)."""
SCHEMA_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Message:
    """One message of the compiled tree: its descriptor, comment and file."""

    full_name: str
    proto: DescriptorProto
    comment: str
    field_comments: tuple[str, ...]
    file: str


def compile_schemas(schemas: Path) -> dict[str, Message]:
    """Every message of every ``schemas/vaxtrail/**/*.proto``, by full name (nested messages too)."""
    files = sorted(p.relative_to(schemas).as_posix() for p in (schemas / "vaxtrail").rglob("*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "schemas.binpb"
        command = [sys.executable, "-m", "grpc_tools.protoc", f"--proto_path={schemas}",
                   f"--proto_path={resources.files('grpc_tools') / '_proto'}", "--include_source_info",
                   f"--descriptor_set_out={out}", *files]
        result = subprocess.run(command, cwd=schemas, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"protoc failed ({result.returncode}):\n{result.stderr}")
        descriptor_set = FileDescriptorSet.FromString(out.read_bytes())
    messages: dict[str, Message] = {}
    for file in descriptor_set.file:
        comments = {tuple(loc.path): _comment(loc) for loc in file.source_code_info.location}
        _collect(messages, file.name, comments, f"{file.package}.", file.message_type, (4,))
    return messages


def _collect(found: dict[str, Message], file: str, comments: dict[tuple[int, ...], str], prefix: str,
             types, path: tuple[int, ...]) -> None:
    for index, proto in enumerate(types):
        here = (*path, index)
        fields = tuple(comments.get((*here, 2, i), "") for i in range(len(proto.field)))
        found[prefix + proto.name] = Message(prefix + proto.name, proto, comments.get(here, ""), fields, file)
        _collect(found, file, comments, f"{prefix}{proto.name}.", proto.nested_type, (*here, 3))


def _comment(location) -> str:
    text = location.leading_comments or location.trailing_comments
    return " ".join(line.strip() for line in text.strip().splitlines())


def message_schema(message: Message) -> dict[str, Any]:
    """The JSON Schema of ``message``'s JSON mapping; other messages are ``$ref`` s to their own schemas."""
    properties = {}
    for proto, comment in zip(message.proto.field, message.field_comments, strict=True):
        properties[proto.name] = {**field_schema(proto), "x-protobuf-field": proto.number,
                                  **({"description": comment} if comment else {})}
    schema: dict[str, Any] = {"type": "object", "title": message.proto.name, "properties": properties,
                              "x-protobuf-message": message.full_name, "x-protobuf-file": message.file}
    if message.comment:
        schema["description"] = message.comment
    return schema


def field_schema(proto: FieldDescriptorProto) -> dict[str, Any]:
    if proto.type in SCALARS:
        type_name, single = SCALARS[proto.type]
    elif proto.type == F.TYPE_MESSAGE:
        type_name = proto.type_name.lstrip(".")
        if type_name.startswith("google.protobuf."):
            if type_name not in WELL_KNOWN:
                raise ValueError(f"field {proto.name}: no JSON mapping written for {type_name}")
            single = WELL_KNOWN[type_name]
        else:
            single = {"$ref": SCHEMA_PREFIX + type_name}
    else:  # enums, groups, maps: the conventions rule them out (codes are strings), so a new one must be taught
        raise ValueError(f"field {proto.name}: protobuf type {proto.type} has no JSON Schema mapping here")
    if proto.label == F.LABEL_REPEATED:
        return {"type": "array", "items": single, "x-protobuf-type": f"repeated {type_name}"}
    if "$ref" in single:  # siblings of a $ref are ignored by draft-07 validators: wrap it
        single = {"allOf": [single]}
    optional = "optional " if proto.proto3_optional else ""
    return {**single, "x-protobuf-type": optional + type_name}


def referenced(schema: Any) -> set[str]:
    """Full names of the messages ``schema`` refers to (directly)."""
    if isinstance(schema, dict):
        found = {schema["$ref"].removeprefix(SCHEMA_PREFIX)} if "$ref" in schema else set()
        return found.union(*(referenced(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(referenced(v) for v in schema))
    return set()


def schemas_for(messages: dict[str, Message], roots: set[str]) -> dict[str, dict[str, Any]]:
    """The schemas of ``roots`` and of every message they refer to, transitively, by full name."""
    out: dict[str, dict[str, Any]] = {}
    pending = sorted(roots)
    while pending:
        name = pending.pop()
        if name not in out:
            out[name] = message_schema(messages[name])
            pending.extend(sorted(referenced(out[name]) - out.keys()))
    return out
