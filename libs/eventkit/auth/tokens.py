"""Bearer tokens: :func:`mint_token` signs one, :class:`Authenticator` verifies one into a :class:`Principal`.

A token is a JWT signed with ES256 (default) or RS256 - never HS*, never ``none`` - whose header names its
key (``kid``) and whose claims are ``sub`` (the actor id), ``role`` (one of ``ROLES``), ``scope`` (a list of
scope strings), ``iss``, ``aud``, ``iat`` and ``exp``. Anything else - a role that is a list, a blank
``sub``, a scope that is not a list of scope strings, a missing or unknown ``kid`` when the verifier's keys
carry one - is a 401, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from eventkit.auth.keys import ALGORITHMS, DEFAULT_KID, algorithm_for, kid_of_key_file
from eventkit.auth.principal import (
    ROLES,
    KeySetUnavailable,
    Principal,
    Unauthenticated,
    is_role,
    is_valid_scope,
)
from eventkit.settings import Settings, SettingsError

MAX_SUBJECT_LENGTH = 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def mint_token(
    private_key_pem: bytes,
    *,
    subject: str,
    role: str,
    scopes: Sequence[str],
    issuer: str = "vaxtrail",
    audience: str = "vaxtrail",
    ttl_seconds: int = 3600,
    kid: str | None = DEFAULT_KID,
    now: datetime | None = None,
) -> str:
    """Sign a bearer token (ES256 for an EC key, RS256 for an RSA key); raises ``ValueError`` on bad input.

    ``kid=None`` leaves the key id out of the header (only for testing verifiers that must refuse that).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
    if isinstance(scopes, str) or not scopes:
        raise ValueError("scopes must be a non-empty list of scope strings")
    bad = [scope for scope in scopes if not is_valid_scope(scope)]
    if bad:
        raise ValueError(f"invalid scope {bad[0]!r}; expected national, province:<code>, district:<code>, "
                         "site:<code> or person:<id>")
    if subject_problem(subject):
        raise ValueError(f"subject {subject!r}: {subject_problem(subject)}")
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    issued = now or datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role,
        "scope": list(scopes),
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + timedelta(seconds=ttl_seconds),
    }
    return jwt.encode(claims, key, algorithm=algorithm_for(key), headers={"kid": kid} if kid else None)


def subject_problem(subject: object) -> str | None:
    """Why ``subject`` cannot be an actor id (it is recorded on every event), or None when it can."""
    if not isinstance(subject, str) or not subject.strip():
        return "must be a non-empty string"
    if _CONTROL.search(subject):
        return "must not contain control characters"
    if len(subject) > MAX_SUBJECT_LENGTH:
        return f"must be at most {MAX_SUBJECT_LENGTH} characters"
    return None


class Authenticator:
    """Verifies bearer tokens against one public key or a JWKS endpoint, for one issuer and audience.

    ``kid`` is the key id of ``public_key_pem`` (from its file name, see :meth:`from_settings`): when set, a
    token must name it. A JWKS key always has a kid, so a token checked against a JWKS must name one.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        public_key_pem: bytes | None = None,
        kid: str | None = None,
        jwks_url: str | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        if (public_key_pem is None) == (jwks_url is None):
            raise SettingsError("an Authenticator needs exactly one of a public key PEM or a JWKS URL")
        self._issuer, self._audience, self._leeway, self._kid = issuer, audience, leeway_seconds, kid
        self._public_key = None if public_key_pem is None else serialization.load_pem_public_key(public_key_pem)
        if self._public_key is not None:
            algorithm_for(self._public_key)
        self._jwks = None if jwks_url is None else jwt.PyJWKClient(jwks_url, cache_keys=True, timeout=5)

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        """Build from ``JWT_PUBLIC_KEY_FILE`` (kid from a ``<kid>.public.pem`` name) or ``JWT_JWKS_URL``."""
        if settings.jwt_public_key_file:
            path = Path(settings.jwt_public_key_file)
            try:
                pem = path.read_bytes()
            except OSError as exc:
                raise SettingsError(f"cannot read JWT_PUBLIC_KEY_FILE {path}: {exc}") from exc
            return cls(issuer=settings.jwt_issuer, audience=settings.jwt_audience, public_key_pem=pem,
                       kid=kid_of_key_file(path))
        if settings.jwt_jwks_url:
            return cls(issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks_url=settings.jwt_jwks_url)
        raise SettingsError(
            "no token verification key: set JWT_JWKS_URL (production) or JWT_PUBLIC_KEY_FILE "
            "(`vaxtrail stack up` writes a development key); refusing to accept unverified tokens"
        )

    def authenticate(self, authorization_header: str | None) -> Principal:
        """The principal of an ``Authorization: Bearer <jwt>`` header; :class:`Unauthenticated` otherwise."""
        if not authorization_header:
            raise Unauthenticated("missing bearer token", token_present=False)
        scheme, _, token = authorization_header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm not in ALGORITHMS:
                raise Unauthenticated(f"token algorithm {algorithm!r} is not accepted; use ES256 or RS256")
            key = self._verification_key(token, header.get("kid"))
            if algorithm_for(key) != algorithm:
                raise Unauthenticated(f"token algorithm {algorithm} does not match the verification key")
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": ["sub", "iss", "aud", "iat", "exp"]},
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise KeySetUnavailable(f"cannot fetch the token signing keys: {exc}") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        return principal_from(claims)

    def _verification_key(self, token: str, kid: object) -> Any:
        keyed = self._jwks is not None or self._kid is not None
        if keyed and not (isinstance(kid, str) and kid):
            raise Unauthenticated("token header has no kid; this service's keys are identified by kid")
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key
        if self._kid is not None and kid != self._kid:
            raise Unauthenticated(f"token kid {str(kid)[:64]!r} is not a key this service trusts")
        return self._public_key


def principal_from(claims: dict[str, Any]) -> Principal:
    """The principal a verified token's claims describe; :class:`Unauthenticated` when they describe none."""
    subject, role, scopes = claims.get("sub"), claims.get("role"), claims.get("scope")
    problem = subject_problem(subject)
    if problem:
        raise Unauthenticated(f"token sub {problem}")
    if not is_role(role):
        raise Unauthenticated(f"token role {str(role)[:64]!r} is not a VaxTrail role")
    if not isinstance(scopes, list) or not scopes or not all(is_valid_scope(s) for s in scopes):
        raise Unauthenticated("token scope must be a non-empty list of scope strings")
    return Principal(actor_id=subject, role=role, scopes=tuple(scopes))
