"""Integration-test infrastructure: one PostgreSQL server and one Kafka broker per test session.

Fixtures
--------
``infra`` (session)
    :class:`Infra` with ``server_url`` (PostgreSQL server URL, database ``postgres``) and
    ``kafka_bootstrap``. ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP`` in the environment name servers to use
    instead (each independently); otherwise an embedded PostgreSQL and a throwaway Kafka broker are started
    in the session's temporary folder on free ports (:func:`vaxtrail_cli.private_infra.private_infra`), and
    stopped at the end. Every topic of
    :func:`eventkit.topics.all_topics` is created.
``database`` (function)
    URL of a fresh, uniquely named database with eventkit's migrations applied; dropped afterwards.
``topic`` (function)
    Factory ``topic(partitions=1, config=None) -> name`` creating a uniquely named topic
    (``test.<8 hex>``) that has a leader for every partition; the test's topics are deleted afterwards.

Every test under ``tests/integration`` is marked ``integration`` automatically.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vaxtrail_cli.private_infra import Infra  # also imported from here by other folders' conftests

INTEGRATION_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if INTEGRATION_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)


def _say(message: str) -> None:
    print(f"[infra] {message}")


@pytest.fixture(scope="session")
def infra(pytestconfig: pytest.Config) -> Iterator[Infra]:
    from vaxtrail_cli.paths import StackPaths
    from vaxtrail_cli.private_infra import private_infra

    # Not under pytest's basetemp: pytest prunes old numbered basetemps, and with several test sessions at
    # once (developers, helpers) one session's pruning reached into another's live PostgreSQL data folder
    # (PANIC: pg_control permission denied; servers dying mid-run). A private folder is never pruned.
    root = Path(tempfile.mkdtemp(prefix="vaxtrail-test-infra-"))
    libs = StackPaths.from_env(cwd=Path(pytestconfig.rootpath)).kafka_libs
    try:
        with private_infra(root, fast=True, kafka_libs=libs, external_db=os.environ.get("DATABASE_URL") or None,
                           external_kafka=os.environ.get("KAFKA_BOOTSTRAP") or None, out=_say) as running:
            yield running
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database(infra: Infra) -> Iterator[str]:
    from eventkit.db import drop_database, ensure_database, migrate

    name = f"test_{uuid.uuid4().hex[:12]}"
    ensure_database(infra.server_url, name)
    try:
        url = infra.database_url(name)
        migrate(url)
        yield url
    finally:
        drop_database(infra.server_url, name)


@pytest.fixture
def topic(infra: Infra) -> Iterator[Callable[..., str]]:
    from vaxtrail_cli.topics_admin import admin_client

    created: list[str] = []
    admins: list = []

    def make(partitions: int = 1, config: dict[str, str] | None = None) -> str:
        if not admins:
            admins.append(admin_client(infra.kafka_bootstrap, client_id="vaxtrail-tests"))
        name = f"test.{uuid.uuid4().hex[:8]}"
        admins[0].create_topics(
            {name: {"num_partitions": partitions, "replication_factor": 1, "configs": dict(config or {})}},
            wait_for_metadata=True,
        )
        created.append(name)
        return name

    yield make
    if admins:
        with contextlib.suppress(Exception):
            admins[0].delete_topics(created, raise_errors=False)
        admins[0].close()
