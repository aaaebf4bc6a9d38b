"""FHIR R4 over HTTP, the same in every service that serves FHIR: media types, the ``/fhir`` blueprint, errors.

A FHIR route answers ``application/fhir+json`` and every error as an ``OperationOutcome`` (FHIR RESTful API,
http://hl7.org/fhir/R4/http.html): :func:`fhir_blueprint` converts each problem+json response that the
shared handlers (:mod:`eventkit.web.problems`) produce for a request of the blueprint - a refused token, a
scope, a bad search parameter, a database outage - into an ``OperationOutcome`` with the same status and
headers, so the logging, ``Retry-After`` and ``WWW-Authenticate`` rules stay in one place. The problem's
``detail`` becomes ``issue.diagnostics``, its ``field`` ``issue.expression`` and its ``rule`` (with the
request id) ``issue.details.text``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response
from pydantic import BaseModel, ConfigDict

from eventkit.web.problems import PROBLEM_JSON

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
FHIR_VERSION = "4.0.1"
_CONTENT_TYPE = f"{FHIR_JSON}; fhirVersion=4.0"

# http://hl7.org/fhir/R4/valueset-issue-type.html: the issue type of each status a VaxTrail API answers.
ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               406: "not-supported", 409: "conflict", 410: "deleted", 412: "conflict", 413: "too-costly",
               415: "not-supported", 422: "processing", 429: "throttled", 503: "transient"}


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(resource, separators=(",", ":")), status=status, content_type=_CONTENT_TYPE)
    response.headers.extend(headers or {})
    return response


def outcome(status: int, diagnostics: str, *, expression: str | None = None, details: str | None = None,
            issues: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An ``OperationOutcome`` for an HTTP status: one issue (or ``issues``), severity ``error`` (``fatal``
    for a server-side failure), type from :data:`ISSUE_TYPES` (``exception`` for any other status)."""
    code = ISSUE_TYPES.get(status, "exception" if status >= 500 else "processing")
    severity = "fatal" if status >= 500 and status != 503 else "error"
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    if details:
        issue["details"] = {"text": details}
    return {"resourceType": "OperationOutcome", "issue": issues or [issue]}


def outcome_of_problem(problem: dict[str, Any]) -> dict[str, Any]:
    """The ``OperationOutcome`` that says what a problem+json body says (one issue per listed error)."""
    status = int(problem.get("status") or 500)
    reference = f"request {problem['request_id']}" if problem.get("request_id") else ""
    rule = f"rule {problem['rule']}" if problem.get("rule") else ""
    details = "; ".join(part for part in (problem.get("title", ""), rule, reference) if part)
    errors = problem.get("errors") or []
    issues = [outcome(status, e.get("message", ""), expression=e.get("field"),
                      details=f"rule {e['rule']}" if e.get("rule") else None)["issue"][0] for e in errors]
    return outcome(status, problem.get("detail") or problem.get("title", "error"), expression=problem.get("field"),
                   details=details or None, issues=issues or None)


def _problems_as_outcomes(response: Response) -> Response:
    if response.mimetype != PROBLEM_JSON:
        return response
    body = outcome_of_problem(json.loads(response.get_data()))
    converted = fhir_response(body, response.status_code)
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            converted.headers[name] = value
    return converted


def fhir_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under ``/fhir`` whose errors are ``OperationOutcome`` resources (see the module docstring)."""
    bp = Blueprint(name, import_name, url_prefix="/fhir")
    bp.after_request(_problems_as_outcomes)
    return bp


class FhirResource(BaseModel):
    """Any FHIR resource, for the OpenAPI document (the resource types' own definitions are FHIR's)."""

    model_config = ConfigDict(extra="allow")
    resourceType: str  # noqa: N815 - FHIR's element name


class FhirBundle(FhirResource):
    """A ``Bundle`` of type ``searchset`` (http://hl7.org/fhir/R4/bundle.html)."""

    type: str
    total: int | None = None
    link: list[dict[str, Any]] = []
    entry: list[dict[str, Any]] = []


def prefers(header_value: str | None, token: str) -> bool:
    """Whether a ``Prefer`` header (RFC 7240) holds ``token`` (``respond-async``, ``handling=lenient``)."""
    return any(part.strip().lower() == token for part in (header_value or "").replace(";", ",").split(","))
