"""Root test configuration: markers, and the partner key every service's projections may ask for.

``integration`` tests (everything under ``tests/integration``, marked automatically) need the real
PostgreSQL server and Kafka broker that ``tests/integration/conftest.py`` starts once per session, or the
servers named by ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP``. ``pytest -m "not integration"`` skips them.

The partner service's pseudonym master key (``PARTNER_KEY_FILE``, required outside the local stack) is a fresh
key for the session unless the environment names one: tests that build every service's projections with
production settings (the round-trip tests) then derive partner records as a deployment would.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "integration: needs the real PostgreSQL server and Kafka broker (started by the suite, or "
        "DATABASE_URL / KAFKA_BOOTSTRAP)",
    )
    if not os.environ.get("PARTNER_KEY_FILE"):
        folder = Path(tempfile.mkdtemp(prefix="vaxtrail-test-partner-key-"))
        key = folder / "key"
        key.write_text(secrets.token_hex(32) + "\n")
        os.environ["PARTNER_KEY_FILE"] = str(key)
        config.stash[_PARTNER_KEY_FOLDER] = folder


_PARTNER_KEY_FOLDER = pytest.StashKey[Path]()


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_PARTNER_KEY_FOLDER, None)
    if folder is not None:
        os.environ.pop("PARTNER_KEY_FILE", None)
        shutil.rmtree(folder, ignore_errors=True)
