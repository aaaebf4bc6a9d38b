"""OpenID Connect sign-in against a tiny fake provider: the PKCE verifier must hash to the challenge the
login sent, the state must be the one this browser was given, and only then is anyone signed in."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import jwt
import pytest
from flask import Flask, jsonify, request

from eventkit.auth import mint_token
from web.gateway.oidc import pkce_pair, s256, safe_next

from .servers import gateway, gateway_env, serving


class FakeProvider:
    """An authorization server that remembers each code's challenge and checks the verifier at /token."""

    def __init__(self, private_key: bytes) -> None:
        self.codes: dict[str, dict] = {}
        self.exchanges: list[dict] = []
        self.private_key = private_key
        self.app = Flask("fake-idp")
        self.app.add_url_rule("/token", view_func=self.token, methods=["POST"])

    def authorize(self, query: dict) -> str:
        """What the provider does after the user logs in: remember the challenge, hand back a code."""
        code = f"code-{len(self.codes) + 1}"
        self.codes[code] = query
        return code

    def token(self):
        form = request.form.to_dict()
        self.exchanges.append(form)
        asked = self.codes.pop(form.get("code"), None)
        if asked is None or asked["client_id"] != form.get("client_id") or asked["redirect_uri"] != form.get(
                "redirect_uri"):
            return jsonify(error="invalid_grant"), 400
        if asked["code_challenge_method"] != "S256" or s256(form.get("code_verifier", "")) != asked["code_challenge"]:
            return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
        access = mint_token(self.private_key, subject="officer-hoa", role="province_officer", scopes=["province:79"])
        id_token = jwt.encode({"sub": "officer-hoa", "nonce": asked["nonce"], "aud": asked["client_id"]}, "fake-provider-signing-key-of-32-bytes!",
                              algorithm="HS256")
        return jsonify(access_token=access, id_token=id_token, token_type="Bearer", expires_in=3600)


@pytest.fixture
def provider_and_gateway(tmp_path: Path):
    env = gateway_env(tmp_path, VAXTRAIL_ENV="production", WEB_SESSION_SECRET="s3cret-for-tests")
    provider = FakeProvider(Path(env["JWT_PRIVATE_KEY_FILE"]).read_bytes())
    with serving(provider.app) as url:
        env.update(OIDC_CLIENT_ID="vaxtrail-web", OIDC_REDIRECT_URI="http://127.0.0.1:8080/auth/callback",
                   OIDC_AUTHORIZATION_ENDPOINT=f"{url}/authorize", OIDC_TOKEN_ENDPOINT=f"{url}/token")
        yield provider, gateway(env).test_client()


def start_login(client, next_path: str = "/console/approvals") -> dict:
    redirect = client.get(f"/auth/login?next={urllib.parse.quote(next_path)}")
    assert redirect.status_code == 302
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect.headers["Location"]).query))


def test_the_login_sends_an_s256_challenge_a_state_and_a_nonce(provider_and_gateway):
    _, client = provider_and_gateway
    query = start_login(client)
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43 and len(query["state"]) >= 32 and query["nonce"]
    assert query["client_id"] == "vaxtrail-web" and query["redirect_uri"].endswith("/auth/callback")
    cookie = client.get_cookie("vaxtrail_oidc", path="/auth")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert query["code_challenge"] not in cookie.value  # the verifier travels, never the challenge alone


def test_the_callback_exchanges_the_code_with_the_verifier_and_signs_the_user_in(provider_and_gateway):
    provider, client = provider_and_gateway
    query = start_login(client)
    code = provider.authorize(query)
    landed = client.get(f"/auth/callback?code={code}&state={query['state']}")
    assert (landed.status_code, landed.headers["Location"]) == (302, "/console/approvals")
    [exchange] = provider.exchanges
    assert s256(exchange["code_verifier"]) == query["code_challenge"]
    me = client.get("/auth/me").get_json()
    assert (me["signed_in"], me["actor_id"], me["role"]) == (True, "officer-hoa", "province_officer")
    # The login cookie is spent: the same callback again signs nobody in.
    again = client.get(f"/auth/callback?code={code}&state={query['state']}")
    assert (again.status_code, again.get_json()["rule"]) == (400, "oidc-state")


def test_a_state_this_browser_was_not_given_is_refused_before_any_code_is_exchanged(provider_and_gateway):
    provider, client = provider_and_gateway
    query = start_login(client)
    code = provider.authorize(query)
    forged = client.get(f"/auth/callback?code={code}&state=someone-elses-state")
    assert (forged.status_code, forged.get_json()["rule"], forged.get_json()["field"]) == (400, "oidc-state", "state")
    assert provider.exchanges == [] and client.get_cookie("vaxtrail_token") is None


def test_a_code_redeemed_with_another_logins_verifier_is_refused_by_the_provider(provider_and_gateway):
    """Two logins in flight: the code of the first, completed with the second's cookie and state, fails PKCE."""
    provider, client = provider_and_gateway
    first = start_login(client)
    code = provider.authorize(first)
    second = start_login(client)  # replaces the login cookie (and so the verifier)
    stolen = client.get(f"/auth/callback?code={code}&state={second['state']}")
    assert (stolen.status_code, stolen.get_json()["rule"]) == (400, "oidc-token")
    assert client.get_cookie("vaxtrail_token") is None


def test_a_login_cookie_that_was_tampered_with_is_refused(provider_and_gateway):
    provider, client = provider_and_gateway
    query = start_login(client)
    cookie = client.get_cookie("vaxtrail_oidc", path="/auth")
    client.set_cookie("vaxtrail_oidc", cookie.value[:-2] + "xx", path="/auth")
    refused = client.get(f"/auth/callback?code={provider.authorize(query)}&state={query['state']}")
    assert (refused.status_code, refused.get_json()["rule"]) == (400, "oidc-state")


def test_an_error_from_the_provider_is_shown_not_followed(provider_and_gateway):
    _, client = provider_and_gateway
    start_login(client)
    refused = client.get("/auth/callback?error=access_denied&state=x")
    assert (refused.status_code, refused.get_json()["rule"]) == (400, "oidc-error")


def test_pkce_pairs_are_fresh_and_next_is_only_ever_a_path_of_this_site():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and s256(verifier) == challenge and pkce_pair()[0] != verifier
    # RFC 7636 appendix B's example.
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert [safe_next(n) for n in ("/site", "//evil.example", "https://evil.example", "/\\evil", None)] == [
        "/site", "/", "/", "/", "/"]
