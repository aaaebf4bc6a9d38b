"""Under a real gunicorn with several workers, ``/metrics`` adds up every worker's counters.

Needs neither Kafka nor PostgreSQL: the app is eventkit's plumbing alone (``gunicorn_app.py``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from eventkit.auth import generate_dev_keypair

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUESTS_SENT = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    port = free_port()
    _, public_key = generate_dev_keypair(tmp_path / "keys")
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "VAXTRAIL_SERVICE": "inventory",
        "VAXTRAIL_STATE_DIR": str(tmp_path / "state"),
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        # Settings.from_env insists on these; nothing here connects to them.
        "DATABASE_URL": "postgresql://unused@127.0.0.1:1/unused",
        "KAFKA_BOOTSTRAP": "127.0.0.1:1",
    }
    env.pop("BIND", None)
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
               "tests.integration.gunicorn_app:create_app()"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            return requests.get(f"{base_url}/readyz", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
            return False

    try:
        wait_until(ready, timeout=120, what="gunicorn to answer /readyz", log=log)
        yield base_url, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
