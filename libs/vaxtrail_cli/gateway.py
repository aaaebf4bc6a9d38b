"""The web gateway on the local stack: one gunicorn process on 127.0.0.1:8080 (``VAXTRAIL_WEB_PORT``) serving
the browser app and routing ``/api/<service>/...`` to the services (``web.gateway``, docs/ui.md).

It runs with the stack's environment (``stack.env``: ``VAXTRAIL_ENV=local``, the development key pair), so
the app offers the development sign-in. Pid ``<state>/run/web-gateway.pid``, log
``<state>/logs/web-gateway.log``. The app itself is built by ``make setup`` (``npm ci`` + build in
``web/app``); without it the gateway still starts, ``/readyz`` says what is missing and ``status`` flags it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from vaxtrail_cli import processes
from vaxtrail_cli.paths import SOURCE_ROOT, StackPaths

Printer = Callable[[str], None]
MODULE = "web.gateway.wsgi"


def url(paths: StackPaths) -> str:
    return f"http://127.0.0.1:{paths.web_port}"


def pid_file(paths: StackPaths) -> Path:
    return paths.run / "web-gateway.pid"


def log_file(paths: StackPaths) -> Path:
    return paths.logs / "web-gateway.log"


def argv() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf", f"{MODULE}:create_app()"]


def start_gateway(paths: StackPaths, stack_env: Mapping[str, str], *, timeout: float = 60.0,
                  out: Printer = print) -> None:
    """Start the gateway unless it runs already, then wait for its ``/healthz``."""
    running = processes.running_pid(pid_file(paths), MODULE)
    if running is not None:
        out(f"  {'web-gateway':<20} already running (pid {running})")
        return
    if processes.port_in_use(paths.web_port):
        raise processes.ProcessError(f"port 127.0.0.1:{paths.web_port} for the web gateway is in use by a process "
                                     "this stack did not start")
    from vaxtrail_cli.kafka_auth import without_kafka_credentials

    env = {**without_kafka_credentials({**os.environ, **stack_env}), "VAXTRAIL_SERVICE": "web", "PORT": str(paths.web_port), "PYTHONUNBUFFERED": "1"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    child = processes.spawn_detached(argv(), log_file=log_file(paths), pid_file=pid_file(paths), env=env,
                                     cwd=SOURCE_ROOT)
    out(f"  {'web-gateway':<20} started (pid {child.pid}), log {log_file(paths)}")
    waited = processes.wait_http_ok(f"{url(paths)}/healthz", pid=child.pid, log_file=log_file(paths), timeout=timeout,
                                    what="web-gateway")
    out(f"  {'web-gateway':<20} healthy after {waited:.1f}s")
    if processes.http_status(f"{url(paths)}/readyz") != 200:
        out("  warning: the web app is not built (web/app/dist); run `make setup` to build it")


def stop_gateway(paths: StackPaths, *, out: Printer = print) -> bool:
    pid = processes.stop_pid_file(pid_file(paths), marker=MODULE, timeout=20)
    if pid is not None:
        out(f"  {'web-gateway':<20} stopped (pid {pid})")
    return pid is not None


def gateway_status(paths: StackPaths, *, out: Printer = print) -> bool:
    """One line: pid, ``/healthz`` and ``/readyz`` (the built app). True when it runs and is ready."""
    pid = processes.running_pid(pid_file(paths), MODULE)
    health = processes.http_status(f"{url(paths)}/healthz") if pid else None
    ready = processes.http_status(f"{url(paths)}/readyz") if pid else None
    state = f"pid {pid}" if pid else "NOT RUNNING"
    out(f"  {'web-gateway':<20} {state:<12} {url(paths)}  healthz {health or '-'}  readyz {ready or '-'}  "
        f"log {log_file(paths)}")
    return pid is not None and health == 200 and ready == 200
