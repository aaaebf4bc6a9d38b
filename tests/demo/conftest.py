"""``vaxtrail demo`` gets a PostgreSQL + Kafka pair of its own (the integration suite's ``infra`` fixture,
re-exported here, so pytest starts another pair for this folder).

Its stack must not share topics with the end-to-end campaign's: two audit services, each with its own
checkpoint key, would publish checkpoints of the same logs on one audit topic, and each would serve the
other's (a proof checked against its own key then fails) - two deployments never share topics.
Items here are marked ``integration`` and ``e2e``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.stack import start_stack, stop_stack
from tests.integration.conftest import infra  # noqa: F401 - the session fixture, re-exported for this folder
from tests.integration.service_procs import private_workdir
from vaxtrail_cli.campaign.actors import Actors
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.demo import run_demo, write_summary
from vaxtrail_cli.commands.audit_client import public_key_of, signing_key_in
from vaxtrail_cli.private_services import SERVICES

PARTNERS = ("who-vn", "unicef-vn")
"""Partner agencies granted every feed before the demo runs (tests/demo/test_demo_partner_feeds.py)."""

DEMO_DIR = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: the cross-service campaign over HTTP against every real service")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DEMO_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.e2e)


@dataclass
class DemoRun:
    summary: dict
    api: Api
    actors: Actors
    lines: list[str]
    stack: object


@pytest.fixture(scope="session")
def demo_run(infra, tmp_path_factory):  # noqa: F811 - infra is the re-exported session fixture
    """The demo campaign, run once for the folder, with the partner service beside the six and two partners
    granted every feed before it starts."""
    stack = start_stack(infra, private_workdir("e2e-demo"), (*SERVICES, "partner"))
    try:
        urls = {name: service.base_url for name, service in stack.services.items()}
        actors = Actors(stack.private_key)
        for partner in PARTNERS:
            Api(urls).post("partner", "/v1/partners", {"partner": partner, "feeds": ["DOSES", "STOCK", "AEFI",
                                                                                     "REVOCATIONS"],
                                                       "reason": "demo agreement"}, actors.national()).expect(201)
        lines: list[str] = []
        audit_key = public_key_of(signing_key_in(Path(stack["audit"].env["VAXTRAIL_STATE_DIR"])))
        summary = run_demo(urls, stack.private_key, say=lines.append, audit_key=audit_key)
        path = write_summary(summary, tmp_path_factory.mktemp("demo") / "demo" / "summary.json")
        yield DemoRun(json.loads(path.read_text()), Api(urls), actors, lines, stack)
    finally:
        stop_stack(stack, infra)


@pytest.fixture(scope="session")
def demo(demo_run):
    return demo_run.summary, demo_run.api, demo_run.actors, demo_run.lines
