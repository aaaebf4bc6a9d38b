"""``POST /auth/household``: a citizen's token widened to exactly the persons registration lists under the
account (asked with the citizen's own token), in local mode only."""

from __future__ import annotations

import jwt
import pytest
from flask import Flask, jsonify, request

from .servers import gateway, gateway_env, serving

REGISTRATION = Flask("fake-registration")
CLIENT = {"X-VaxTrail-Client": "web"}


@REGISTRATION.get("/v1/me/persons")
def _my_persons():
    claims = jwt.decode(request.headers["Authorization"].removeprefix("Bearer "), options={"verify_signature": False})
    households = {"citizen-an": ["P-AN", "P-AN-CHILD"], "citizen-binh": ["P-BINH"]}
    return jsonify(items=[{"person_id": p, "status": "PENDING", "appointment_id": None}
                          for p in households.get(claims["sub"], [])])


@pytest.fixture
def registration_url():
    with serving(REGISTRATION) as url:
        yield url


def citizen(tmp_path, registration_url, name="citizen-an", **env):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_REGISTRATION=registration_url, **env)).test_client()
    answer = client.post("/auth/dev", json={"role": "citizen", "scopes": ["person:none"], "name": name})
    return client, answer


def test_a_citizens_token_gets_exactly_the_persons_of_their_account(tmp_path, registration_url):
    client, _ = citizen(tmp_path, registration_url)
    answer = client.post("/auth/household", headers=CLIENT)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert (answer.get_json()["actor_id"], answer.get_json()["scopes"]) == ("citizen-an", ["person:P-AN", "person:P-AN-CHILD"])
    assert client.get("/auth/me").get_json()["scopes"] == ["person:P-AN", "person:P-AN-CHILD"]
    # another account's citizen gets their own household, never the first one's
    other, _ = citizen(tmp_path, registration_url, name="citizen-binh")
    assert other.post("/auth/household", headers=CLIENT).get_json()["scopes"] == ["person:P-BINH"]


def test_a_citizen_with_no_one_registered_keeps_their_token(tmp_path, registration_url):
    client, _ = citizen(tmp_path, registration_url, name="citizen-new")
    assert client.post("/auth/household", headers=CLIENT).get_json()["scopes"] == ["person:none"]


def test_staff_a_script_without_the_client_header_or_nobody_signed_in_get_no_household(tmp_path, registration_url):
    client, _ = citizen(tmp_path, registration_url)
    refused = client.post("/auth/household")
    assert (refused.status_code, refused.get_json()["rule"]) == (403, "csrf")
    staff = gateway(gateway_env(tmp_path, WEB_UPSTREAM_REGISTRATION=registration_url)).test_client()
    assert staff.post("/auth/household", headers=CLIENT).status_code == 401
    staff.post("/auth/dev", json={"role": "province_officer", "scopes": ["province:79"]})
    refused = staff.post("/auth/household", headers=CLIENT)
    assert (refused.status_code, refused.get_json()["rule"]) == (403, "role")


def test_outside_local_mode_the_provider_issues_the_household(tmp_path, registration_url):
    client = gateway(gateway_env(tmp_path, WEB_UPSTREAM_REGISTRATION=registration_url,
                                 VAXTRAIL_ENV="production")).test_client()
    refused = client.post("/auth/household", headers=CLIENT)
    assert (refused.status_code, refused.get_json()["rule"]) == (403, "household-from-provider")
    assert client.get_cookie("vaxtrail_token") is None
