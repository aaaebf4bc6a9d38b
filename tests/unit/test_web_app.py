"""The shared Flask plumbing: problem+json errors, auth, request ids, health, readiness and metrics."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import psycopg
import pytest
from flask import Blueprint, Flask, jsonify
from prometheus_client.parser import text_string_to_metric_families
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, Field

from eventkit.auth import (
    NATIONAL_ADMIN,
    PROVINCE_OFFICER,
    Authenticator,
    generate_dev_keypair,
    mint_token,
    requires,
)
from eventkit.errors import ConcurrencyConflict, DomainError, NotFound
from eventkit.logs import configure_logging
from eventkit.settings import Settings
from eventkit.web.app import create_app
from eventkit.web.problems import PROBLEM_JSON
from eventkit.web.validation import parse_body

SETTINGS = Settings(service="inventory", database_url="postgresql:///unused", kafka_bootstrap="unused")


class StorageLine(BaseModel):
    unit: str
    doses: int = Field(gt=0)


class ReceiveStock(BaseModel):
    lot: str
    doses: int = Field(gt=0)
    outcome: str = "ok"
    storage: list[StorageLine] = []


def stock_blueprint() -> Blueprint:
    blueprint = Blueprint("stock", __name__)

    @blueprint.post("/stock/<location>/receipts")
    @requires(NATIONAL_ADMIN)
    def receive_stock(location: str):
        command = parse_body(ReceiveStock)
        if command.outcome == "rule":
            raise DomainError("lot LOT-ABV5300 has expired", rule="INV-2", field="lot")
        if command.outcome == "conflict":
            raise ConcurrencyConflict("stock ledger changed since it was read")
        if command.outcome == "missing":
            raise NotFound(f"no location {location}", field="location")
        if command.outcome == "crash":
            raise RuntimeError("database password is hunter2")
        if command.outcome == "database-down":
            raise psycopg.OperationalError("connection to server at 10.0.0.5 failed: Connection refused")
        if command.outcome == "pool-exhausted":
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        if command.outcome == "connection-lost":
            try:
                raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")
            except psycopg.Error as exc:
                raise RuntimeError("store append failed") from exc
        if command.outcome == "unstorable":
            raise psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        return jsonify(location=location, lot=command.lot, doses=command.doses), 201

    return blueprint


def failing_kafka_check() -> None:
    raise ConnectionError("broker 127.0.0.1:9092 unreachable")


@pytest.fixture
def private_pem(tmp_path: Path) -> bytes:
    return generate_dev_keypair(tmp_path)[0].read_bytes()


def build_app(tmp_path: Path, **checks) -> Flask:
    public_key = tmp_path / "local-dev-1.public.pem"
    authenticator = Authenticator(issuer="vaxtrail", audience="vaxtrail", public_key_pem=public_key.read_bytes())
    return create_app(SETTINGS, blueprints=[stock_blueprint()], authenticator=authenticator, readiness_checks=checks)


@pytest.fixture
def client(tmp_path, private_pem):
    return build_app(tmp_path, database=lambda: None).test_client()


@pytest.fixture
def admin(private_pem) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(private_pem, subject='admin-1', role=NATIONAL_ADMIN, scopes=['national'])}"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert {"type", "title", "detail", "instance"} <= body.keys()
    return body


def test_valid_command_is_accepted(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 500}, headers=admin)
    assert response.status_code == 201
    assert response.get_json() == {"location": "W-NAT", "lot": "LOT-ABV5300", "doses": 500}


def test_malformed_json_is_400(client, admin):
    response = client.post("/stock/W-NAT/receipts", data="{lot:", content_type="application/json", headers=admin)
    assert assert_problem(response, 400)["rule"] == "json"


def test_body_not_sent_as_json_is_400(client, admin):
    response = client.post("/stock/W-NAT/receipts", data="lot=LOT-1", headers=admin)
    assert assert_problem(response, 400)["rule"] == "content-type"


def test_missing_token_is_401_with_bearer_challenge(client):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 5})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_role_is_403(client, private_pem):
    officer = mint_token(private_pem, subject="officer-79-01", role=PROVINCE_OFFICER, scopes=["province:79"])
    response = client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 5},
                           headers={"Authorization": f"Bearer {officer}"})
    assert assert_problem(response, 403)["rule"] == "role"


def test_unknown_route_is_404_problem(client):
    assert_problem(client.get("/no/such/route"), 404)


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.delete("/healthz")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_concurrency_conflict_is_409(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 5, "outcome": "conflict"}, headers=admin)
    assert assert_problem(response, 409)["type"] == "urn:vaxtrail:problem:concurrency-conflict"


def test_not_found_error_is_404_naming_the_field(client, admin):
    response = client.post("/stock/W-X/receipts", json={"lot": "L", "doses": 5, "outcome": "missing"}, headers=admin)
    assert assert_problem(response, 404)["field"] == "location"


def test_pydantic_validation_is_422_listing_each_field(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"doses": 0}, headers=admin)
    body = assert_problem(response, 422)
    assert body["field"] == "lot"
    rules = {error["field"]: error["rule"] for error in body["errors"]}
    assert rules == {"lot": "missing", "doses": "greater_than"}


def test_nested_invalid_field_is_named_by_dotted_path(client, admin):
    storage = [{"unit": "FRIDGE-1", "doses": 10}, {"unit": "FRIDGE-2", "doses": -1}]
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 9, "storage": storage}, headers=admin)
    assert assert_problem(response, 422)["errors"] == [
        {"field": "storage.1.doses", "rule": "greater_than", "message": "Input should be greater than 0"}
    ]


def test_only_invalid_doses_names_doses_and_greater_than(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 0}, headers=admin)
    body = assert_problem(response, 422)
    assert (body["field"], body["rule"]) == ("doses", "greater_than")


@pytest.mark.parametrize("body", [True, [], "lot", 5])
def test_a_body_that_is_not_an_object_is_a_422_whose_error_names_no_field(client, admin, body):
    """Found by fuzzing: the whole body's error carried ``"field": null``, which the documented Problem
    schema (``field`` a string) does not allow."""
    response = client.post("/stock/W-NAT/receipts", data=json.dumps(body), content_type="application/json",
                           headers=admin)
    problem = assert_problem(response, 422)
    assert problem["errors"] == [{"rule": "model_type", "message": "Input should be an object"}]
    assert "field" not in problem and problem["detail"] == "1 invalid field(s): (body)"


def test_domain_error_is_422_with_its_rule(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 5, "outcome": "rule"}, headers=admin)
    body = assert_problem(response, 422)
    assert (body["rule"], body["field"], body["detail"]) == ("INV-2", "lot", "lot LOT-ABV5300 has expired")


def test_unexpected_error_is_500_without_internals(client, admin, caplog):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 5, "outcome": "crash"}, headers=admin)
    body = assert_problem(response, 500)
    assert "hunter2" not in response.get_data(as_text=True)
    assert any(record.exc_info and "hunter2" in str(record.exc_info[1]) for record in caplog.records)
    assert body["title"] == "Internal error"


def test_incoming_request_id_is_echoed_and_sanitised(client):
    assert client.get("/healthz", headers={"X-Request-ID": "req-42"}).headers["X-Request-ID"] == "req-42"
    hostile = client.get("/healthz", headers={"X-Request-ID": "a<script>" + "b" * 300}).headers["X-Request-ID"]
    assert hostile.startswith("ascript") and len(hostile) == 128
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_request_id_appears_in_problem_body(client):
    body = assert_problem(client.get("/nowhere", headers={"X-Request-ID": "trace-7"}), 404)
    assert body["request_id"] == "trace-7"


def test_healthz_reports_the_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "service": "inventory"}


def test_readyz_is_200_when_every_check_passes(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": {"ok": True}}


def test_readyz_is_503_naming_the_failed_check(tmp_path, private_pem):
    client = build_app(tmp_path, database=lambda: None, kafka=failing_kafka_check).test_client()
    body = assert_problem(client.get("/readyz"), 503)
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["kafka"]["ok"] is False
    assert "unreachable" in body["checks"]["kafka"]["error"]


def test_metrics_count_requests_by_route(client, admin):
    client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 5}, headers=admin)
    client.get("/no/such/route")
    response = client.get("/metrics")
    assert response.content_type.startswith("text/plain")
    samples = [
        sample.labels
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
        if sample.name == "vaxtrail_http_requests_total"
    ]
    assert {"service": "inventory", "method": "POST", "route": "/stock/<location>/receipts", "status": "201"} in samples
    assert {"service": "inventory", "method": "GET", "route": "unmatched", "status": "404"} in samples


def test_access_log_names_route_status_and_actor(client, admin, caplog):
    caplog.set_level("INFO", logger="eventkit.access")
    client.post("/stock/W-NAT/receipts", json={"lot": "LOT-ABV5300", "doses": 5}, headers=admin)
    record = next(r for r in caplog.records if r.name == "eventkit.access")
    assert (record.route, record.status, record.actor_id) == ("/stock/<location>/receipts", 201, "admin-1")
    assert record.duration_ms >= 0


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_each_request_writes_one_json_access_line(client, capsys, restore_logging):
    configure_logging("inventory", "INFO")  # here, not in a fixture: capsys swaps stderr per test phase
    client.get("/healthz", headers={"X-Request-ID": "trace-9"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    access = [line for line in lines if line["logger"] == "eventkit.access"]
    assert len(access) == 1
    assert {k: access[0][k] for k in ("level", "service", "request_id", "method", "path", "route", "status")} == {
        "level": "INFO", "service": "inventory", "request_id": "trace-9", "method": "GET", "path": "/healthz",
        "route": "/healthz", "status": 200,
    }


def test_a_body_larger_than_the_limit_is_a_413_problem(client, admin):
    body = b'{"lot": "LOT-ABV5300", "doses": 500, "note": "' + b"x" * SETTINGS.max_request_bytes + b'"}'
    response = client.post("/stock/W-NAT/receipts", data=body, headers=admin | {"Content-Type": "application/json"})
    assert_problem(response, 413)


# -- hostile URL input (eventkit.web.guards) ------------------------------------------------------------------


@pytest.mark.parametrize(("url", "rule", "field"), [
    ("/stock/W%00NAT/receipts", "control-character", "location"),
    ("/stock/W%1bNAT/receipts", "control-character", "location"),
    ("/stock/W%7fNAT/receipts", "control-character", "location"),
    ("/stock/W%zzNAT/receipts", "percent-encoding", "location"),
    ("/stock/W%ffNAT/receipts", "percent-encoding", "location"),
    ("/stock/W-NAT/receipts?note=a%00b", "control-character", "note"),
    ("/stock/W-NAT/receipts?note=a%0Ab", "control-character", "note"),
    ("/stock/W-NAT/receipts?note=100%", "percent-encoding", "note"),
    ("/stock/W-NAT/receipts?note=%C3", "percent-encoding", "note"),
    ("/stock/W-NAT/receipts?no%00te=1", "control-character", "no\\x00te"),
    ("/stock%00/W-NAT/receipts", "control-character", "path"),
])
def test_hostile_url_input_is_a_400_naming_the_check_and_the_parameter(client, admin, url, rule, field):
    response = client.post(url, json={"lot": "LOT-ABV5300", "doses": 5}, headers=admin)
    body = assert_problem(response, 400)
    assert (body["rule"], body["field"]) == (rule, field)


def test_escaped_percent_signs_and_utf8_are_ordinary_input(client, admin):
    response = client.post("/stock/W%25zz-Nguy%E1%BB%85n/receipts?note=50%25+off",
                           json={"lot": "LOT-ABV5300", "doses": 5}, headers=admin)
    assert response.status_code == 201
    assert response.get_json()["location"] == "W%zz-Nguyễn"


def test_hostile_url_is_refused_before_authentication(client):
    assert assert_problem(client.get("/stock/%00/receipts"), 400)["rule"] == "control-character"


# -- the database is down or refuses a value ----------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["database-down", "pool-exhausted", "connection-lost"])
def test_database_outage_is_a_503_with_retry_after(client, admin, outcome):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 5, "outcome": outcome}, headers=admin)
    body = assert_problem(response, 503)
    assert body["type"] == "urn:vaxtrail:problem:database-unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert "10.0.0.5" not in response.get_data(as_text=True)


def test_a_value_the_database_cannot_store_is_a_422_not_a_500(client, admin):
    response = client.post("/stock/W-NAT/receipts", json={"lot": "L", "doses": 5, "outcome": "unstorable"},
                           headers=admin)
    assert assert_problem(response, 422)["rule"] == "database-value"


def test_gunicorn_workers_use_the_problem_media_type_and_type_prefix_of_the_apps():
    from eventkit.web import gunicorn_workers, problems

    assert gunicorn_workers.PROBLEM_JSON == problems.PROBLEM_JSON
    assert gunicorn_workers.PROBLEM_TYPE_PREFIX == problems.PROBLEM_TYPE_PREFIX
