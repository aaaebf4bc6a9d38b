"""The gateway's settings, read from the environment once (:meth:`GatewaySettings.from_env`).

=============================== =====================================================================
``VAXTRAIL_ENV``                ``local`` enables the development sign-in; anything else is production
``PORT`` / ``BIND``             where gunicorn listens (``vaxtrail up``: 127.0.0.1:8080)
``WEB_DIST``                    the built browser app (default ``web/app/dist`` beside the ``web`` package: the
                                checkout's, or the one the wheel installs - the image's)
``WEB_UPSTREAM_<SERVICE>``      base URL of a service, e.g. ``WEB_UPSTREAM_INVENTORY=http://inventory:8000``
                                (default ``http://127.0.0.1:<its local port>``, 8001-8006)
``WEB_UPSTREAM_TIMEOUT``        seconds to wait for a service (default 120: CSV uploads are slow)
``WEB_COOKIE_SECURE``           ``true`` / ``false``: the cookie's ``Secure`` flag (default: false only in
                                local mode, where the site is plain http on 127.0.0.1)
``JWT_PUBLIC_KEY_FILE`` /       how the gateway checks the token it holds before showing who is signed in
``JWT_JWKS_URL``                (as every service does; one of them is required)
``JWT_ISSUER``, ``JWT_AUDIENCE`` expected ``iss`` / ``aud`` (default ``vaxtrail``)
``JWT_PRIVATE_KEY_FILE``        local mode only: the development key the dev sign-in signs with
``WEB_DEV_TOKEN_TTL``           seconds a development token lives (default 28800: one working day)
``WEB_SESSION_SECRET``          signs the short-lived OpenID Connect login cookie (state, nonce, PKCE
                                verifier); required when OpenID Connect is configured
``OIDC_ISSUER``                 the provider; its ``/.well-known/openid-configuration`` names the endpoints
``OIDC_AUTHORIZATION_ENDPOINT``, ``OIDC_TOKEN_ENDPOINT``  instead of discovery
``OIDC_CLIENT_ID``              this app's client id at the provider (enables OpenID Connect sign-in)
``OIDC_CLIENT_SECRET``          only for a confidential client (PKCE is used either way)
``OIDC_REDIRECT_URI``           ``https://<host>/auth/callback`` as registered at the provider
``OIDC_SCOPES``                 default ``openid profile``
``OIDC_TOKEN_FIELD``            which token of the token response the services accept (default
                                ``access_token``; it must carry VaxTrail's ``role`` and ``scope`` claims)
=============================== =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eventkit.settings import PORTS, SettingsError

SOURCE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIST = SOURCE_ROOT / "web" / "app" / "dist"
GATEWAY_PORT = 8080


@dataclass(frozen=True)
class OidcSettings:
    client_id: str
    redirect_uri: str
    issuer: str = ""
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    client_secret: str = ""
    scopes: str = "openid profile"
    token_field: str = "access_token"


@dataclass(frozen=True)
class GatewaySettings:
    env: str
    dist: Path
    upstreams: Mapping[str, str]
    jwt_issuer: str = "vaxtrail"
    jwt_audience: str = "vaxtrail"
    jwt_public_key_file: str | None = None
    jwt_jwks_url: str | None = None
    jwt_private_key_file: str | None = None
    dev_token_ttl: int = 8 * 3600
    cookie_secure: bool = True
    upstream_timeout: float = 120.0
    session_secret: str = field(default="", repr=False)
    oidc: OidcSettings | None = None
    log_level: str = "INFO"

    @property
    def local(self) -> bool:
        return self.env == "local"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewaySettings:
        env = os.environ if environ is None else environ
        mode = env.get("VAXTRAIL_ENV", "production")
        upstreams = {svc: env.get(f"WEB_UPSTREAM_{svc.upper()}") or f"http://127.0.0.1:{port}"
                     for svc, port in PORTS.items()}
        oidc = None
        if env.get("OIDC_CLIENT_ID"):
            oidc = OidcSettings(
                client_id=env["OIDC_CLIENT_ID"], redirect_uri=_required(env, "OIDC_REDIRECT_URI"),
                issuer=env.get("OIDC_ISSUER", "").rstrip("/"),
                authorization_endpoint=env.get("OIDC_AUTHORIZATION_ENDPOINT", ""),
                token_endpoint=env.get("OIDC_TOKEN_ENDPOINT", ""), client_secret=env.get("OIDC_CLIENT_SECRET", ""),
                scopes=env.get("OIDC_SCOPES", "openid profile"), token_field=env.get("OIDC_TOKEN_FIELD", "access_token"))
            if not oidc.issuer and not (oidc.authorization_endpoint and oidc.token_endpoint):
                raise SettingsError("OpenID Connect needs OIDC_ISSUER or both OIDC_AUTHORIZATION_ENDPOINT and "
                                    "OIDC_TOKEN_ENDPOINT")
            if not env.get("WEB_SESSION_SECRET"):
                raise SettingsError("WEB_SESSION_SECRET is required with OpenID Connect (it signs the login cookie)")
        if not env.get("JWT_PUBLIC_KEY_FILE") and not env.get("JWT_JWKS_URL"):
            raise SettingsError("set JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL: the gateway checks the token it holds")
        secure = env.get("WEB_COOKIE_SECURE", "false" if mode == "local" else "true").lower()
        if secure not in {"true", "false"}:
            raise SettingsError(f"WEB_COOKIE_SECURE={secure!r}: expected true or false")
        try:
            return cls(
                env=mode, dist=Path(env.get("WEB_DIST") or DEFAULT_DIST), upstreams=upstreams,
                jwt_issuer=env.get("JWT_ISSUER", "vaxtrail"), jwt_audience=env.get("JWT_AUDIENCE", "vaxtrail"),
                jwt_public_key_file=env.get("JWT_PUBLIC_KEY_FILE") or None, jwt_jwks_url=env.get("JWT_JWKS_URL") or None,
                jwt_private_key_file=env.get("JWT_PRIVATE_KEY_FILE") or None,
                dev_token_ttl=int(env.get("WEB_DEV_TOKEN_TTL", str(8 * 3600))), cookie_secure=secure == "true",
                upstream_timeout=float(env.get("WEB_UPSTREAM_TIMEOUT", "120")),
                session_secret=env.get("WEB_SESSION_SECRET", ""), oidc=oidc, log_level=env.get("LOG_LEVEL", "INFO"))
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise SettingsError(f"{name} is required with OIDC_CLIENT_ID")
    return value
