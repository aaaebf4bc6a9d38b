"""Compiled readers: a message -> its dataclass in one generated function per registered event.

:meth:`eventkit.codec.mapping._Plan.read` walks its fields one by one and asks each how to read itself - the
rules of the package docstring, in one place. A projection decodes every record it applies, so that walk was
a fifth of a projection's time; :func:`compile_reader` writes the same rules out as straight-line Python for
one plan (attribute reads, the presence and default checks each field needs, its conversion) and compiles it;
for a dataclass that only stores its fields (no ``__post_init__``, no slots) it fills the instance's
``__dict__`` directly instead of running the frozen ``__init__`` (a ``setattr`` per field).

Only the happy path is compiled: if the generated function raises anything, the plan's own ``read`` runs
again on the message and produces the result or the exact :class:`~eventkit.codec.errors.CodecError` it
always did. ``tests/unit/test_codec_compiled.py`` checks both give equal events for every registered type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

_IDENTITY_CONVERSIONS = (str, int, bool, float, bytes)  # from_wire that returns a wire value unchanged


class _Absent(Exception):
    """A required field is absent on the wire: the plan's own read raises the error that says so."""


def _raise_absent() -> None:
    raise _Absent


def _plain(cls: type) -> bool:
    """Whether ``cls(**kw)`` only stores its fields: then the reader fills the instance's ``__dict__`` itself
    (defaults included), which is most of the cost of a frozen dataclass's ``__init__`` saved."""
    fields = dataclasses.fields(cls)
    return (not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls) and all(f.init for f in fields))


def compile_reader(plan) -> Callable[[Any], Any]:
    """A function ``message -> dataclass`` equivalent to ``plan.read`` whenever ``plan.read`` succeeds."""
    from eventkit.codec.mapping import _Plan, _Scalar

    plain = _plain(plan.cls)
    defaults = {f.name: f for f in dataclasses.fields(plan.cls)}
    env: dict[str, Any] = {"cls": plan.cls, "_raise_absent": _raise_absent, "new": object.__new__}
    lines = ["def read(m):", "    kw = {}"]
    for i, field in enumerate(plan.fields):
        name, value = field.name, field.value
        if field.optional:
            absent = f"kw[{name!r}] = None"
        elif field.has_default and plain:
            default = defaults[name]
            if default.default_factory is not dataclasses.MISSING:
                env[f"f{i}"] = default.default_factory
                absent = f"kw[{name!r}] = f{i}()"
            else:
                env[f"f{i}"] = default.default
                absent = f"kw[{name!r}] = f{i}"
        elif field.has_default:
            absent = "pass"
        else:
            absent = "_raise_absent()"
        if isinstance(value, _Scalar):
            convert = "" if value.from_wire in _IDENTITY_CONVERSIONS else f"c{i}"
            env[f"c{i}"] = value.from_wire
        elif isinstance(value, _Plan):
            convert = f"c{i}"
            env[f"c{i}"] = value.compiled_read
        else:  # a Timestamp
            convert = f"c{i}"
            env[f"c{i}"] = value.read
        if field.repeated:
            items = f"tuple(map({convert}, v))" if convert else "tuple(v)"
            lines.append(f"    v = m.{name}")
            lines.append(f"    kw[{name!r}] = {items if not field.optional else f'{items} if v else None'}")
            continue
        read = f"{convert}(m.{name})" if convert else f"m.{name}"
        if field.presence:
            lines += [f"    if m.HasField({name!r}):", f"        kw[{name!r}] = {read}", "    else:", f"        {absent}"]
        elif isinstance(value, _Scalar) and (field.optional or value.textual):
            env[f"d{i}"] = field.wire_default
            lines += [f"    v = m.{name}", f"    if v == d{i}:", f"        {absent}", "    else:",
                      f"        kw[{name!r}] = {convert}(v)" if convert else f"        kw[{name!r}] = v"]
        else:
            lines.append(f"    kw[{name!r}] = {read}")
    if plain and len(plan.fields) == len(defaults):
        lines += ["    o = new(cls)", "    o.__dict__.update(kw)", "    return o"]
    else:
        lines.append("    return cls(**kw)")
    exec(compile("\n".join(lines), f"<reader of {plan.cls.__qualname__}>", "exec"), env)  # noqa: S102 - our own code
    return env["read"]
