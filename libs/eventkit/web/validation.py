"""Request body parsing for views: JSON in, a validated pydantic model out.

Validation failures raise pydantic's ``ValidationError``, which :mod:`eventkit.web.problems` answers with a
422 listing every field; a missing or malformed JSON body is a 400 (:class:`MalformedRequest`). How strict
a model is (``extra='forbid'``, strict types) is the model's own choice.
"""

from __future__ import annotations

from typing import TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from eventkit.errors import VaxTrailError

Model = TypeVar("Model", bound=BaseModel)


class MalformedRequest(VaxTrailError):
    """The request body is not JSON, or not sent as JSON: 400."""

    status = 400
    title = "Malformed request"


def parse_body(model: type[Model]) -> Model:
    """The current request's JSON body validated as ``model``.

    Uses ``model_validate_json`` (pydantic's JSON mode) rather than ``json.loads`` + ``model_validate`` so
    that models declared ``strict`` still accept what JSON cannot express natively (ISO dates, UUIDs).
    """
    if not request.is_json:
        raise MalformedRequest(
            f"expected a JSON body with Content-Type application/json, got {request.mimetype or 'none'}",
            rule="content-type",
        )
    try:
        return model.model_validate_json(request.get_data(cache=True))
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        if first["type"] == "json_invalid" and not first["loc"]:
            raise MalformedRequest(f"malformed JSON body: {first['msg']}", rule="json") from exc
        raise
