"""Domain events (frozen dataclasses) <-> protobuf messages, mapped by field name: no hand-written converters.

A service registers each event dataclass with its generated message once, then ``encode`` / ``decode``.
The event type is the message's protobuf full name (``vaxtrail.inventory.v1.DoseReceived``). ``register``
checks the whole mapping up front: a dataclass field the message lacks, or a type that does not fit, fails
at start-up naming the field. Message fields the dataclass lacks are allowed (default on encode, ignored on
decode): that is how messages grow without breaking older services.

Conversions by annotation (resolved with ``typing.get_type_hints``): tz-aware ``datetime`` <-> Timestamp
(decodes as UTC); ``date`` <-> ``"YYYY-MM-DD"``; ``Decimal`` <-> plain decimal string; ``uuid.UUID`` and
string-valued ``Enum`` <-> string; ``int str bool float bytes`` directly; a dataclass <-> a message field
(recursively); ``tuple[X, ...]`` <-> repeated X; ``X | None``: None encodes nothing and decodes from unset
(message, proto3 ``optional``, empty repeated) or, for plain scalars, from the default ("" / 0). A
non-Optional field absent on the wire (an unset message, or "" where a date, Decimal, UUID or enum belongs)
takes the dataclass default if there is one and is otherwise a :class:`CodecError`.

:func:`decode_message` gives consumers that need no dataclass (audit, exports) the raw message of any
VaxTrail event, found by full name among the generated ``vaxtrail.*`` modules. See docs/schemas.md.
"""

from eventkit.codec.errors import CodecError, UnknownEventType
from eventkit.codec.messages import (
    CROSS_CUTTING_EVENTS,
    GENERATED_PACKAGE,
    decode_message,
    find_event_message_class,
    topic_event_types,
)
from eventkit.codec.registry import ProtoCodec

__all__ = [
    "CROSS_CUTTING_EVENTS", "GENERATED_PACKAGE", "topic_event_types", "CodecError", "ProtoCodec", "UnknownEventType", "decode_message",
    "find_event_message_class",
]
