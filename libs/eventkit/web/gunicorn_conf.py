"""The gunicorn configuration every service's web process uses.

    gunicorn -c python:eventkit.web.gunicorn_conf 'services.inventory.wsgi:create_app()'

Environment: ``BIND`` (default ``127.0.0.1:$PORT``; ``PORT`` defaults to the service's port, see
``eventkit.settings.PORTS``), ``WEB_CONCURRENCY`` worker processes (default 2), ``WEB_THREADS`` threads per
worker (default 4: ``gthread`` workers; 1 means plain ``sync`` workers - both answer gunicorn's own
refusals with problem+json, see ``eventkit.web.gunicorn_workers``), ``WEB_KEEPALIVE`` seconds an idle
connection stays open (default 75), ``VAXTRAIL_SERVICE`` (names the
metrics folder), ``VAXTRAIL_STATE_DIR`` and ``PROMETHEUS_MULTIPROC_DIR`` (default
``$VAXTRAIL_STATE_DIR/metrics/<service>-web``). Gunicorn writes no access log: the app logs JSON lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from eventkit.settings import PORTS

_service = os.environ.get("VAXTRAIL_SERVICE", "web")
_state_dir = os.environ.get("VAXTRAIL_STATE_DIR", ".vaxtrail")

# The one deliberate import-time side effect: prometheus-client chooses between in-process and
# multiprocess (file-backed) metric values when it is first imported, which happens in the workers after
# they fork. Gunicorn imports this config in the master before that, so setting the variable here is the
# only way every worker (and the master's child_exit) agrees on the folder. Absolute, so a worker's
# working directory cannot change it.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(_state_dir, "metrics", f"{_service}-web").resolve())
)
_metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or PORTS.get(_service, 8000)}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# gunicorn's gthread / sync workers, answering gunicorn's own refusals (bad request line, oversized headers)
# with problem+json like the apps do (eventkit.web.gunicorn_workers).
worker_class = (
    "eventkit.web.gunicorn_workers.ProblemThreadWorker" if threads > 1
    else "eventkit.web.gunicorn_workers.ProblemSyncWorker"
)
timeout = 30
graceful_timeout = 10
# How long an idle keep-alive connection stays open. gunicorn's default (2 s) is shorter than the pause
# between a client's requests (a poll, a think time), so the server closes a connection just as the client
# reuses it and the client sees "connection aborted" on a POST it must not blindly resend. Longer than the
# usual client and load-balancer idle timeouts (60 s), as a server behind them should be.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
accesslog = None
errorlog = "-"


def on_starting(server: Any) -> None:
    """Create the metrics folder and wipe files a previous run left, so counters start from zero here.

    Runs in the master before any worker is forked, so the folder exists before a worker writes to it.
    """
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Tell prometheus-client a worker died, so its live gauges stop counting towards ``/metrics``."""
    from prometheus_client import multiprocess  # imported late: only after the variable above is set

    multiprocess.mark_process_dead(worker.pid, path=str(_metrics_dir))
