"""Gunicorn workers whose own error answers are problem+json, like every answer the apps give.

Gunicorn refuses some requests before Flask sees them - a malformed request line, an invalid header, too
many or too large headers, an over-long request line - and answers with an HTML page. These workers keep
gunicorn's statuses (400, 431, 403, 501 ...) and logging but answer with an RFC 9457 body carrying
``rule`` (``http-request-line``, ``http-header``, ``http-header-size`` ...) and a fresh ``request_id`` (also
in ``X-Request-ID``). The client's bytes are not echoed back.

``eventkit.web.gunicorn_conf`` selects :class:`ProblemThreadWorker` (gthread) when ``WEB_THREADS`` > 1 and
:class:`ProblemSyncWorker` (sync) otherwise. This module imports gunicorn and the standard library only:
gunicorn loads it in the master, where Flask and prometheus-client must not be imported yet.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import uuid
from typing import Any

from gunicorn.http import errors as http
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

# The same values as eventkit.web.problems (not imported from there: that module pulls in Flask).
PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:vaxtrail:problem:"
_DRAIN_BYTES, _DRAIN_SECONDS = 65_536, 0.2

# (exception classes, status, reason phrase, problem type name, rule, detail) - first match wins.
_REFUSALS: tuple[tuple[tuple[type[BaseException], ...], int, str, str, str, str], ...] = (
    ((http.LimitRequestHeaders,), 431, "Request Header Fields Too Large", "request-header-fields-too-large",
     "http-header-size", "The request has too many header fields, or one that is too large."),
    ((http.LimitRequestLine,), 400, "Bad Request", "request-line-too-long", "http-request-line-size",
     "The request line (method, target and version) is too long."),
    ((http.InvalidRequestLine, http.InvalidRequestMethod, http.InvalidHTTPVersion), 400, "Bad Request",
     "invalid-request-line", "http-request-line",
     "The request line is not 'METHOD target HTTP/1.x' with a valid method, target and version."),
    ((http.InvalidHeader, http.InvalidHeaderName, http.ObsoleteFolding, http.InvalidSchemeHeaders), 400,
     "Bad Request", "invalid-header", "http-header", "A request header field is malformed."),
    ((http.UnsupportedTransferCoding,), 501, "Not Implemented", "unsupported-transfer-coding",
     "http-transfer-coding", "The request's Transfer-Encoding is not supported."),
    ((http.InvalidProxyLine,), 400, "Bad Request", "invalid-proxy-line", "http-proxy-line",
     "The PROXY protocol line is malformed."),
    ((http.ForbiddenProxyRequest,), 403, "Forbidden", "forbidden-proxy-request", "http-proxy-source",
     "PROXY protocol lines are not accepted from this address."),
    ((ssl.SSLError,), 403, "Forbidden", "tls-error", "tls", "The TLS handshake or record failed."),
)


def refusal(exc: BaseException) -> tuple[int, str, str, str, str] | None:
    """``(status, reason, type name, rule, detail)`` for a request gunicorn refused, or None (a 500)."""
    for classes, status, reason, name, rule, detail in _REFUSALS:
        if isinstance(exc, classes):
            return status, reason, name, rule, detail
    return None


def problem_answer(status: int, reason: str, type_name: str, rule: str, detail: str) -> bytes:
    """A complete HTTP/1.1 response (``Connection: close``) with a problem+json body."""
    request_id = uuid.uuid4().hex
    body = json.dumps({"type": PROBLEM_TYPE_PREFIX + type_name, "title": reason, "status": status,
                       "detail": detail, "rule": rule, "request_id": request_id}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_JSON}\r\n"
            f"Content-Length: {len(body)}\r\nX-Request-ID: {request_id}\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemErrors:
    """Mixin over a gunicorn worker: ``handle_error`` answers with problem+json instead of HTML."""

    log: Any

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        known = refusal(exc)
        if known is None:
            uri = getattr(req, "uri", None)
            self.log.exception("Error handling request %s", uri if uri is not None else "(no URI read)")
            known = (500, "Internal Server Error", "internal-error", "internal",
                     "An unexpected error occurred before the application answered.")
        else:
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            client.setblocking(True)
            client.sendall(problem_answer(*known))
        except Exception:  # the client may be gone already; nothing more to tell it
            self.log.debug("Failed to send error message.")
            return
        with contextlib.suppress(OSError):  # a timeout or a reset while draining changes nothing
            _drain(client)


def _drain(client: socket.socket) -> None:
    """Read (a bounded amount of) what the client still sends before the socket is closed.

    Closing with unread bytes makes the kernel send a reset, and a client that is still writing its
    oversized request then loses the answer instead of reading it (the "lingering close" of nginx / Apache).
    """
    client.shutdown(socket.SHUT_WR)
    client.settimeout(_DRAIN_SECONDS)
    drained = 0
    while drained < _DRAIN_BYTES:
        chunk = client.recv(16_384)
        if not chunk:
            return
        drained += len(chunk)


class ProblemSyncWorker(ProblemErrors, SyncWorker):
    """gunicorn's ``sync`` worker with problem+json error answers."""


class ProblemThreadWorker(ProblemErrors, ThreadWorker):
    """gunicorn's ``gthread`` worker with problem+json error answers."""
