"""Root test configuration: markers only, so collecting the unit tests stays instant.

``integration`` tests (everything under ``tests/integration``, marked automatically) need the real
PostgreSQL server and Kafka broker that ``tests/integration/conftest.py`` starts once per session, or the
servers named by ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP``. ``pytest -m "not integration"`` skips them.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "integration: needs the real PostgreSQL server and Kafka broker (started by the suite, or "
        "DATABASE_URL / KAFKA_BOOTSTRAP)",
    )
