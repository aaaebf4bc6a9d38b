"""RFC 9457 problem details: every error a VaxTrail API returns is ``application/problem+json``.

Body: ``type``, ``title``, ``status``, ``detail``, ``instance`` (the request path), ``request_id``, and when
known ``rule`` (the business rule or check that failed, e.g. ``INV-2``, ``greater_than``), ``field`` (the
first offending field) and ``errors`` (``[{field, rule, message}]`` for request validation).

Mapping: :class:`~eventkit.errors.VaxTrailError` subclasses -> their ``status``; pydantic
``ValidationError`` -> 422; werkzeug HTTP errors (404, 405, 400 ...) -> their code; anything else -> 500,
logged with its traceback and never described to the client.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from eventkit.auth import Unauthenticated
from eventkit.errors import VaxTrailError
from eventkit.web.context import request_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:vaxtrail:problem:"
_LOG = logging.getLogger(__name__)


def problem_type(name: str) -> str:
    """The ``type`` URI of a problem: ``DomainError`` -> ``urn:vaxtrail:problem:domain-error``."""
    return PROBLEM_TYPE_PREFIX + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    type_uri: str = "about:blank",
    rule: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """A problem+json response for the current request; ``extensions`` become extra members."""
    body: dict[str, Any] = {
        "type": type_uri,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": request_id(),
    }
    optional = {"rule": rule, "field": field, "errors": errors, **extensions}
    body.update({key: value for key, value in optional.items() if value is not None})
    response = Response(json.dumps(body, default=str), status=status, content_type=PROBLEM_JSON)
    response.headers.extend(headers or {})
    return response


def validation_problem(exc: ValidationError) -> Response:
    """422 listing every invalid field as a dotted path (``lines.0.doses``) with its pydantic error type."""
    errors = [
        {"field": ".".join(str(part) for part in error["loc"]) or None, "rule": error["type"], "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    fields = ", ".join(error["field"] or "(body)" for error in errors)
    return problem_response(
        422,
        "Request validation failed",
        f"{len(errors)} invalid field(s): {fields}",
        type_uri=problem_type("ValidationFailed"),
        rule=errors[0]["rule"] if errors else None,
        field=errors[0]["field"] if errors else None,
        errors=errors,
    )


def _vaxtrail_error(exc: VaxTrailError) -> Response:
    if exc.status >= 500:
        _LOG.error("request failed: %s", exc.detail, exc_info=exc)
    headers = {"WWW-Authenticate": exc.challenge} if isinstance(exc, Unauthenticated) else None
    return problem_response(
        exc.status,
        exc.title,
        exc.detail,
        type_uri=problem_type(type(exc).__name__),
        rule=exc.rule,
        field=exc.field,
        headers=headers,
    )


def _http_error(exc: HTTPException) -> Response:
    # Keep the headers werkzeug decided on (e.g. ``Allow`` for a 405), but not its HTML content type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return problem_response(exc.code or 500, exc.name, exc.description or exc.name, headers=headers)


def _unexpected_error(exc: Exception) -> Response:
    _LOG.error("unhandled exception", exc_info=exc)
    return problem_response(
        500,
        "Internal error",
        "An unexpected error occurred; quote the request id when reporting it.",
        type_uri=problem_type("InternalError"),
    )


def register_problem_handlers(app: Flask) -> None:
    """Make every error raised while serving a request on ``app`` answer with problem+json."""
    app.register_error_handler(VaxTrailError, _vaxtrail_error)
    app.register_error_handler(ValidationError, validation_problem)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
