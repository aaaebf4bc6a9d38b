"""Registration settings: the shared :class:`eventkit.settings.Settings` (see its docstring) plus one variable.

=============================== ===================================================================
``REGISTRATION_IDENTITY_KEY``   secret key (at least 32 characters) of the keyed digest that names each
                                national-ID uniqueness guard (``national-id/<HMAC>``), so document numbers
                                never appear in Kafka keys. Required outside ``VAXTRAIL_ENV=local`` (the web
                                process refuses to start without it); the local stack uses a fixed
                                development key. Never change it on a live
                                system (existing guards would no longer be found).
=============================== ===================================================================
"""

from __future__ import annotations

from collections.abc import Mapping

from eventkit.settings import SettingsError

SERVICE = "registration"
IDENTITY_KEY_VARIABLE = "REGISTRATION_IDENTITY_KEY"
_LOCAL_DEVELOPMENT_KEY = b"vaxtrail-local-development-identity-key-not-for-production"


def identity_key(env: str, environ: Mapping[str, str]) -> bytes:
    """The guard key; outside local development an unset or short key stops the service at start-up
    (rather than answering every registration with a 500, or ever falling back to the published local key)."""
    value = environ.get(IDENTITY_KEY_VARIABLE, "")
    if value:
        if len(value) < 32:
            raise SettingsError(f"{IDENTITY_KEY_VARIABLE} must be at least 32 characters")
        return value.encode()
    if env != "local":
        raise SettingsError(f"{IDENTITY_KEY_VARIABLE} is not set; it is required outside VAXTRAIL_ENV=local")
    return _LOCAL_DEVELOPMENT_KEY
