"""HTTP for the campaign driver: keep-alive connections per thread and service, every call timed by route.

Standard library only (``http.client``: the CLI must not need test-only packages, and a load generator that
shares two cores with the stack must spend as little as it can per request). A POST may carry an
``Idempotency-Key``; a call on a reused connection that the server closed while it was idle is sent once
more on a fresh connection (the driver gives every write a key, so even a request that did reach the
service is answered from its idempotency record, never applied twice). Each call's latency is recorded
under its route template (``POST /v1/visits/{visit_id}/doses``), so per-route percentiles need no URL
parsing.

With ``ride_out`` seconds (the fault suite, :mod:`vaxtrail_cli.faults`), a call that finds its service away -
no connection, a connection dropped mid-request, or a 502 / 503 / 504 answer (PostgreSQL down: the services
answer 503 with ``Retry-After``) - is sent again, the same bytes and the same ``Idempotency-Key``, after
``Retry-After`` (at most 2 s) or 0.25 s, until an answer of another status or until ``ride_out`` has passed.
Every attempt is recorded under its route: status 0 stands for "no answer".
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ApiError(RuntimeError):
    """An answer the caller did not expect (status and body in the message)."""

    def __init__(self, what: str, response: Response) -> None:
        super().__init__(f"{what}: HTTP {response.status} {response.text[:600]}")
        self.response = response


@dataclass(frozen=True)
class Response:
    status: int
    raw: bytes
    headers: Mapping[str, str]

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else {}

    @property
    def rule(self) -> str | None:
        """The problem's ``rule`` (problem+json answers), or None."""
        try:
            body = self.json()
        except ValueError:
            return None
        return body.get("rule") if isinstance(body, dict) else None

    def expect(self, *statuses: int, what: str = "request") -> Any:
        """The parsed body if the status is one of ``statuses``; otherwise :class:`ApiError`."""
        if self.status not in statuses:
            raise ApiError(what, self)
        return self.json()


@dataclass
class Timings:
    """Latencies in milliseconds per route and status class, gathered by many threads."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, route: str, status: int, millis: float) -> None:
        with self._lock:
            self.samples.setdefault(route, []).append(millis)
            counts = self.statuses.setdefault(route, {})
            counts[status] = counts.get(status, 0) + 1

    def merge(self, other: Mapping[str, Any]) -> None:
        """Add another collector's :meth:`export` (from a worker process)."""
        with self._lock:
            for route, values in other["samples"].items():
                self.samples.setdefault(route, []).extend(values)
            for route, counts in other["statuses"].items():
                mine = self.statuses.setdefault(route, {})
                for status, count in counts.items():
                    mine[int(status)] = mine.get(int(status), 0) + count

    def export(self) -> dict[str, Any]:
        with self._lock:
            return {"samples": {r: list(v) for r, v in self.samples.items()},
                    "statuses": {r: dict(c) for r, c in self.statuses.items()}}


AWAY = frozenset({502, 503, 504})
"""Answers that mean the service cannot serve now (its database away, a proxy without a backend)."""


def _retry_after(response: Response) -> float:
    try:
        return min(2.0, max(0.05, float(response.headers.get("retry-after", "0.25"))))
    except ValueError:
        return 0.25


class Api:
    """The services' public HTTP APIs by name (``urls``: service -> base URL); see the module docstring for
    ``ride_out``."""

    def __init__(self, urls: Mapping[str, str], *, timings: Timings | None = None, timeout: float = 120.0,
                 ride_out: float = 0.0) -> None:
        self.urls = dict(urls)
        self.timings = timings if timings is not None else Timings()
        self.timeout = timeout
        self.ride_out = ride_out
        self._local = threading.local()
        self._hosts = {name: urllib.parse.urlsplit(url) for name, url in self.urls.items()}

    def call(self, method: str, service: str, path: str, *, body: Any = None, headers: Mapping[str, str] | None = None,
             route: str | None = None, params: Mapping[str, Any] | None = None, data: bytes | None = None,
             content_type: str = "application/json") -> Response:
        """One request; ``route`` is the template the latency is recorded under (default ``METHOD path``)."""
        target = path + ("?" + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
                         if params else "")
        payload = data if data is not None else (None if body is None else json.dumps(body).encode())
        sent = dict(headers or {})
        if payload is not None:
            sent.setdefault("Content-Type", content_type)
        route = route or f"{method} {path}"
        deadline = time.monotonic() + self.ride_out
        while True:
            started = time.perf_counter()
            try:
                response = self._send(service, method, target, payload, sent)
            except (OSError, http.client.HTTPException):  # refused, reset, timed out: the service is away
                self.timings.record(route, 0, 1000 * (time.perf_counter() - started))
                self._drop(service)
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.25)
                continue
            self.timings.record(route, response.status, 1000 * (time.perf_counter() - started))
            if response.status not in AWAY or time.monotonic() >= deadline:
                return response
            time.sleep(_retry_after(response))

    def post(self, service: str, path: str, body: Any, headers: Mapping[str, str], **kwargs: Any) -> Response:
        return self.call("POST", service, path, body=body, headers=headers, **kwargs)

    def get(self, service: str, path: str, headers: Mapping[str, str], **kwargs: Any) -> Response:
        return self.call("GET", service, path, headers=headers, **kwargs)

    def _drop(self, service: str) -> None:
        connection = getattr(self._local, "connections", {}).pop(service, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Close this thread's connections (other threads' close with their thread)."""
        for connection in getattr(self._local, "connections", {}).values():
            connection.close()
        self._local.connections = {}

    def _send(self, service: str, method: str, target: str, payload: bytes | None, headers: dict) -> Response:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        for attempt in (1, 2):
            connection = connections.get(service)
            reused = connection is not None
            if connection is None:
                parts = self._hosts[service]
                connection = connections[service] = http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=self.timeout)
            try:
                connection.request(method, self._hosts[service].path.rstrip("/") + target, body=payload,
                                   headers=headers)
                answer = connection.getresponse()
                raw = answer.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                connections.pop(service, None)
                if reused and attempt == 1:
                    continue  # the server had closed the idle connection before our request reached it
                raise
            if answer.getheader("Connection", "").lower() == "close":
                connection.close()
                connections.pop(service, None)
            return Response(answer.status, raw, {k.lower(): v for k, v in answer.getheaders()})
        raise AssertionError("unreachable")
