"""Issue 18, item 5: no request or query field of any service takes an integer its storage cannot hold.

Every integer field of every service's request and query models (swept, so a field added later is covered)
refuses 3,000,000,000 (beyond a PostgreSQL ``integer`` and a protobuf ``int32``) and -3,000,000,000 (audit's
bigint tree positions: 2**32 times that) with a
validation error naming the field and the rule, i.e. a 422 problem at the API (eventkit.web.problems).
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ValidationError

from eventkit.web.models import INT32_MAX, Count, Quantity

MODULES = ("services.allocation.api.models", "services.audit.api.models", "services.certificate.api.models",
           "services.immunization.api.models", "services.registration.api.models",
           "services.inventory.api.models.requests", "services.inventory.api.models.queries")
TOO_BIG = 3_000_000_000
BIGINT_POSITIONS = {("InclusionQuery", "tree_size"), ("ConsistencyQuery", "first"), ("ConsistencyQuery", "second")}
"""Audit's Merkle tree sizes are log positions, stored as ``bigint``: they stop at 2**62, not at int32."""


def _is_int(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_int(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_int(member) for member in typing.get_args(annotation))
    return annotation is int


def _int_fields() -> list[tuple[type[BaseModel], str]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == module.__name__ and (
                    cls.model_config.get("extra") == "forbid"):
                found += [(cls, field) for field, info in cls.model_fields.items() if _is_int(info.annotation)]
    return found


FIELDS = _int_fields()


def test_the_sweep_finds_the_quantities_of_every_service():
    services = {cls.__module__.split(".")[1] for cls, _ in FIELDS}
    assert {"allocation", "immunization", "inventory", "registration", "audit"} <= services


@pytest.mark.parametrize("value", [TOO_BIG, -TOO_BIG])
@pytest.mark.parametrize("model, field", FIELDS, ids=[f"{c.__module__.split('.')[1]}.{c.__name__}.{f}"
                                                      for c, f in FIELDS])
def test_an_integer_beyond_int32_is_refused_naming_the_field_and_the_rule(model, field, value):
    if (model.__name__, field) in BIGINT_POSITIONS:
        value = value * 2**32
    with pytest.raises(ValidationError) as error:
        model.model_validate({field: value})
    mine = [e for e in error.value.errors() if e["loc"][:1] == (field,)]
    assert mine, f"{model.__name__}.{field} accepted {value}"
    assert mine[0]["type"] in ("less_than_equal", "greater_than_equal", "int_type", "literal_error"), mine[0]


def test_the_shared_types_stop_at_int32():
    from pydantic import TypeAdapter
    for kind in (Count, Quantity):
        assert TypeAdapter(kind).validate_python(INT32_MAX) == INT32_MAX
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(INT32_MAX + 1)
