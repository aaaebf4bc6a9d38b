"""Who may do what: the roles, the scope strings, the authenticated :class:`Principal` and the auth errors.

A service computes a target's *scope path* from its own reference data, e.g.
``["national", "province:79", "district:760", "site:S-0001"]``; a principal may act on the target when one
of its scopes is on that path (:meth:`Principal.covers`). A refusal never says which path the target has:
where a person lives or which site holds a lot is not the caller's to learn from a 403.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from eventkit.errors import VaxTrailError

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

_SCOPE = re.compile(r"national|(?:province|district|site|person):[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_LOG = logging.getLogger(__name__)


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


def is_valid_scope(scope: object) -> bool:
    """Whether ``scope`` is a string with the syntax of a scope (``national``, ``province:79`` ...)."""
    return isinstance(scope, str) and _SCOPE.fullmatch(scope) is not None


def is_role(role: object) -> bool:
    """Whether ``role`` is one of :data:`ROLES` (a list or other unhashable claim value is not)."""
    return isinstance(role, str) and role in ROLES


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
        """Raise :class:`Forbidden` unless :meth:`covers` ``path``.

        The detail names the caller and the input (``field``), never the target's path: that would tell a
        caller from another province which province, district or site a person or lot belongs to.
        """
        if self.covers(path):
            return
        _LOG.debug("scope refused: %s %s %s does not cover %s", self.role, self.actor_id, self.scopes, list(path))
        target = f"the target named by {field}" if field else "the target"
        raise Forbidden(f"the scope of {self.role} {self.actor_id} does not cover {target}", field=field, rule="scope")
