"""The Flask side of auth: :func:`requires` declares who may call a view, :func:`current_principal` says who did.

A view without ``requires`` is public (only health, metrics, OpenAPI and the certificate trust material
are). The app factory stores the :class:`~eventkit.auth.tokens.Authenticator` in
``app.extensions[AUTHENTICATOR_EXTENSION]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from eventkit.auth.principal import ROLES, Forbidden, Principal, Unauthenticated
from eventkit.auth.tokens import Authenticator

AUTHENTICATOR_EXTENSION = "eventkit.authenticator"
_PRINCIPAL_KEY = "eventkit_principal"

View = TypeVar("View", bound=Callable[..., Any])


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
