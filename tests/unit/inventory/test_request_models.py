"""Every field of every inventory request and query model refuses what the store or a projection cannot carry.

A sweep, so a field added later cannot forget it: each text field refuses a NUL, another control character and
10,000 characters; each time refuses the year 242 and a time without a zone; each date the year 242; each
integer 2**31 and -2**31; each decimal 10**30. (Which text a field accepts is each model's business; these
values no field may accept.)
"""

from __future__ import annotations

import inspect
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import pytest
from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError

from services.inventory.api.models import queries, requests

YEAR_242 = datetime(242, 11, 4, 2, 52, tzinfo=UTC)


def _models() -> list[type[BaseModel]]:
    found = []
    for module in (requests, queries):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def bad_values(annotation: Any) -> list[Any]:
    """Values no field of this annotation may accept."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return bad_values(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [v for member in typing.get_args(annotation) if member is not type(None) for v in bad_values(member)]
    if origin is list:
        return [[value] for value in bad_values(typing.get_args(annotation)[0])]
    if origin is typing.Literal or annotation is bool:
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return []  # swept as a model of its own
    if annotation is str:
        return ["x\u0000y", "x\u0001y", "x" * 10_000]
    if annotation in (datetime, AwareDatetime):
        return [YEAR_242, datetime(2021, 8, 10, 9, 0)]
    if annotation is date:
        return [date(242, 11, 4)]
    if annotation is int:
        return [2**31, -(2**31)]
    if annotation is UUID:
        return ["x\u0000y", "0"]
    if annotation is Decimal:
        return [Decimal(10) ** 30, -(Decimal(10) ** 30)]
    raise AssertionError(f"no sweep for {annotation!r}")


CASES = [(model, name, info) for model in _models() for name, info in model.model_fields.items()]


def test_the_sweep_sees_the_models():
    names = {model.__name__ for model, _, _ in CASES}
    assert {"AdjustmentRequest", "LotDecisionRequest", "StorageUnitRequest", "AssessmentRequest",
            "StockQuery"} <= names


@pytest.mark.parametrize(("model", "name", "info"), CASES, ids=[f"{m.__name__}.{n}" for m, n, _ in CASES])
def test_no_field_accepts_what_cannot_be_stored_or_projected(model, name, info):
    adapter = TypeAdapter(Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation)
    for value in bad_values(info.annotation):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
