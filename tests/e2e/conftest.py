"""End-to-end tests reuse the integration suite's ``infra`` fixture (one PostgreSQL server, one Kafka broker).

pytest keeps a session fixture per conftest that defines it, so a run of the whole suite starts a second,
private pair of servers for this folder: the end-to-end topics then hold only this scenario's events.
Items here are marked ``integration`` (they need the servers) and ``e2e``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import infra  # noqa: F401 - the session fixture, re-exported for this folder

E2E_DIR = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: the cross-service campaign over HTTP against every real service")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.e2e)
