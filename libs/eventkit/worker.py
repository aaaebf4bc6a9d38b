"""The worker process: the relay and every projection runner of one service, each in its own thread.

``run_worker`` blocks until SIGTERM/SIGINT (or ``stop`` is set), then stops every component and returns.
A component that raises is logged and restarted by its own loop (see ``Relay.run`` and
``ProjectionRunner.run``); nothing here swallows errors silently. The worker serves its own Prometheus
metrics on ``METRICS_PORT`` (a plain single-process registry; web processes use multiprocess mode).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


def run_worker(
    components: Sequence[tuple[str, Callable[[threading.Event], None]]],
    *,
    stop: threading.Event | None = None,
    metrics_port: int | None = None,
    metrics_bind: str = "127.0.0.1",
    install_signals: bool = True,
) -> None:
    stop = stop or threading.Event()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    if metrics_port:
        start_http_server(metrics_port, addr=metrics_bind)
    threads = [threading.Thread(target=run, args=(stop,), name=name, daemon=True) for name, run in components]
    for thread in threads:
        thread.start()
    log.info("worker started: %s", ", ".join(name for name, _ in components))
    while not stop.wait(1.0):
        dead = [t.name for t in threads if not t.is_alive()]
        if dead:
            log.error("worker components stopped unexpectedly: %s; shutting down", dead)
            stop.set()
    for thread in threads:
        thread.join(timeout=15)
    log.info("worker stopped")
