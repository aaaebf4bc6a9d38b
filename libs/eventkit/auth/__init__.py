"""Bearer JWT authentication: roles, scopes and the ``requires`` route declaration (ARCHITECTURE.md §6).

- ``principal`` roles, scope strings, :class:`Principal` (scope coverage) and the 401 / 403 / 503 errors
- ``keys``      which algorithm a key may use, the local development key pair, key ids from file names
- ``tokens``    :func:`mint_token` and the :class:`Authenticator` that verifies a token into a principal
- ``views``     :func:`requires`, :func:`current_principal` for Flask views

Production verifies with a JWKS endpoint; the local stack writes a development key pair with
:func:`generate_dev_keypair` and mints tokens with :func:`mint_token` (``vaxtrail token``). Everything is
importable from ``eventkit.auth`` itself.
"""

from __future__ import annotations

from eventkit.auth.keys import ALGORITHMS, DEFAULT_KID, algorithm_for, generate_dev_keypair, kid_of_key_file
from eventkit.auth.principal import (
    ANALYST,
    AUDITOR,
    CITIZEN,
    DISTRICT_OFFICER,
    NATIONAL_ADMIN,
    PARTNER,
    PROVINCE_OFFICER,
    ROLES,
    SITE_MANAGER,
    VACCINATOR,
    Forbidden,
    KeySetUnavailable,
    Principal,
    Unauthenticated,
    is_role,
    is_valid_scope,
)
from eventkit.auth.tokens import Authenticator, mint_token, principal_from
from eventkit.auth.views import AUTHENTICATOR_EXTENSION, current_principal, principal_or_none, requires

__all__ = [
    "ALGORITHMS", "ANALYST", "AUDITOR", "AUTHENTICATOR_EXTENSION", "CITIZEN", "DEFAULT_KID", "DISTRICT_OFFICER",
    "NATIONAL_ADMIN", "PARTNER", "PROVINCE_OFFICER", "ROLES", "SITE_MANAGER", "VACCINATOR", "Authenticator",
    "Forbidden", "KeySetUnavailable", "Principal", "Unauthenticated", "algorithm_for", "current_principal",
    "generate_dev_keypair", "is_role", "is_valid_scope", "kid_of_key_file", "mint_token", "principal_from",
    "principal_or_none", "requires",
]
