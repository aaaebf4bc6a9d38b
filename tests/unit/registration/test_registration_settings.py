"""The national-ID guard key: a development key only for the local stack, never a silent default elsewhere."""

from __future__ import annotations

import pytest

from eventkit.settings import SettingsError
from services.registration.settings import IDENTITY_KEY_VARIABLE, identity_key


def test_the_local_stack_uses_the_development_key():
    assert identity_key("local", {}).startswith(b"vaxtrail-local-development")


def test_production_without_a_guard_key_refuses_to_start():
    with pytest.raises(SettingsError, match=IDENTITY_KEY_VARIABLE):
        identity_key("production", {})


def test_a_short_guard_key_is_refused():
    with pytest.raises(SettingsError, match="32 characters"):
        identity_key("production", {IDENTITY_KEY_VARIABLE: "too-short"})


def test_a_configured_guard_key_is_used_in_production():
    key = "k" * 40
    assert identity_key("production", {IDENTITY_KEY_VARIABLE: key}) == key.encode()
