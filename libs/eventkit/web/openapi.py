"""OpenAPI 3.1 documents generated from the routes themselves.

A view declares its contract with :func:`documented` (summary, pydantic request / query / response models,
the errors it can answer); :func:`eventkit.auth.requires` adds the bearer security and the roles. The
document is served at ``/openapi.json`` and checked in as ``services/<name>/openapi.json``
(``vaxtrail openapi --write``; a test fails when the checked-in copy is stale). Every error is a
problem+json body (component ``Problem``), except on FHIR routes (``media_type`` ``application/fhir+json``,
:mod:`eventkit.web.fhir`), whose errors are ``OperationOutcome`` resources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from pydantic import BaseModel

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `rule` names the violated invariant (e.g. INV-2), `field` the input",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"}, "request_id": {"type": "string"},
        "rule": {"type": "string"}, "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}},
    },
}
OPERATION_OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "FHIR R4 OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html)",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {"type": "array", "items": {"type": "object", "required": ["severity", "code"], "properties": {
            "severity": {"type": "string"}, "code": {"type": "string"}, "diagnostics": {"type": "string"},
            "expression": {"type": "array", "items": {"type": "string"}},
            "details": {"type": "object", "properties": {"text": {"type": "string"}}}}}},
    },
}
_ERROR_BODIES = {"application/problem+json": "Problem", "application/fhir+json": "OperationOutcome"}
ERROR_TEXT = {
    400: "Malformed request (not JSON, bad header)",
    401: "Missing or invalid bearer token",
    403: "Role or scope does not allow this",
    404: "Not found",
    409: "Conflict (concurrent modification, or already exists)",
    422: "Validation failed or a business rule (INV-n) was violated; nothing was written",
    413: "Request body too large",
    503: "Not ready, or the database is unavailable (retry after Retry-After)",
}
_PATH_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str = ""
    request: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: Mapping[int, type[BaseModel] | None] = field(default_factory=dict)
    errors: Sequence[int] = ()
    tags: Sequence[str] = ()
    media_type: str = "application/json"
    errors_as: str | None = None

    @property
    def error_media_type(self) -> str:
        if self.errors_as:
            return self.errors_as
        return "application/fhir+json" if self.media_type.startswith("application/fhir+") else "application/problem+json"


def documented(summary: str, *, description: str = "", request: type[BaseModel] | None = None,
               query: type[BaseModel] | None = None, responses: Mapping[int, type[BaseModel] | None] | None = None,
               errors: Sequence[int] = (), tags: Sequence[str] = (), media_type: str = "application/json",
               error_media_type: str | None = None):
    """Attach an :class:`Operation` to a view (place it below ``@requires`` or above; both work).

    ``media_type`` is the success bodies' (a FHIR one, ``application/fhir+json`` / ``+ndjson``, makes the
    errors ``OperationOutcome`` resources; ``error_media_type`` says so for a route whose success body is
    plain JSON); a 200 without a model is described as a string of ``media_type``.
    """
    operation = Operation(summary, description, request, query, dict(responses or {200: None}), tuple(errors),
                          tuple(tags), media_type, error_media_type)

    def decorate(view):
        view.openapi = operation
        return view

    return decorate


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    def error(self, media_type: str) -> dict[str, str]:
        name = _ERROR_BODIES[media_type]
        self.components.setdefault(name, OPERATION_OUTCOME_SCHEMA if name == "OperationOutcome" else PROBLEM_SCHEMA)
        return {"$ref": f"#/components/schemas/{name}"}

    def ref(self, model: type[BaseModel], mode: str) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        for name, definition in schema.pop("$defs", {}).items():
            self.components.setdefault(name, definition)
        self.components.setdefault(model.__name__, schema)
        return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(rule, query: type[BaseModel] | None) -> list[dict[str, Any]]:
    params = [{"name": m["name"], "in": "path", "required": True, "schema": {"type": "string"}}
              for m in _PATH_PARAM.finditer(rule.rule)]
    if query is not None:
        schema = query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop,
                           "description": prop.get("description", "")})
    return params


def build_openapi(app: Flask, *, title: str, version: str, description: str = "") -> dict[str, Any]:
    """The OpenAPI document of every route of ``app`` (deterministic: sorted paths and methods)."""
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods or ()))):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        op: Operation = getattr(view, "openapi", None) or Operation(summary="")
        roles = sorted(getattr(view, "required_roles", ()))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            entry: dict[str, Any] = {"operationId": rule.endpoint.replace(".", "_"), "summary": op.summary,
                                     "tags": list(op.tags) or [rule.endpoint.split(".")[0]]}
            if op.description:
                entry["description"] = op.description
            params = _parameters(rule, op.query)
            if params:
                entry["parameters"] = params
            if op.request is not None:
                entry["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": schemas.ref(op.request, "validation")}}}
            responses: dict[str, Any] = {}
            for status, model in sorted(op.responses.items()):
                body = {"description": "OK" if status < 300 else str(status)}
                if model is not None:
                    body["content"] = {op.media_type: {"schema": schemas.ref(model, "serialization")}}
                elif op.media_type != "application/json" and status == 200:
                    body["content"] = {op.media_type: {"schema": {"type": "string"}}}
                responses[str(status)] = body
            errors = (set(op.errors) | ({401, 403} if roles else set()) | ({400, 413, 422} if op.request else set())
                      | ({422} if op.query or "<" in rule.rule else set())  # a query or path value pydantic refuses
                      | ({400} if params else set())  # eventkit.web.guards: control characters, bad escapes
                      | ({503} if rule.rule.startswith(("/v1/", "/fhir/")) else set()))  # the database is unavailable
            for status in sorted(errors):
                responses[str(status)] = {"description": ERROR_TEXT.get(status, "Error"), "content": {
                    op.error_media_type: {"schema": schemas.error(op.error_media_type)}}}
            entry["responses"] = responses
            if roles:
                entry["security"] = [{"bearerAuth": []}]
                entry["x-roles"] = roles
            paths.setdefault(_PATH_PARAM.sub(r"{\g<name>}", rule.rule), {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def openapi_blueprint(title: str, version: str, description: str = "") -> Blueprint:
    """Serves ``/openapi.json`` (public), built once from the app's own routes."""
    blueprint = Blueprint("eventkit_openapi", __name__)
    cache: dict[str, Any] = {}

    @blueprint.get("/openapi.json")
    @documented("This service's OpenAPI document", tags=["meta"])
    def openapi_json():
        if "doc" not in cache:
            cache["doc"] = build_openapi(current_app, title=title, version=version, description=description)
        return jsonify(cache["doc"])

    return blueprint
