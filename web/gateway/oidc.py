"""OpenID Connect sign-in: authorization code flow with PKCE (RFC 7636, ``S256``) against any provider.

``GET /auth/login?next=/console`` makes a fresh ``state``, ``nonce`` and PKCE verifier, keeps them in a
short-lived cookie signed with ``WEB_SESSION_SECRET`` (``SameSite=Lax``: it must come back on the
provider's redirect) and sends the browser to the provider with ``code_challenge = BASE64URL(SHA-256(
verifier))``. ``GET /auth/callback?code&state`` refuses a state that is not the one it issued (or a login
cookie that is missing, forged or older than ten minutes), exchanges the code with the verifier at the
token endpoint, checks the token it received like every service does (``JWT_JWKS_URL``) and signs the
user in. ``next`` is only ever a path of this site. The provider must put VaxTrail's ``role`` and
``scope`` claims in the token the services receive (``OIDC_TOKEN_FIELD``, default ``access_token``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from functools import cache

import jwt
from flask import Blueprint, Response, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from eventkit.auth import Unauthenticated
from eventkit.errors import VaxTrailError
from web.gateway.settings import GatewaySettings, OidcSettings
from web.gateway.signin import check, sign_in

LOGIN_COOKIE = "vaxtrail_oidc"
LOGIN_MAX_AGE = 600


class SignInFailed(VaxTrailError):
    status = 400
    title = "Sign-in failed"


class ProviderUnavailable(VaxTrailError):
    status = 502
    title = "Identity provider unavailable"


def pkce_pair() -> tuple[str, str]:
    """A fresh (verifier, S256 challenge) pair: 43 characters of base64url randomness and its hash."""
    verifier = secrets.token_urlsafe(32)
    return verifier, s256(verifier)


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def safe_next(value: str | None) -> str:
    """A path of this site to land on after sign-in; anything else (``//evil``, ``https://...``) is ``/``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@cache
def _discovered(issuer: str) -> dict:
    return _get_json(f"{issuer}/.well-known/openid-configuration")


def endpoints(oidc: OidcSettings) -> tuple[str, str]:
    if oidc.authorization_endpoint and oidc.token_endpoint:
        return oidc.authorization_endpoint, oidc.token_endpoint
    found = _discovered(oidc.issuer)
    return (oidc.authorization_endpoint or found["authorization_endpoint"],
            oidc.token_endpoint or found["token_endpoint"])


def _get_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return json.load(answer)
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"cannot read {url}: {exc}", rule="oidc-provider") from exc


def exchange_code(oidc: OidcSettings, token_endpoint: str, code: str, verifier: str) -> dict:
    """POST the code and the PKCE verifier to the token endpoint; the token response as a dict."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": oidc.redirect_uri,
            "client_id": oidc.client_id, "code_verifier": verifier}
    if oidc.client_secret:
        form["client_secret"] = oidc.client_secret
    exchange = urllib.request.Request(token_endpoint, data=urllib.parse.urlencode(form).encode(), method="POST",
                                      headers={"Content-Type": "application/x-www-form-urlencoded",
                                               "Accept": "application/json"})
    try:
        with urllib.request.urlopen(exchange, timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as exc:
        raise SignInFailed(f"the provider refused the code ({exc.code})", rule="oidc-token") from exc
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"token endpoint unreachable: {exc}", rule="oidc-provider") from exc


def _check_nonce(id_token: object, nonce: str) -> None:
    """The ID token (if the provider sent one) must carry the nonce this login sent. It came straight from the
    token endpoint over TLS, which OpenID Connect Core 3.1.3.7 accepts in place of its signature; the token the
    services receive is verified in full."""
    if not isinstance(id_token, str):
        return
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise SignInFailed("the provider's ID token is malformed", rule="oidc-token") from exc
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInFailed("the ID token's nonce is not the one this sign-in sent", rule="oidc-nonce")


def oidc_blueprint(settings: GatewaySettings) -> Blueprint:
    bp = Blueprint("gateway_oidc", __name__)
    oidc = settings.oidc
    serializer = URLSafeTimedSerializer(settings.session_secret, salt="vaxtrail-oidc-login")

    @bp.get("/auth/login")
    def login() -> Response:
        if oidc is None:
            raise SignInFailed("OpenID Connect is not configured here (OIDC_CLIENT_ID)", rule="oidc-not-configured")
        authorize, _ = endpoints(oidc)
        verifier, challenge = pkce_pair()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": oidc.client_id, "redirect_uri": oidc.redirect_uri,
            "scope": oidc.scopes, "state": state, "nonce": nonce, "code_challenge": challenge,
            "code_challenge_method": "S256"})
        response = redirect(f"{authorize}{'&' if '?' in authorize else '?'}{query}", code=302)
        login_state = {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(request.args.get("next"))}
        response.set_cookie(LOGIN_COOKIE, serializer.dumps(login_state), max_age=LOGIN_MAX_AGE, path="/auth",
                            httponly=True, secure=settings.cookie_secure, samesite="Lax")
        return response

    @bp.get("/auth/callback")
    def callback() -> Response:
        if oidc is None:
            raise SignInFailed("OpenID Connect is not configured here (OIDC_CLIENT_ID)", rule="oidc-not-configured")
        if request.args.get("error"):
            raise SignInFailed(f"the provider answered {request.args['error'][:100]}", rule="oidc-error")
        try:
            login_state = serializer.loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=LOGIN_MAX_AGE)
        except BadSignature as exc:
            raise SignInFailed("no sign-in in progress from this browser (or it took over ten minutes)",
                               rule="oidc-state", field="state") from exc
        if not hmac.compare_digest(str(login_state.get("state", "")), request.args.get("state", "")):
            raise SignInFailed("the state does not match the sign-in this browser started", rule="oidc-state",
                               field="state")
        code = request.args.get("code", "")
        if not code:
            raise SignInFailed("the provider sent no code", rule="oidc-code", field="code")
        _, token_endpoint = endpoints(oidc)
        tokens = exchange_code(oidc, token_endpoint, code, login_state["verifier"])
        _check_nonce(tokens.get("id_token"), login_state["nonce"])
        token = tokens.get(oidc.token_field)
        if not isinstance(token, str) or not token:
            raise SignInFailed(f"the token response has no {oidc.token_field}", rule="oidc-token")
        try:
            check(token)
        except Unauthenticated as exc:
            raise SignInFailed(f"the provider's token is not one VaxTrail accepts: {exc.detail}",
                               rule="oidc-token") from exc
        response = sign_in(redirect(login_state["next"], code=302), token, settings)
        response.delete_cookie(LOGIN_COOKIE, path="/auth")
        return response

    return bp
