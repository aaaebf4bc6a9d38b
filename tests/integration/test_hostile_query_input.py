"""Every GET route of every service answers hostile path and query input with a 4xx problem, never a 500.

Each service's real web app (its ``bootstrap`` wiring, a migrated database of its own) is swept from its
own ``/openapi.json``: a NUL (and another control character, and a malformed percent-escape) in each path
parameter and in each documented query parameter, and 20-digit integers in each integer query parameter.
The caller holds a token with a role the route accepts, so without the guards the input would reach the
views and the database (``psycopg`` refuses NUL in text; PostgreSQL ``bigint`` overflows).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from eventkit import db
from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.settings import SERVICES, Settings, with_database
from eventkit.web.fhir import FHIR_JSON
from eventkit.web.problems import PROBLEM_JSON

HOSTILE_TEXT = {  # raw (already percent-encoded) value -> the check the guard names
    "A%00B": "control-character",
    "A%1bB": "control-character",
    "A%zzB": "percent-encoding",
    "A%ffB": "percent-encoding",
}
HUGE_INTEGERS = ("99999999999999999999", "-99999999999999999999")
# A role the route accepts and a scope it may hold, most powerful first (the sweep wants to get past auth).
SCOPE_FOR_ROLE = {"national_admin": "national", "auditor": "national", "analyst": "national",
                  "province_officer": "province:79", "district_officer": "district:760",
                  "site_manager": "site:S-0001", "vaccinator": "site:S-0001", "citizen": "person:P-SWEEP-1",
                  "partner": "national"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[bytes, Path]:
    private, public = generate_dev_keypair(tmp_path_factory.mktemp("sweep-keys"))
    return private.read_bytes(), public


@pytest.fixture(params=SERVICES)
def service_app(request, infra, keys, tmp_path) -> Iterator[tuple[str, Flask]]:
    name = request.param
    bootstrap = import_module(f"services.{name}.bootstrap")
    database = f"test_sweep_{name}_{uuid.uuid4().hex[:8]}"
    db.ensure_database(infra.server_url, database)
    url = with_database(infra.server_url, database)
    db.migrate(url, bootstrap.WIRING.migrations)
    settings = Settings.from_env(name, {
        "DATABASE_URL": infra.server_url, f"{name.upper()}_DATABASE_URL": url,
        "KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "JWT_PUBLIC_KEY_FILE": str(keys[1]), "VAXTRAIL_ENV": "local",
        "VAXTRAIL_STATE_DIR": str(tmp_path)})
    app = bootstrap.WIRING.create_app(settings)
    try:
        yield name, app
    finally:
        app.extensions["runtime"].close()
        db.drop_database(infra.server_url, database)


def token_for(private_pem: bytes, roles: list[str] | None) -> dict[str, str]:
    if not roles:
        return {}
    role = next(r for r in SCOPE_FOR_ROLE if r in roles)
    token = mint_token(private_pem, subject=f"sweep-{role}", role=role, scopes=[SCOPE_FOR_ROLE[role]])
    return {"Authorization": f"Bearer {token}"}


def plausible(schema: dict) -> str:
    """A harmless value of a parameter's schema, for the parameters that are not the one being swept."""
    options = schema.get("anyOf", [schema])
    first = next((o for o in options if o.get("type") != "null"), {})
    if "enum" in first:
        return str(first["enum"][0])
    if first.get("type") == "integer":
        return "1"
    return {"date": "2021-06-01", "date-time": "2021-06-01T00:00:00Z",
            "uuid": "0193a1b2-0000-7000-8000-000000000001"}.get(first.get("format"), "X-1")


def is_integer(schema: dict) -> bool:
    return any(o.get("type") == "integer" for o in schema.get("anyOf", [schema]))


def hostile_requests(document: dict) -> Iterator[tuple[str, str, str, str, list[str] | None]]:
    """(url, swept parameter, raw value, expected rule or 'integer', roles) for every GET parameter."""
    for template, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        path_params = [p for p in params if p["in"] == "path"]
        required = [p for p in params if p["in"] == "query" and p["required"]]

        def url(path_values: dict[str, str], query: dict[str, str], template=template) -> str:
            path = template
            for name, raw in path_values.items():
                path = path.replace("{" + name + "}", raw)
            return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

        defaults_path = {p["name"]: "X-1" for p in path_params}
        defaults_query = {p["name"]: quote(plausible(p["schema"])) for p in required}
        roles = operation.get("x-roles")
        for param in params:
            values = dict(HOSTILE_TEXT)
            if param["in"] == "query" and is_integer(param["schema"]):
                values.update(dict.fromkeys(HUGE_INTEGERS, "integer"))
            for raw, expected in values.items():
                if param["in"] == "path":
                    yield url({**defaults_path, param["name"]: raw}, defaults_query), param["name"], raw, expected, roles
                else:
                    query = {**defaults_query, param["name"]: raw}
                    yield url(defaults_path, query), param["name"], raw, expected, roles


def refusal(url: str, content_type: str, body: dict) -> tuple[bool, str | None, str | None, str]:
    """(is the documented error body, the field it names, its rule, its text): problem+json, or on the FHIR routes
    an ``OperationOutcome`` whose issue names the field (``expression``) and the rule (``details.text``)."""
    if url.startswith("/fhir/"):
        issue = (body.get("issue") or [{}])[0] if body.get("resourceType") == "OperationOutcome" else {}
        rule = re.search(r"\brule (\S+?)(?:;|$)", (issue.get("details") or {}).get("text", ""))
        return (content_type.startswith(FHIR_JSON) and bool(issue), (issue.get("expression") or [None])[0],
                rule.group(1) if rule else None, issue.get("diagnostics", ""))
    return content_type == PROBLEM_JSON, body.get("field"), body.get("rule"), body.get("detail", "")


def test_every_get_route_answers_hostile_parameters_with_a_4xx_problem(service_app, keys):
    name, app = service_app
    client = app.test_client()
    document = client.get("/openapi.json").get_json()
    failures, swept = [], 0
    for url, param, raw, expected, roles in hostile_requests(document):
        swept += 1
        response = client.get(url, headers=token_for(keys[0], roles))
        body = response.get_json(force=True, silent=True) or {}
        # a FHIR search refuses any bad parameter with 400 (FHIR RESTful API, "Search"); ours say 422 for a number
        wanted = 422 if expected == "integer" and not url.startswith("/fhir/") else 400
        refused, field, rule, detail = refusal(url, response.content_type, body)
        ok = (response.status_code == wanted and refused
              and field == param and (expected == "integer" or rule == expected))
        if not ok:
            failures.append(f"{url} ({param}={raw}): {response.status_code} rule={rule} field={field} {detail[:120]}")
    assert swept, f"{name}: no GET parameter swept"
    assert not failures, f"{name}: {len(failures)} of {swept} hostile requests not refused as expected:\n" + \
        "\n".join(failures)
