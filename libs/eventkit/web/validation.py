"""Request parsing for views: a JSON body or a query string in, a validated pydantic model out.

Validation failures raise pydantic's ``ValidationError``, which :mod:`eventkit.web.problems` answers with a
422 listing every field. A body that is not JSON, not sent as JSON, or that repeats a key (``{"doses": 1,
"doses": 100}`` - parsers disagree on which one wins, so a proxy and the service could read different
requests) is a 400 (:class:`MalformedRequest`). Request models derive from
:class:`eventkit.web.models.StrictModel`, query models from :class:`~eventkit.web.models.QueryModel`.
"""

from __future__ import annotations

import json
from typing import TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from eventkit.errors import VaxTrailError

Model = TypeVar("Model", bound=BaseModel)


class MalformedRequest(VaxTrailError):
    """The request body is not JSON, or not sent as JSON: 400."""

    status = 400
    title = "Malformed request"


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise MalformedRequest(f"the JSON body repeats the key {key!r}", field=key, rule="duplicate-key")
        seen[key] = value
    return seen


def _no_constant(name: str) -> object:
    raise MalformedRequest(f"{name} is not JSON", rule="json")


def check_json(data: bytes) -> None:
    """Raise :class:`MalformedRequest` unless ``data`` is strict JSON with no repeated key in any object."""
    try:
        json.loads(data, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, MalformedRequest):
            raise
        raise MalformedRequest(f"malformed JSON body: {exc}", rule="json") from exc


def parse_body(model: type[Model]) -> Model:
    """The current request's JSON body validated as ``model``.

    Uses ``model_validate_json`` (pydantic's JSON mode) so that strict models still accept what JSON cannot
    express natively (ISO dates, UUIDs), after :func:`check_json` has refused repeated keys.
    """
    if not request.is_json:
        raise MalformedRequest(
            f"expected a JSON body with Content-Type application/json, got {request.mimetype or 'none'}",
            rule="content-type",
        )
    data = request.get_data(cache=True)
    check_json(data)
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        if first["type"] == "json_invalid" and not first["loc"]:
            raise MalformedRequest(f"malformed JSON body: {first['msg']}", rule="json") from exc
        raise


def parse_query(model: type[Model]) -> Model:
    """The current request's query string validated as ``model`` (a repeated parameter is a 400)."""
    values: dict[str, str] = {}
    for key in request.args:
        given = request.args.getlist(key)
        if len(given) > 1:
            raise MalformedRequest(f"the query repeats the parameter {key!r}", field=key, rule="duplicate-key")
        values[key] = given[0]
    return model.model_validate(values)
