"""The codec's errors."""

from __future__ import annotations


class CodecError(ValueError):
    """A dataclass does not fit its message (raised by ``register``) or a value does not convert."""


class UnknownEventType(KeyError):
    """The event type name (or event class) is not known. A ``KeyError``: it is a failed lookup."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown event type"

