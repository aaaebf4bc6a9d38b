"""``/metrics``: every eventkit metric (:mod:`eventkit.metrics`) in Prometheus text format.

Under gunicorn each worker is a separate process with its own counters; prometheus-client's multiprocess
mode (``PROMETHEUS_MULTIPROC_DIR``, set by :mod:`eventkit.web.gunicorn_conf`) has every process write to
files there, and this endpoint aggregates them into a fresh registry per scrape. Without that variable
(one process: tests, the Flask dev server) the default registry is served.
"""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from eventkit.web.openapi import documented


def metrics_blueprint(multiprocess_dir: str | None) -> Blueprint:
    """The blueprint serving ``/metrics``, aggregating ``multiprocess_dir`` when one is given."""
    blueprint = Blueprint("eventkit_metrics", __name__)

    @blueprint.get("/metrics")
    @documented("Prometheus metrics (text exposition format)", tags=["meta"])
    def metrics() -> Response:
        if multiprocess_dir:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=multiprocess_dir)
        else:
            registry = REGISTRY
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

    return blueprint
