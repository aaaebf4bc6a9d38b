"""ProtoCodec: the registry of one service's events (dataclass <-> generated message)."""

from __future__ import annotations

import dataclasses
from typing import Any

from google.protobuf.message import DecodeError, Message

from eventkit.codec.errors import CodecError, UnknownEventType
from eventkit.codec.mapping import _Plan, _plan


@dataclasses.dataclass(frozen=True)
class _Registration:
    event_type: str
    event_class: type
    message_class: type[Message]
    plan: _Plan


class ProtoCodec:
    """The registry of one service's events: dataclass <-> generated message, keyed by protobuf full name."""

    def __init__(self) -> None:
        self._by_type: dict[str, _Registration] = {}
        self._by_class: dict[type, _Registration] = {}

    def register(self, event_class: type, message_class: type[Message]) -> str:
        """Map ``event_class`` to ``message_class``; returns the event type. Raises :class:`CodecError`."""
        if not (isinstance(message_class, type) and issubclass(message_class, Message)):
            raise CodecError(f"{message_class!r} is not a generated protobuf message class")
        event_type = message_class.DESCRIPTOR.full_name
        known = self._by_type.get(event_type) or self._by_class.get(event_class)
        if known is not None:
            if known.event_class is event_class and known.message_class is message_class:
                return event_type
            raise CodecError(f"{event_class.__qualname__} -> {event_type} conflicts with "
                             f"{known.event_class.__qualname__} -> {known.event_type}")
        where = getattr(event_class, "__qualname__", repr(event_class))
        plan = _plan(event_class, message_class.DESCRIPTOR, where)
        registration = _Registration(event_type, event_class, message_class, plan)
        self._by_type[event_type] = registration
        self._by_class[event_class] = registration
        return event_type

    def knows(self, event_type: str) -> bool:
        return event_type in self._by_type

    def event_types(self) -> frozenset[str]:
        return frozenset(self._by_type)

    def type_of(self, event_class: type) -> str:
        """The event type registered for a dataclass."""
        registration = self._by_class.get(event_class)
        if registration is None:
            raise UnknownEventType(f"no message registered for {event_class.__qualname__}")
        return registration.event_type

    def message_class(self, event_type: str) -> type[Message]:
        return self._registration(event_type).message_class

    def event_type(self, event: Any) -> str:
        return self._registration_of(event).event_type

    def to_message(self, event: Any) -> Message:
        registration = self._registration_of(event)
        message = registration.message_class()
        registration.plan.write(message, event)
        return message

    def encode(self, event: Any) -> bytes:
        """The payload bytes of ``event`` (deterministic serialization: equal events give equal bytes)."""
        return self.to_message(event).SerializeToString(deterministic=True)

    def from_message(self, message: Message) -> Any:
        return self._registration(message.DESCRIPTOR.full_name).plan.fast_read(message)

    def decode(self, event_type: str, payload: bytes) -> Any:
        """The domain event of type ``event_type`` carried by ``payload``."""
        registration = self._registration(event_type)
        try:
            message = registration.message_class.FromString(payload)
        except DecodeError as exc:
            raise CodecError(f"{event_type}: payload does not parse: {exc}") from exc
        return registration.plan.fast_read(message)

    def _registration(self, event_type: str) -> _Registration:
        try:
            return self._by_type[event_type]
        except KeyError:
            raise UnknownEventType(f"no event registered as {event_type!r}") from None

    def _registration_of(self, event: Any) -> _Registration:
        try:
            return self._by_class[type(event)]
        except KeyError:
            raise UnknownEventType(f"no message registered for {type(event).__qualname__}") from None


