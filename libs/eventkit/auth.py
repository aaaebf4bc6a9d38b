"""Bearer JWT authentication: roles, scopes and the ``requires`` route declaration (ARCHITECTURE.md §6).

A token is a JWT signed with ES256 (default) or RS256 - never HS*, never ``none`` - carrying:

- ``sub``   the actor id (recorded as ``actor_id`` on every event the request causes);
- ``role``  one of :data:`ROLES`;
- ``scope`` a list of scope strings: ``national``, ``province:79``, ``district:760``, ``site:S-0001``,
  or ``person:<person id>`` for a citizen;
- ``iss``, ``aud``, ``iat``, ``exp``; the header carries ``kid``.

A service computes a target's *scope path* from its own reference data, e.g.
``["national", "province:79", "district:760", "site:S-0001"]``; a principal may act on the target when
one of its scopes is on that path (:meth:`Principal.covers`).

Views declare who may call them with :func:`requires`; a view without it is public (only health, metrics
and OpenAPI are). Production verifies with a JWKS endpoint; the local stack writes a development key pair
with :func:`generate_dev_keypair` and mints tokens with :func:`mint_token` (``vaxtrail token``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import current_app, g, request

from eventkit.errors import VaxTrailError
from eventkit.settings import Settings, SettingsError

CITIZEN = "citizen"
VACCINATOR = "vaccinator"
SITE_MANAGER = "site_manager"
DISTRICT_OFFICER = "district_officer"
PROVINCE_OFFICER = "province_officer"
NATIONAL_ADMIN = "national_admin"
AUDITOR = "auditor"
ANALYST = "analyst"
PARTNER = "partner"
ROLES: frozenset[str] = frozenset(
    {CITIZEN, VACCINATOR, SITE_MANAGER, DISTRICT_OFFICER, PROVINCE_OFFICER, NATIONAL_ADMIN, AUDITOR, ANALYST, PARTNER}
)

ALGORITHMS: tuple[str, ...] = ("ES256", "RS256")
AUTHENTICATOR_EXTENSION = "eventkit.authenticator"
DEFAULT_KID = "local-dev-1"
_SCOPE = re.compile(r"national|(?:province|district|site|person):[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PRINCIPAL_KEY = "eventkit_principal"

View = TypeVar("View", bound=Callable[..., Any])


class Unauthenticated(VaxTrailError):
    """No valid bearer token: answered with 401 and a ``WWW-Authenticate: Bearer`` challenge."""

    status = 401
    title = "Authentication required"

    def __init__(self, detail: str, *, token_present: bool = True) -> None:
        super().__init__(detail, rule="bearer-token")
        # RFC 6750 §3: no error code when the client sent no credentials at all.
        error = ', error="invalid_token"' if token_present else ""
        self.challenge = f'Bearer realm="vaxtrail"{error}'


class Forbidden(VaxTrailError):
    """The token is valid but its role or scope does not allow the request: 403."""

    status = 403
    title = "Forbidden"


class KeySetUnavailable(VaxTrailError):
    """The JWKS endpoint could not be reached, so no token can be checked: 503, not the client's fault."""

    status = 503
    title = "Token verification unavailable"


def is_valid_scope(scope: str) -> bool:
    """Whether ``scope`` has the syntax of a scope string (``national``, ``province:79`` ...)."""
    return isinstance(scope, str) and _SCOPE.fullmatch(scope) is not None


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who (``actor_id``), as what (``role``) and where (``scopes``)."""

    actor_id: str
    role: str
    scopes: tuple[str, ...]

    def covers(self, path: Sequence[str]) -> bool:
        """Whether one of the principal's scopes lies on the target's scope path."""
        return any(scope in path for scope in self.scopes)

    def require_scope(self, path: Sequence[str], field: str | None = None) -> None:
        """Raise :class:`Forbidden` unless :meth:`covers` ``path``; the message names the scopes that would."""
        if not self.covers(path):
            raise Forbidden(
                f"{self.role} {self.actor_id} has no scope covering {path[-1] if path else 'the target'}; "
                f"needs one of: {', '.join(path)}",
                field=field,
                rule="scope",
            )


def _algorithm_for(key: Any) -> str:
    """The one algorithm a key may verify or sign with (so a token cannot choose another)."""
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"ES256 needs a P-256 key, not {key.curve.name}")
        return "ES256"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise ValueError(f"RS256 needs an RSA key of at least 2048 bits, not {key.key_size}")
        return "RS256"
    raise ValueError(f"unsupported key type {type(key).__name__}; use an EC P-256 or RSA key")


def generate_dev_keypair(directory: Path, kid: str = DEFAULT_KID) -> tuple[Path, Path]:
    """Write ``<kid>.private.pem`` (mode 0600) and ``<kid>.public.pem`` (ES256, P-256) into ``directory``.

    Idempotent: an existing private key is kept (the public key is derived from it when missing), so tokens
    minted earlier stay valid across ``vaxtrail stack up`` runs. Returns ``(private_path, public_path)``.
    """
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, public_path = directory / f"{kid}.private.pem", directory / f"{kid}.public.pem"
    if private_path.exists():
        private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    else:
        private_key = ec.generate_private_key(ec.SECP256R1())
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_atomically(private_path, pem, mode=0o600)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # Rewritten only when missing or not the private key's pair (a stale file would reject every token).
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        _write_atomically(public_path, public_pem, mode=0o644)
    return private_path, public_path


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    # Created with its final mode (never world-readable, even briefly), then renamed into place.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def mint_token(
    private_key_pem: bytes,
    *,
    subject: str,
    role: str,
    scopes: Sequence[str],
    issuer: str = "vaxtrail",
    audience: str = "vaxtrail",
    ttl_seconds: int = 3600,
    kid: str = DEFAULT_KID,
    now: datetime | None = None,
) -> str:
    """Sign a bearer token (ES256 for an EC key, RS256 for an RSA key); raises ``ValueError`` on bad input."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
    if isinstance(scopes, str) or not scopes:
        raise ValueError("scopes must be a non-empty list of scope strings")
    bad = [scope for scope in scopes if not is_valid_scope(scope)]
    if bad:
        raise ValueError(f"invalid scope {bad[0]!r}; expected national, province:<code>, district:<code>, "
                         "site:<code> or person:<id>")
    if not subject:
        raise ValueError("subject must not be empty")
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
    return jwt.encode(claims, key, algorithm=_algorithm_for(key), headers={"kid": kid})


class Authenticator:
    """Verifies bearer tokens against one public key or a JWKS endpoint, for one issuer and audience."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        public_key_pem: bytes | None = None,
        jwks_url: str | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        if (public_key_pem is None) == (jwks_url is None):
            raise SettingsError("an Authenticator needs exactly one of a public key PEM or a JWKS URL")
        self._issuer, self._audience, self._leeway = issuer, audience, leeway_seconds
        self._public_key = None if public_key_pem is None else serialization.load_pem_public_key(public_key_pem)
        if self._public_key is not None:
            _algorithm_for(self._public_key)
        self._jwks = None if jwks_url is None else jwt.PyJWKClient(jwks_url, cache_keys=True, timeout=5)

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        """Build from ``JWT_PUBLIC_KEY_FILE`` or ``JWT_JWKS_URL``; refuses to start with neither."""
        if settings.jwt_public_key_file:
            try:
                pem = Path(settings.jwt_public_key_file).read_bytes()
            except OSError as exc:
                raise SettingsError(f"cannot read JWT_PUBLIC_KEY_FILE {settings.jwt_public_key_file}: {exc}") from exc
            return cls(issuer=settings.jwt_issuer, audience=settings.jwt_audience, public_key_pem=pem)
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
            algorithm = jwt.get_unverified_header(token).get("alg")
            if algorithm not in ALGORITHMS:
                raise Unauthenticated(f"token algorithm {algorithm!r} is not accepted; use ES256 or RS256")
            key = self._verification_key(token)
            if _algorithm_for(key) != algorithm:
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
        return _principal_from(claims)

    def _verification_key(self, token: str) -> Any:
        if self._jwks is None:
            return self._public_key
        return self._jwks.get_signing_key_from_jwt(token).key


def _principal_from(claims: dict[str, Any]) -> Principal:
    role, scopes = claims.get("role"), claims.get("scope")
    if role not in ROLES:
        raise Unauthenticated(f"token role {role!r} is not a VaxTrail role")
    if not isinstance(scopes, list) or not scopes or not all(is_valid_scope(s) for s in scopes):
        raise Unauthenticated("token scope must be a non-empty list of scope strings")
    return Principal(actor_id=str(claims["sub"]), role=role, scopes=tuple(scopes))


def requires(*roles: str) -> Callable[[View], View]:
    """Declare the roles that may call a Flask view: 401 without a valid token, 403 for any other role.

    The decorated view can read the caller with :func:`current_principal`; ``view.required_roles`` records
    the declaration (for OpenAPI and for tests that check every route declares one).
    """
    unknown = set(roles) - ROLES
    if not roles or unknown:
        raise ValueError(f"requires() needs known roles; unknown: {', '.join(sorted(unknown)) or '(none given)'}")
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            authenticator: Authenticator = current_app.extensions[AUTHENTICATOR_EXTENSION]
            principal = authenticator.authenticate(request.headers.get("Authorization"))
            setattr(g, _PRINCIPAL_KEY, principal)
            if principal.role not in allowed:
                raise Forbidden(
                    f"role {principal.role} may not call this endpoint; allowed: {', '.join(sorted(allowed))}",
                    rule="role",
                )
            return view(*args, **kwargs)

        guarded.required_roles = allowed  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def current_principal() -> Principal:
    """The caller of the current request; :class:`Unauthenticated` if the view did not authenticate."""
    principal = principal_or_none()
    if principal is None:
        raise Unauthenticated("this endpoint did not authenticate its caller", token_present=False)
    return principal


def principal_or_none() -> Principal | None:
    """The caller of the current request if a ``requires`` guard authenticated one (for logging)."""
    return g.get(_PRINCIPAL_KEY)
