"""The gateway: the app's files, the API proxy (token from the cookie, CSRF header, streaming, outages) and
the development sign-in (local mode only)."""

from __future__ import annotations

import json

import pytest
from flask import Flask, jsonify, request

from eventkit.settings import SettingsError
from web.gateway.settings import GatewaySettings

from .servers import gateway, gateway_env, serving

ECHO = Flask("fake-service")


@ECHO.route("/<path:path>", methods=["GET", "POST", "DELETE"])
def _echo(path: str):
    body = request.get_data()
    if path == "v1/refuse":
        return (json.dumps({"type": "about:blank", "title": "Business rule violated", "status": 422,
                            "detail": "more than released", "rule": "INV-15", "field": "lines"}), 422,
                {"Content-Type": "application/problem+json", "Idempotent-Replayed": "false"})
    return jsonify(path=request.full_path, method=request.method, authorization=request.headers.get("Authorization"),
                   cookie=request.headers.get("Cookie"), key=request.headers.get("Idempotency-Key"),
                   purpose=request.headers.get("X-Purpose"), length=len(body), body=body[:64].decode("latin-1"))


@pytest.fixture
def echo_url():
    with serving(ECHO) as url:
        yield url


def signed_in(client, role="vaccinator", scopes=("site:S-79-760-01",), name="") -> dict:
    answer = client.post("/auth/dev", json={"role": role, "scopes": list(scopes), "name": name})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_the_app_is_served_for_its_routes_and_hashed_files_are_cached_for_a_year(tmp_path):
    client = gateway(gateway_env(tmp_path)).test_client()
    for route in ("/", "/site", "/console/approvals", "/site/visits/V-1"):
        page = client.get(route)
        assert page.status_code == 200 and b'<div id=app>' in page.data, route
        assert page.headers["Cache-Control"] == "no-cache"
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    asset = client.get("/assets/app-3f2a.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/../keys/local-dev-1.private.pem").status_code == 404


def test_the_gateway_is_ready_only_once_the_app_is_built(tmp_path):
    env = gateway_env(tmp_path)
    (tmp_path / "dist" / "index.html").unlink()
    client = gateway(env).test_client()
    assert client.get("/healthz").status_code == 200
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and "app" in not_ready.get_data(as_text=True)
    assert client.get("/site").status_code == 503


def test_the_proxy_forwards_path_query_and_body_with_the_token_from_the_cookie_never_the_cookie(tmp_path, echo_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_IMMUNIZATION=echo_url)).test_client()
    signed_in(client)
    answer = client.post("/api/immunization/v1/sessions/SES-1/check-ins?x=%2Fy", data=b'{"a": 1}',
                         headers={"Content-Type": "application/json", "X-VaxTrail-Client": "web",
                                  "Idempotency-Key": "tab-1:7", "X-Purpose": "CARE"})
    seen = answer.get_json()
    assert answer.status_code == 200, seen
    assert seen["path"] == "/v1/sessions/SES-1/check-ins?x=%2Fy" and seen["method"] == "POST"
    assert seen["authorization"].startswith("Bearer ey") and seen["cookie"] is None
    assert (seen["key"], seen["purpose"], seen["length"]) == ("tab-1:7", "CARE", 8)


def test_a_write_relying_on_the_cookie_without_the_client_header_is_refused_before_reaching_the_service(
        tmp_path, echo_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_INVENTORY=echo_url)).test_client()
    signed_in(client, "national_admin", ("national",))
    refused = client.post("/api/inventory/v1/receipts", json={})
    assert refused.status_code == 403
    assert (refused.get_json()["rule"], refused.headers["Content-Type"]) == ("csrf", "application/problem+json")
    # A script that brings its own token is not riding on the cookie: it passes.
    own = client.post("/api/inventory/v1/receipts", json={}, headers={"Authorization": "Bearer abc"})
    assert own.get_json()["authorization"] == "Bearer abc"


def test_a_services_problem_comes_back_unchanged_and_an_unknown_or_unreachable_service_is_a_problem(
        tmp_path, echo_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_INVENTORY=echo_url,
                                 WEB_UPSTREAM_AUDIT="http://127.0.0.1:9")).test_client()
    refused = client.get("/api/inventory/v1/refuse")
    assert refused.status_code == 422 and refused.headers["Content-Type"] == "application/problem+json"
    assert (refused.get_json()["rule"], refused.get_json()["field"]) == ("INV-15", "lines")
    assert refused.headers["Idempotent-Replayed"] == "false"
    unknown = client.get("/api/billing/v1/x")
    assert (unknown.status_code, unknown.get_json()["rule"]) == (404, "service")
    down = client.get("/api/audit/v1/x")
    assert (down.status_code, down.get_json()["rule"], down.headers["Retry-After"]) == (502, "upstream-unreachable", "5")


def test_a_large_body_streams_through_to_the_service(tmp_path, echo_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_REGISTRATION=echo_url)).test_client()
    signed_in(client, "province_officer", ("province:79",))
    csv = b"national_id_kind,national_id\n" + b"CITIZEN_ID,079185000001\n" * 200_000
    answer = client.post("/api/registration/v1/organisations/ORG-1/uploads", data=csv,
                         headers={"Content-Type": "text/csv", "X-VaxTrail-Client": "web"})
    assert answer.get_json()["length"] == len(csv)


def test_the_development_sign_in_mints_a_token_for_the_chosen_role_scope_and_name(tmp_path):
    client = gateway(gateway_env(tmp_path)).test_client()
    assert client.get("/auth/me").get_json()["signed_in"] is False
    me = signed_in(client, "province_officer", ("province:79",), name="officer-lan")
    assert (me["actor_id"], me["role"], me["scopes"], me["dev_signin"]) == (
        "officer-lan", "province_officer", ["province:79"], True)
    cookie = client.get_cookie("vaxtrail_token")
    assert cookie.http_only and cookie.same_site == "Strict"
    assert client.get("/auth/me").get_json()["role"] == "province_officer"
    assert client.post("/auth/logout").status_code == 200
    assert client.get("/auth/me").get_json()["signed_in"] is False


def test_the_development_sign_in_refuses_a_bad_role_or_scope_naming_the_field(tmp_path):
    client = gateway(gateway_env(tmp_path)).test_client()
    bad_role = client.post("/auth/dev", json={"role": "superuser", "scopes": ["national"]})
    assert (bad_role.status_code, bad_role.get_json()["field"]) == (422, "role")
    bad_scope = client.post("/auth/dev", json={"role": "vaccinator", "scopes": ["site:S-1", "planet:earth"]})
    assert (bad_scope.status_code, bad_scope.get_json()["field"]) == (422, "scopes.1")
    assert client.get_cookie("vaxtrail_token") is None


def test_outside_local_mode_the_development_sign_in_is_refused_and_mints_nothing(tmp_path):
    env = gateway_env(tmp_path, VAXTRAIL_ENV="production")
    client = gateway(env).test_client()
    refused = client.post("/auth/dev", json={"role": "national_admin", "scopes": ["national"]})
    assert refused.status_code == 403
    assert refused.get_json()["rule"] == "dev-signin-local-only"
    assert client.get_cookie("vaxtrail_token") is None
    me = client.get("/auth/me").get_json()
    assert (me["dev_signin"], me["signed_in"]) == (False, False)
    assert GatewaySettings.from_env(env).cookie_secure is True  # production cookies are Secure by default


def test_a_token_the_verifier_refuses_signs_nobody_in_and_is_dropped(tmp_path):
    client = gateway(gateway_env(tmp_path)).test_client()
    client.set_cookie("vaxtrail_token", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    me = client.get("/auth/me")
    assert me.get_json()["signed_in"] is False
    assert "vaxtrail_token=;" in me.headers["Set-Cookie"]


def test_settings_refuse_a_gateway_that_could_not_check_tokens_or_sign_in_safely(tmp_path):
    with pytest.raises(SettingsError, match="JWT_PUBLIC_KEY_FILE"):
        GatewaySettings.from_env({"VAXTRAIL_ENV": "production"})
    with pytest.raises(SettingsError, match="WEB_SESSION_SECRET"):
        GatewaySettings.from_env({"JWT_JWKS_URL": "https://idp/jwks", "OIDC_CLIENT_ID": "vaxtrail-web",
                                  "OIDC_REDIRECT_URI": "https://vaxtrail/auth/callback", "OIDC_ISSUER": "https://idp"})


@pytest.mark.parametrize("path", ["/api/inventory/metrics", "/api/inventory/healthz", "/api/inventory/readyz",
                                  "/api/inventory/", "/api/inventory/v1/../metrics",
                                  "/api/inventory/v1/%2e%2e/metrics", "/api/inventory/v2/stock"])
def test_the_proxy_forwards_only_a_services_api_never_its_metrics_or_probes(tmp_path, echo_url, path):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_INVENTORY=echo_url)).test_client()
    refused = client.get(path)
    assert (refused.status_code, refused.get_json()["rule"]) == (404, "api-route"), refused.get_data(as_text=True)
    assert client.get("/api/inventory/openapi.json").get_json()["path"] == "/openapi.json?"
    assert client.get("/api/inventory/v1/stock?at=x").get_json()["path"] == "/v1/stock?at=x"


def test_the_public_portal_is_served_and_its_reads_reach_the_service_with_no_authorization_at_all(tmp_path, echo_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_IMMUNIZATION=echo_url)).test_client()
    for route in ("/portal", "/portal/", "/portal/sites"):
        page = client.get(route)
        assert page.status_code == 200 and b'<div id=app>' in page.data, route
    seen = client.get("/api/immunization/v1/public/figures?from=2021-10-01&province=79").get_json()
    assert seen["path"] == "/v1/public/figures?from=2021-10-01&province=79"
    assert seen["authorization"] is None and seen["cookie"] is None  # the service decides; it is public there
    # Whoever is signed in, the same route carries their token (the service ignores it on a public route).
    signed_in(client)
    assert client.get("/api/immunization/v1/public/figures").get_json()["authorization"].startswith("Bearer ey")
