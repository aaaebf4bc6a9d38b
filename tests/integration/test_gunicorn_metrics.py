"""Under a real gunicorn with several workers, ``/metrics`` adds up every worker's counters.

Needs neither Kafka nor PostgreSQL: the app is eventkit's plumbing alone (``gunicorn_app.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from .gunicorn_app import running_gunicorn

REQUESTS_SENT = 20


def healthz_count(base_url: str) -> float:
    text = requests.get(f"{base_url}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "vaxtrail_http_requests_total"
        and sample.labels.get("route") == "/healthz"
        and sample.labels.get("status") == "200"
    )


def wait_until(predicate, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; gunicorn log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with running_gunicorn(tmp_path, workers=2, threads=1) as served:
        yield served


def test_metrics_add_up_requests_served_by_every_worker(gunicorn):
    base_url, log = gunicorn
    # Concurrent requests against two single-threaded workers, so both workers serve some of them.
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda _: requests.get(f"{base_url}/healthz", timeout=5).status_code,
                                 range(REQUESTS_SENT)))
    assert statuses == [200] * REQUESTS_SENT
    wait_until(lambda: healthz_count(base_url) == REQUESTS_SENT, timeout=10,
               what=f"/metrics to count {REQUESTS_SENT} /healthz requests", log=log)
    assert healthz_count(base_url) == REQUESTS_SENT
