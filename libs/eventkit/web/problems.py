"""RFC 9457 problem details: every error a VaxTrail API returns is ``application/problem+json``.

Body: ``type``, ``title``, ``status``, ``detail``, ``instance`` (the request path), ``request_id``, and when
known ``rule`` (the business rule or check that failed, e.g. ``INV-2``, ``greater_than``), ``field`` (the
first offending field) and ``errors`` (``[{field, rule, message}]`` for request validation).

Mapping: :class:`~eventkit.errors.VaxTrailError` subclasses -> their ``status``; pydantic
``ValidationError`` -> 422; werkzeug HTTP errors (404, 405, 400 ...) -> their code; the database being
unreachable or failing transiently (``psycopg.OperationalError``: refused or lost connections, server
shutdown, ``psycopg_pool.PoolTimeout``, serialization failures ...) -> 503 with ``Retry-After``; a value
the database refuses to store (``psycopg.DataError``: NUL in text, a number out of range) -> 422; anything
else -> 500, logged with its traceback and never described to the client. A database error wrapped in
another exception (``raise ... from exc``) is found through the exception's cause chain.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import psycopg
from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from eventkit.auth import Unauthenticated
from eventkit.errors import VaxTrailError
from eventkit.web.context import request_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:vaxtrail:problem:"
RETRY_AFTER_SECONDS = 5
"""What a 503 for a database outage asks the client to wait before retrying."""
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
    errors = [  # no "field" when the body as a whole is at fault (not an object): the member is a string
        {**({"field": ".".join(str(part) for part in error["loc"])} if error["loc"] else {}), "rule": error["type"],
         "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    fields = ", ".join(error.get("field", "(body)") for error in errors)
    return problem_response(
        422,
        "Request validation failed",
        f"{len(errors)} invalid field(s): {fields}",
        type_uri=problem_type("ValidationFailed"),
        rule=errors[0]["rule"] if errors else None,
        field=errors[0].get("field") if errors else None,
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


def _database_unavailable(exc: psycopg.OperationalError) -> Response:
    # Not logged with a traceback: an outage fails every request the same way. The message stays here
    # (it names hosts and ports), the client learns only that it may retry.
    _LOG.warning("database unavailable: %s: %s", type(exc).__name__, str(exc).strip()[:300])
    return problem_response(
        503,
        "Database unavailable",
        f"The service's database cannot serve requests right now; retry after {RETRY_AFTER_SECONDS} seconds.",
        type_uri=problem_type("DatabaseUnavailable"),
        rule="database-available",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _unstorable_value(exc: psycopg.DataError) -> Response:
    # Input-driven as a rule (a NUL in a JSON string, a number beyond bigint); logged in full in case not.
    _LOG.warning("database refused a value: %s", exc, exc_info=exc)
    return problem_response(
        422,
        "Value cannot be stored",
        "A value in the request cannot be stored (e.g. a NUL character, or a number out of range).",
        type_uri=problem_type("UnstorableValue"),
        rule="database-value",
    )


def _database_cause(exc: BaseException) -> psycopg.Error | None:
    """The outage or data error an exception was raised from, if any (``raise X from exc`` / during it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, psycopg.OperationalError | psycopg.DataError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _unexpected_error(exc: Exception) -> Response:
    cause = _database_cause(exc)
    if isinstance(cause, psycopg.OperationalError):
        return _database_unavailable(cause)
    if isinstance(cause, psycopg.DataError):
        return _unstorable_value(cause)
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
    app.register_error_handler(psycopg.OperationalError, _database_unavailable)  # PoolTimeout included
    app.register_error_handler(psycopg.DataError, _unstorable_value)
    app.register_error_handler(Exception, _unexpected_error)
