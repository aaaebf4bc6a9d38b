"""Raw protobuf messages of any VaxTrail event, found by full name among the generated modules."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message

from eventkit.codec.errors import CodecError, UnknownEventType

GENERATED_PACKAGE = "vaxtrail"


def _import_generated_events() -> None:
    """Import every generated ``vaxtrail.<service>.<version>.events_pb2`` into the default descriptor pool."""
    root = importlib.import_module(GENERATED_PACKAGE)
    for service in pkgutil.iter_modules(root.__path__, f"{GENERATED_PACKAGE}."):
        if not service.ispkg:
            continue
        versions = importlib.import_module(service.name).__path__
        for version in pkgutil.iter_modules(versions, f"{service.name}."):
            module = f"{version.name}.events_pb2"
            if version.ispkg and importlib.util.find_spec(module) is not None:
                importlib.import_module(module)


def find_event_message_class(event_type: str) -> type[Message]:
    """The generated message class of a VaxTrail event type (a top-level message of an ``events.proto``)."""
    _import_generated_events()
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(event_type)
    except KeyError:
        raise UnknownEventType(f"no VaxTrail event type {event_type!r}") from None
    if (descriptor.containing_type is not None or not descriptor.file.name.endswith("/events.proto")
            or not descriptor.file.package.startswith(f"{GENERATED_PACKAGE}.")):
        raise UnknownEventType(f"{event_type!r} is a protobuf message but not a VaxTrail event type")
    return message_factory.GetMessageClass(descriptor)


def decode_message(event_type: str, payload: bytes) -> Message:
    """The raw protobuf message of any VaxTrail event, for consumers that need no domain dataclass."""
    message_class = find_event_message_class(event_type)
    try:
        return message_class.FromString(payload)
    except DecodeError as exc:
        raise CodecError(f"{event_type}: payload does not parse: {exc}") from exc


CROSS_CUTTING_EVENTS = frozenset({"vaxtrail.audit.v1.PersonalDataAccessed"})
"""Events any service may append to its own topic (every service that serves personal data records reads)."""


def topic_event_types(service: str, version: str = "v1") -> frozenset[str]:
    """Every event type topic ``vaxtrail.<service>.<version>`` can carry: the messages of that service's
    ``events.proto`` plus :data:`CROSS_CUTTING_EVENTS`. Projections list what they do not handle from this,
    so a type outside the schema (a newer version) is still dead-lettered rather than silently skipped."""
    module = importlib.import_module(f"{GENERATED_PACKAGE}.{service}.{version}.events_pb2")
    return frozenset(m.full_name for m in module.DESCRIPTOR.message_types_by_name.values()) | CROSS_CUTTING_EVENTS
