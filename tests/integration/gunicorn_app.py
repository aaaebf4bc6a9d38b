"""The smallest real service web app under a real gunicorn: eventkit's plumbing, no domain.

:func:`create_app` is built the way a service's ``wsgi.py`` builds its app - settings from the environment,
JSON logs, an authenticator from ``JWT_PUBLIC_KEY_FILE`` - so gunicorn runs the same code path production
does; :func:`running_gunicorn` starts it with the shared config (``eventkit.web.gunicorn_conf``) and needs
neither Kafka nor PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from flask import Flask

from eventkit.auth import Authenticator, generate_dev_keypair
from eventkit.logs import configure_logging
from eventkit.settings import Settings
from eventkit.web.app import create_app as create_web_app

REPO_ROOT = Path(__file__).resolve().parents[2]


def create_app() -> Flask:
    """Gunicorn target: ``tests.integration.gunicorn_app:create_app()``."""
    settings = Settings.from_env("inventory")
    configure_logging(settings.service, settings.log_level)
    return create_web_app(
        settings, blueprints=[], authenticator=Authenticator.from_settings(settings), readiness_checks={}
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_gunicorn(tmp_path: Path, *, workers: int = 2, threads: int = 1) -> Iterator[tuple[str, Path]]:
    """``(base_url, log file)`` of a gunicorn serving :func:`create_app`; stopped (SIGTERM) on exit.

    ``threads`` > 1 gives the gthread worker class, 1 the sync one (as ``WEB_THREADS`` does in production).
    """
    port = free_port()
    _, public_key = generate_dev_keypair(tmp_path / "keys")
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
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
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if requests.get(f"{base_url}/readyz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn did not answer /readyz; log:\n{log.read_text()[-4000:]}")
            time.sleep(0.05)
        yield base_url, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
