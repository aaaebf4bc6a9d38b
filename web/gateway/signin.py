"""Who is signed in: the token cookie, ``/auth/me``, ``/auth/logout`` and the development sign-in.

The token lives in an HttpOnly, ``SameSite=Strict`` cookie that scripts cannot read; the gateway checks
it with the same verifier the services use (:class:`eventkit.auth.Authenticator`) before saying who is
signed in. ``POST /auth/dev`` (local mode only: ``VAXTRAIL_ENV=local``, as ``vaxtrail up`` sets) lets a
developer pick a role, scopes and a name and mints a token with the stack's development key; anywhere else
it is a 403 and mints nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import jwt
from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import Field

from eventkit.auth import (
    ROLES,
    Authenticator,
    Principal,
    Unauthenticated,
    is_valid_scope,
    kid_of_key_file,
    mint_token,
)
from eventkit.auth.tokens import subject_problem
from eventkit.errors import VaxTrailError
from eventkit.web import parse_body
from eventkit.web.models import StrictModel, line
from web.gateway.settings import GatewaySettings

TOKEN_COOKIE = "vaxtrail_token"
SETTINGS_EXTENSION = "web.gateway.settings"
AUTHENTICATOR = "web.gateway.authenticator"


class DevSignIn(StrictModel):
    role: Annotated[str, Field(min_length=1, max_length=40)]
    scopes: list[line(80, min_length=1)] = Field(min_length=1, max_length=10)
    name: line(80) = ""


class DevSignInRefused(VaxTrailError):
    status = 403
    title = "Forbidden"


class BadSignIn(VaxTrailError):
    status = 422
    title = "Invalid sign-in"


def authenticator_for(settings: GatewaySettings) -> Authenticator:
    if settings.jwt_public_key_file:
        path = Path(settings.jwt_public_key_file)
        return Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                             public_key_pem=path.read_bytes(), kid=kid_of_key_file(path))
    return Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks_url=settings.jwt_jwks_url)


def token_from_cookie() -> str | None:
    return request.cookies.get(TOKEN_COOKIE) or None


def check(token: str) -> Principal:
    """The principal of ``token``; :class:`Unauthenticated` when it is not valid (expired, wrong key...)."""
    return current_app.extensions[AUTHENTICATOR].authenticate(f"Bearer {token}")


def sign_in(response: Response, token: str, settings: GatewaySettings) -> Response:
    """Put ``token`` in the cookie for as long as it lives."""
    expires = int(jwt.decode(token, options={"verify_signature": False}).get("exp", time.time() + 3600))
    response.set_cookie(TOKEN_COOKIE, token, max_age=max(0, expires - int(time.time())), path="/", httponly=True,
                        secure=settings.cookie_secure, samesite="Strict")
    return response


def describe(principal: Principal | None, settings: GatewaySettings, token: str | None = None) -> dict:
    """What the app needs to know: who (if anyone), until when, and which sign-ins this gateway offers."""
    body: dict = {"signed_in": principal is not None, "env": settings.env,
                  "dev_signin": settings.local and bool(settings.jwt_private_key_file),
                  "oidc": settings.oidc is not None, "roles": sorted(ROLES)}
    if principal is not None:
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
        body.update(actor_id=principal.actor_id, role=principal.role, scopes=list(principal.scopes),
                    expires_at=claims.get("exp"))
    return body


def signin_blueprint(settings: GatewaySettings) -> Blueprint:
    bp = Blueprint("gateway_signin", __name__)

    @bp.get("/auth/me")
    def me() -> Response:
        token = token_from_cookie()
        principal = None
        if token:
            try:
                principal = check(token)
            except Unauthenticated:
                principal = None
        response = jsonify(describe(principal, settings, token))
        response.headers["Cache-Control"] = "no-store"
        if token and principal is None:
            response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    @bp.post("/auth/logout")
    def logout() -> Response:
        response = jsonify(describe(None, settings))
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    @bp.post("/auth/dev")
    def dev_sign_in() -> Response:
        if not settings.local:
            raise DevSignInRefused("the development sign-in exists only in local mode (VAXTRAIL_ENV=local)",
                                   rule="dev-signin-local-only")
        if not settings.jwt_private_key_file or not Path(settings.jwt_private_key_file).is_file():
            raise DevSignInRefused("no development key (JWT_PRIVATE_KEY_FILE): run `vaxtrail up`", rule="dev-key")
        body = parse_body(DevSignIn)
        if body.role not in ROLES:
            raise BadSignIn(f"unknown role {body.role!r}", rule="role", field="role")
        for index, scope in enumerate(body.scopes):
            if not is_valid_scope(scope):
                raise BadSignIn(f"{scope!r} is not national, province:<code>, district:<code>, site:<id> or "
                                    "person:<id>", rule="scope", field=f"scopes.{index}")
        subject = body.name.strip() or f"dev-{body.role}-{body.scopes[0].replace(':', '-')}"
        if subject_problem(subject):
            raise BadSignIn(f"name {subject_problem(subject)}", rule="name", field="name")
        token = mint_token(Path(settings.jwt_private_key_file).read_bytes(), subject=subject, role=body.role,
                           scopes=body.scopes, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                           ttl_seconds=settings.dev_token_ttl, kid=kid_of_key_file(settings.jwt_private_key_file))
        return sign_in(jsonify(describe(check(token), settings, token)), token, settings)

    return bp
