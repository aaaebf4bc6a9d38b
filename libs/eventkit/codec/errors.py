"""The codec's errors."""

from __future__ import annotations

from eventkit.errors import DomainError


class CodecError(ValueError):
    """A dataclass does not fit its message (raised by ``register``) or a value does not convert."""


class UnknownEventType(KeyError):
    """The event type name (or event class) is not known. A ``KeyError``: it is a failed lookup."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown event type"



class UnstorableEvent(DomainError, CodecError):
    """A value no event may carry (NUL or an unpaired surrogate in text, a time or an integer outside what
    protobuf holds): a 422 naming the event field, raised when the event is encoded - the last line behind
    the API models, so nothing the store accepts can fail a projection."""
