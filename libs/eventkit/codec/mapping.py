"""Field-by-field conversion plans between an event dataclass and its protobuf message.

See the package docstring for the conversion rules; :class:`~eventkit.codec.registry.ProtoCodec` builds one
plan per registered event and runs it to encode and decode.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from eventkit.codec.errors import CodecError, UnstorableEvent
from eventkit.codec.reader import compile_reader

_TIMESTAMP = "google.protobuf.Timestamp"
_TYPE_NAMES = {value: key[5:].lower() for key, value in vars(FieldDescriptor).items() if key.startswith("TYPE_")}
_INTEGERS = frozenset({
    FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED32, FieldDescriptor.TYPE_FIXED64, FieldDescriptor.TYPE_SFIXED32,
    FieldDescriptor.TYPE_SFIXED64,
})
_FLOATS = frozenset({FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE})
_STRING = frozenset({FieldDescriptor.TYPE_STRING})
_CONVERSION_ERRORS = (ValueError, TypeError, ArithmeticError)
_USE_DEFAULT = object()



def _checked(kind: type, to_text: Callable[[Any], str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if not isinstance(value, kind) or (kind is date and isinstance(value, datetime)):
            raise TypeError(f"expected {kind.__name__}, got {value!r}")
        return to_text(value)

    return convert


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite decimal")
    return format(value, "f")


@dataclasses.dataclass(frozen=True)
class _Scalar:
    """A Python value <-> a protobuf scalar; ``textual`` values cannot be the empty string."""

    wire_types: frozenset[int]
    to_wire: Callable[[Any], Any]
    from_wire: Callable[[Any], Any]
    textual: bool = False


def _identity(value: Any) -> Any:
    return value


def _storable_text(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise UnstorableEvent("text contains a NUL character", rule="control-character")
        try:
            value.encode()
        except UnicodeEncodeError:
            raise UnstorableEvent("text is not valid Unicode (unpaired surrogate)", rule="unpaired-surrogate") from None
    return value


def _storable_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        raise UnstorableEvent(f"{value} is outside the 64-bit range", rule="int-range")
    return value


_PLAIN = {
    bool: _Scalar(frozenset({FieldDescriptor.TYPE_BOOL}), _identity, bool),
    int: _Scalar(_INTEGERS, _storable_int, int),
    float: _Scalar(_FLOATS, _identity, float),
    str: _Scalar(_STRING, _storable_text, str),
    bytes: _Scalar(frozenset({FieldDescriptor.TYPE_BYTES}), _identity, bytes),
    date: _Scalar(_STRING, _checked(date, date.isoformat), date.fromisoformat, textual=True),
    Decimal: _Scalar(_STRING, _checked(Decimal, _decimal_text), Decimal, textual=True),
    uuid.UUID: _Scalar(_STRING, _checked(uuid.UUID, str), uuid.UUID, textual=True),
}


def _scalar_for(annotation: Any) -> _Scalar | None:
    if annotation in _PLAIN:
        return _PLAIN[annotation]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if all(isinstance(member.value, str) for member in annotation):
            return _Scalar(_STRING, _checked(annotation, lambda member: member.value), annotation, textual=True)
    return None


class _Timestamp:
    """A tz-aware ``datetime`` <-> ``google.protobuf.Timestamp`` (microseconds survive; decodes as UTC)."""

    def write(self, sub: Message, value: Any) -> None:
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise TypeError(f"expected a timezone-aware datetime, got {value!r}")
        try:
            sub.FromDatetime(value)
        except (ValueError, OverflowError) as exc:
            raise UnstorableEvent(f"{value.isoformat()} is outside the range a timestamp holds", rule="time-range") from exc

    def read(self, sub: Message) -> datetime:
        return sub.ToDatetime(tzinfo=UTC)


_TIMESTAMP_VALUE = _Timestamp()


@dataclasses.dataclass(frozen=True)
class _Field:
    """How one dataclass field is written to and read from its message field."""

    name: str
    value: _Scalar | _Timestamp | _Plan
    repeated: bool
    optional: bool  # annotated ``X | None``
    has_default: bool  # the dataclass field has a default (used when the wire value is absent)
    presence: bool  # the protobuf field tracks presence (messages, proto3 ``optional``)
    wire_default: Any

    def write(self, message: Message, value: Any) -> None:
        if value is None:
            if self.optional:
                return
            raise TypeError("None in a field that is not Optional")
        if self.repeated:
            if not isinstance(value, tuple | list):
                raise TypeError(f"expected a tuple, got {value!r}")
            container = getattr(message, self.name)
            if isinstance(self.value, _Scalar):
                try:
                    container.extend([self.value.to_wire(item) for item in value])
                except ValueError as exc:
                    if isinstance(exc, UnstorableEvent) or not all(isinstance(v, int) for v in value):
                        raise
                    raise UnstorableEvent("a value is outside the field's range", rule="int-range") from exc
            else:
                for item in value:
                    self.value.write(container.add(), item)
        elif isinstance(self.value, _Scalar):
            try:
                setattr(message, self.name, self.value.to_wire(value))
            except ValueError as exc:  # protobuf: an integer outside the field's 32/64-bit range
                if isinstance(exc, UnstorableEvent) or not isinstance(value, int):
                    raise
                raise UnstorableEvent(f"{value} is outside the field's range", rule="int-range") from exc
        else:
            sub = getattr(message, self.name)
            sub.SetInParent()  # an all-default sub-message must still read back as set
            self.value.write(sub, value)

    def read(self, message: Message) -> Any:
        if self.repeated:
            container = getattr(message, self.name)
            if self.optional and not container:
                return None
            if isinstance(self.value, _Scalar):
                return tuple(self.value.from_wire(item) for item in container)
            return tuple(self.value.read(item) for item in container)
        if self.presence and not message.HasField(self.name):
            return self._absent()
        raw = getattr(message, self.name)
        if not isinstance(self.value, _Scalar):
            return self.value.read(raw)
        if not self.presence and raw == self.wire_default and (self.optional or self.value.textual):
            return self._absent()
        return self.value.from_wire(raw)

    def _absent(self) -> Any:
        if self.optional:
            return None
        if self.has_default:
            return _USE_DEFAULT
        raise ValueError("absent on the wire, and the dataclass field is neither Optional nor defaulted")


@dataclasses.dataclass(frozen=True)
class _Plan:
    """A dataclass <-> a message: one :class:`_Field` per init field of the dataclass."""

    cls: type
    fields: tuple[_Field, ...]

    def write(self, message: Message, obj: Any) -> None:
        if type(obj) is not self.cls:
            raise TypeError(f"expected {self.cls.__qualname__}, got {type(obj).__qualname__}")
        for field in self.fields:
            try:
                field.write(message, getattr(obj, field.name))
            except UnstorableEvent as exc:
                path = f"{field.name}.{exc.field}" if exc.field else field.name
                raise UnstorableEvent(f"{self.cls.__qualname__}.{field.name}: {exc.detail}", field=path,
                                      rule=exc.rule) from None
            except _CONVERSION_ERRORS as exc:
                raise CodecError(f"{self.cls.__qualname__}.{field.name}: {exc}") from exc

    @cached_property
    def compiled_read(self) -> Callable[[Message], Any]:
        """:meth:`read` as one generated function (:mod:`eventkit.codec.reader`); may raise where read would."""
        return compile_reader(self)

    def fast_read(self, message: Message) -> Any:
        """:meth:`read`, through the compiled reader; on any error, :meth:`read` itself decides."""
        try:
            return self.compiled_read(message)
        except Exception:  # noqa: BLE001 - read raises the documented error, or succeeds
            return self.read(message)

    def read(self, message: Message) -> Any:
        values = {}
        for field in self.fields:
            try:
                value = field.read(message)
            except _CONVERSION_ERRORS as exc:
                raise CodecError(f"{self.cls.__qualname__}.{field.name}: {exc}") from exc
            if value is not _USE_DEFAULT:
                values[field.name] = value
        return self.cls(**values)


def _split_optional(hint: Any, where: str) -> tuple[Any, bool]:
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return hint, False
    members = typing.get_args(hint)
    others = [member for member in members if member is not type(None)]
    if len(others) != 1 or len(members) != 2:
        raise CodecError(f"{where}: only `X | None` unions are supported, not {hint}")
    return others[0], True


def _plan(cls: Any, descriptor: Descriptor, where: str) -> _Plan:
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise CodecError(f"{where}: {cls!r} is not a dataclass")
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError) as exc:
        raise CodecError(f"{where}: cannot resolve the annotations of {cls.__qualname__}: {exc}") from exc
    fields = []
    for dc_field in dataclasses.fields(cls):
        if not dc_field.init:
            continue  # derived in __post_init__, not part of the wire form
        proto_field = descriptor.fields_by_name.get(dc_field.name)
        if proto_field is None:
            raise CodecError(
                f"{where}.{dc_field.name}: message {descriptor.full_name} has no field {dc_field.name!r}"
            )
        fields.append(_plan_field(dc_field, hints[dc_field.name], proto_field, f"{where}.{dc_field.name}"))
    return _Plan(cls, tuple(fields))


def _plan_field(dc_field: dataclasses.Field, hint: Any, proto_field: FieldDescriptor, where: str) -> _Field:
    annotation, optional = _split_optional(hint, where)
    repeated = typing.get_origin(annotation) in (tuple, list)
    if repeated:
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
            raise CodecError(f"{where}: repeated fields must be annotated tuple[X, ...], not {annotation}")
        annotation = args[0]
    if repeated != proto_field.is_repeated:
        wanted = "repeated; annotate it tuple[X, ...]" if proto_field.is_repeated else "singular, not a tuple"
        raise CodecError(f"{where}: the message field is {wanted}")
    message_type = proto_field.message_type
    if message_type is not None and message_type.GetOptions().map_entry:
        raise CodecError(f"{where}: protobuf map fields are not supported")
    value: _Scalar | _Timestamp | _Plan
    if annotation is datetime:
        if message_type is None or message_type.full_name != _TIMESTAMP:
            raise CodecError(f"{where}: a datetime needs a google.protobuf.Timestamp field")
        value = _TIMESTAMP_VALUE
    elif isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        if message_type is None or message_type.full_name == _TIMESTAMP:
            raise CodecError(f"{where}: a dataclass needs a message field, not {_TYPE_NAMES[proto_field.type]}")
        value = _plan(annotation, message_type, f"{where}[]" if repeated else where)
    else:
        scalar = _scalar_for(annotation)
        if scalar is None:
            raise CodecError(f"{where}: unsupported annotation {annotation!r}")
        if proto_field.type not in scalar.wire_types:
            wire = _TYPE_NAMES[proto_field.type]
            raise CodecError(f"{where}: {annotation!r} does not fit a protobuf {wire} field")
        value = scalar
    has_default = (dc_field.default is not dataclasses.MISSING
                   or dc_field.default_factory is not dataclasses.MISSING)
    wire_default = None if proto_field.is_repeated or message_type is not None else proto_field.default_value
    return _Field(dc_field.name, value, repeated, optional, has_default, proto_field.has_presence, wire_default)
