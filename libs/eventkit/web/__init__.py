"""eventkit.web: what every service's web process shares.

- ``app``              :func:`~eventkit.web.app.create_app`, the Flask app factory (no module-level app)
- ``problems``         RFC 9457 problem+json responses for every error (a database outage: 503 + Retry-After)
- ``guards``           control characters / malformed percent-escapes in the URL: a 400 before any view
- ``validation``       :func:`~eventkit.web.validation.parse_body` (JSON body -> pydantic model)
- ``context``          request ids, the JSON access log and the per-request metrics
- ``health``           ``/healthz`` (liveness) and ``/readyz`` (readiness checks; a web's: its database)
- ``metrics_endpoint`` ``/metrics`` in Prometheus text format (multiprocess-aware)
- ``gunicorn_conf``    the shared gunicorn configuration (``-c python:eventkit.web.gunicorn_conf``)
- ``gunicorn_workers`` gunicorn's sync / gthread workers answering gunicorn's own refusals with problem+json

``from eventkit.web import create_app, parse_body, request_id, problem_response, PROBLEM_JSON`` works, but
those names are imported on first use (PEP 562 ``__getattr__``), not when the package is: gunicorn imports
``eventkit.web.gunicorn_conf`` - and therefore this package - in its master, and that config must set
``PROMETHEUS_MULTIPROC_DIR`` before anything imports ``prometheus_client`` (which the app modules do).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "create_app": "eventkit.web.app",
    "parse_body": "eventkit.web.validation",
    "MalformedRequest": "eventkit.web.validation",
    "request_id": "eventkit.web.context",
    "problem_response": "eventkit.web.problems",
    "PROBLEM_JSON": "eventkit.web.problems",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
