"""The analysts' end-to-end test gets its own PostgreSQL server and Kafka broker (the integration suite's
``infra`` fixture, re-exported: pytest keeps one session fixture per conftest that defines it), so the topics
hold exactly this campaign's events and the hand-computed figures cannot be disturbed by other tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import infra  # noqa: F401 - the session fixture, re-exported for this folder

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)
