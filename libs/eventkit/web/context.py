"""Per-request context: the request id, the JSON access log line and the HTTP metrics.

The request id comes from an incoming ``X-Request-ID`` header (sanitised to ``[A-Za-z0-9._:-]``, at most
128 characters) or is a fresh uuid4 hex; it is echoed in the response header, in problem bodies and on
every log line written while the request is served (:func:`eventkit.logs.bind_request_id`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from eventkit.auth import principal_or_none
from eventkit.logs import bind_request_id, reset_request_id
from eventkit.metrics import HTTP_LATENCY, HTTP_REQUESTS

REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID_LENGTH = 128
# A closed set keeps the ``method`` label's cardinality bounded whatever clients send.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")
_ACCESS_LOG = logging.getLogger("eventkit.access")


def sanitise_request_id(value: str | None) -> str:
    """A safe request id from a client-supplied one (unsafe characters dropped), or a new one."""
    cleaned = _UNSAFE.sub("", value or "")[:MAX_REQUEST_ID_LENGTH]
    return cleaned or uuid.uuid4().hex


def request_id() -> str:
    """The current request's id (must be called while a request is being served)."""
    current = g.get("request_id")
    if current is None:
        current = g.request_id = sanitise_request_id(request.headers.get(REQUEST_ID_HEADER))
    return current


def install_request_context(app: Flask, service: str) -> None:
    """Give every request on ``app`` an id, one access-log line and its HTTP metrics."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.log_token = bind_request_id(request_id())

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        method = request.method if request.method in _KNOWN_METHODS else "OTHER"
        HTTP_REQUESTS.labels(service, method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, method, route).observe(elapsed)
        fields = {
            "method": request.method[:16],
            "path": request.path,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
        }
        principal = principal_or_none()
        if principal is not None:
            fields["actor_id"] = principal.actor_id
        _ACCESS_LOG.info("%s %s %s", fields["method"], request.path, response.status_code, extra=fields)
        return response

    @app.teardown_request
    def _clear(_exc: BaseException | None) -> None:
        token = g.pop("log_token", None)
        if token is not None:
            reset_request_id(token)
