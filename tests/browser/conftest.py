"""Browser tests: Debian's Chromium, driven by Playwright, against the real services behind the web gateway.

They reuse the integration suite's ``infra`` fixture (one PostgreSQL server, one Kafka broker; pytest keeps a
session fixture per conftest that defines it, so this folder gets its own pair) and are marked
``integration`` and ``browser``. Chromium is ``$VAXTRAIL_CHROMIUM`` or ``/usr/bin/chromium`` (``.ci/run``
installs Debian's ``chromium``); without it the tests are skipped - except in CI, where they fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import infra  # noqa: F401 - the session fixture, re-exported for this folder

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the web app in a real Chromium against the real services")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.browser)


UI_SERVICES = ("inventory", "registration", "allocation", "immunization", "certificate")


@pytest.fixture(scope="session")
def world(infra):  # noqa: F811 - the re-exported fixture
    """Five services (certificate for the e-health book's certificates), the gateway in front of them, the
    seeded world."""
    from tests.e2e.campaign import Campaign
    from tests.e2e.stack import start_stack, stop_stack
    from tests.integration.service_procs import private_workdir

    from .harness import chromium_path, start_gateway
    from .world import World

    chromium_path()
    workdir = private_workdir("ui")
    stack = start_stack(infra, workdir, services=UI_SERVICES)
    try:
        gateway = start_gateway(stack, workdir)
        try:
            built = World(Campaign(stack), gateway, workdir)
            built.seed()
            yield built
        finally:
            gateway.stop()
    finally:
        stop_stack(stack, infra)


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver for the session: a second ``sync_playwright()`` in the same thread while one is
    running fails ("Sync API inside the asyncio loop"), so a module that needs its own Chromium (another fake
    camera) launches it from this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(world, playwright_session):
    from .camera import blank_video
    from .harness import launch

    chromium = launch(playwright_session, blank_video(world.camera))
    try:
        yield chromium
    finally:
        chromium.close()
