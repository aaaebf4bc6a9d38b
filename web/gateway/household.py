"""``POST /auth/household``: a citizen's token widened to the persons of their account (local mode only).

A citizen's account is registration's (``GET /v1/me/persons``: self and the family registered from it), but
immunization's and certificate's health records admit a citizen only for a ``person:<id>`` scope in the token.
An identity provider therefore has to put the household's ``person:`` scopes in the citizen's token (a claim
mapper reading registration); after registering a family member the citizen signs in again to get the new
one. In local mode the gateway plays that provider: it asks registration, *with the citizen's own token*, for
the persons of the account and mints a token of the same subject whose scopes are exactly those persons (so a
citizen can never widen their token to someone registration does not list under their account). Outside local
mode it is a 403 problem (``rule: household-from-provider``): the app sends the citizen to sign in again.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from eventkit.auth import Forbidden, Unauthenticated, kid_of_key_file, mint_token
from web.gateway.oidc import ProviderUnavailable
from web.gateway.proxy import CLIENT_HEADER
from web.gateway.settings import GatewaySettings
from web.gateway.signin import check, describe, sign_in, token_from_cookie

MAX_PERSONS = 20


def household_blueprint(settings: GatewaySettings) -> Blueprint:
    bp = Blueprint("gateway_household", __name__)

    @bp.post("/auth/household")
    def household() -> Response:
        if CLIENT_HEADER not in request.headers:
            raise Forbidden(f"a write from the browser must carry {CLIENT_HEADER}", rule="csrf", field=CLIENT_HEADER)
        if not settings.local or not settings.jwt_private_key_file:
            raise Forbidden("the identity provider issues the household's person scopes: sign in again",
                            rule="household-from-provider")
        token = token_from_cookie()
        try:
            principal = check(token) if token else None
        except Unauthenticated:
            principal = None
        if principal is None:
            raise Unauthenticated("sign in first", token_present=bool(token))
        if principal.role != "citizen":
            raise Forbidden("only a citizen has a household", rule="role", field="role")
        persons = _account_persons(settings, token)
        scopes = [f"person:{p}" for p in persons[:MAX_PERSONS]] or list(principal.scopes)
        widened = mint_token(Path(settings.jwt_private_key_file).read_bytes(), subject=principal.actor_id,
                             role="citizen", scopes=scopes, issuer=settings.jwt_issuer,
                             audience=settings.jwt_audience, ttl_seconds=settings.dev_token_ttl,
                             kid=kid_of_key_file(settings.jwt_private_key_file))
        return sign_in(jsonify(describe(check(widened), settings, widened)), widened, settings)

    return bp


def _account_persons(settings: GatewaySettings, token: str) -> list[str]:
    """The person ids registration lists under the token's account (asked with that token)."""
    asked = urllib.request.Request(f"{settings.upstreams['registration'].rstrip('/')}/v1/me/persons",
                                   headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    try:  # the standard library, as the gateway's other upstream calls: the runtime image has no requests
        with urllib.request.urlopen(asked, timeout=settings.upstream_timeout) as answer:
            listed = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise ProviderUnavailable(f"registration answered {error.code}", rule="upstream-refused") from None
    except (OSError, ValueError) as error:
        raise ProviderUnavailable(f"registration did not answer: {error}", rule="upstream-unreachable") from None
    return [str(item["person_id"]) for item in listed.get("items", [])]
