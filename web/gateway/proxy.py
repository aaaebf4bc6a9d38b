"""``/api/<service>/<path>`` -> ``<upstream of service>/<path>``: one origin for the browser.

The browser never holds a token: the gateway adds ``Authorization: Bearer <token>`` from the HttpOnly
cookie the sign-in set (a request that brings its own ``Authorization`` header, e.g. a script, keeps it).
A write that relies on the cookie must carry ``X-VaxTrail-Client`` - a header no cross-site form can send
and no cross-site script may add without a CORS preflight, which the gateway never answers - on top of the
cookie's ``SameSite=Strict``. Bodies stream both ways (a CSV upload is up to 256 MiB); only an allow-list
of request headers reaches a service, and the cookie never does. A service that does not answer is a 502
problem (a 504 after ``WEB_UPSTREAM_TIMEOUT``), so the app can tell "offline" from "refused".
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from urllib.parse import quote, unquote, urlsplit

from flask import Blueprint, Response, request

from eventkit.web.problems import problem_response
from web.gateway.settings import GatewaySettings
from web.gateway.signin import token_from_cookie

CLIENT_HEADER = "X-VaxTrail-Client"
FORWARDED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Type", "Content-Length", "Idempotency-Key",
                             "X-Correlation-ID", "X-Purpose", "X-Request-ID")
DROPPED_RESPONSE_HEADERS = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                                      "trailer", "trailers", "transfer-encoding", "upgrade", "set-cookie", "server",
                                      "date"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHUNK = 64 * 1024
_LOG = logging.getLogger(__name__)


def proxy_blueprint(settings: GatewaySettings) -> Blueprint:
    bp = Blueprint("gateway_proxy", __name__)
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    @bp.route("/api/<service>/", defaults={"rest": ""}, methods=methods)
    @bp.route("/api/<service>/<path:rest>", methods=methods)
    def forward(service: str, rest: str) -> Response:
        upstream = settings.upstreams.get(service)
        if upstream is None:
            return problem_response(404, "Not Found", f"no service named {service[:40]!r}", rule="service",
                                    field="service")
        target = _target_path(service, rest)
        if not _is_api_route(target):
            return problem_response(404, "Not Found", "the gateway forwards a service's API only (/v1/..., "
                                    "/openapi.json)", rule="api-route", field="path")
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
        own = request.headers.get("Authorization")
        token = token_from_cookie()
        if own:
            headers["Authorization"] = own
        elif token:
            if request.method not in SAFE_METHODS and CLIENT_HEADER not in request.headers:
                return problem_response(403, "Forbidden", f"a write from the browser must carry {CLIENT_HEADER}",
                                        rule="csrf", field=CLIENT_HEADER)
            headers["Authorization"] = f"Bearer {token}"
        return _relay(upstream, target, headers, settings.upstream_timeout, service)

    return bp


def _is_api_route(target: str) -> bool:
    """Only what a service publishes to clients: its ``/v1/...`` routes and its OpenAPI document - never
    ``/metrics``, ``/healthz`` or ``/readyz`` (in Kubernetes the services' own Ingresses route only those two
    prefixes too), and no dot segment a client or proxy could resolve to another path."""
    path = target.split("?", 1)[0]
    segments = [unquote(part) for part in path.split("/")]
    if any(part in (".", "..") for part in segments):
        return False
    return path.startswith("/v1/") or path == "/openapi.json"


def _target_path(service: str, rest: str) -> str:
    """The path and query to ask the service for, as the client wrote them (percent-escapes kept)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    prefix = f"/api/{service}/"
    if raw.startswith(prefix):
        return "/" + raw[len(prefix):]
    query = request.query_string.decode("latin-1")
    return "/" + quote(rest, safe="/:@!$&'()*+,;=-._~") + (f"?{query}" if query else "")


def _request_body() -> Iterator[bytes] | object | None:
    if request.method in SAFE_METHODS:
        return None
    if request.content_length is not None:
        return request.stream  # http.client reads it in blocks, with the client's Content-Length
    def chunks() -> Iterator[bytes]:
        while block := request.stream.read(CHUNK):
            yield block
    return chunks()


def _relay(upstream: str, target: str, headers: dict[str, str], timeout: float, service: str) -> Response:
    base = urlsplit(upstream)
    connection_class = http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(base.hostname, base.port, timeout=timeout)
    body = _request_body()
    try:
        connection.request(request.method, base.path.rstrip("/") + target, body=body, headers=headers,
                           encode_chunked=body is not None and request.content_length is None)
        answer = connection.getresponse()
    except TimeoutError:
        connection.close()
        return problem_response(504, "Gateway Timeout", f"{service} did not answer in {timeout:.0f}s",
                                rule="upstream-timeout", field="service")
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        _LOG.warning("upstream %s unreachable: %s", service, exc)
        return problem_response(502, "Bad Gateway", f"{service} is not reachable", rule="upstream-unreachable",
                                field="service", headers={"Retry-After": "5"})
    forwarded = [(name, value) for name, value in answer.getheaders()
                 if name.lower() not in DROPPED_RESPONSE_HEADERS]

    def stream() -> Iterator[bytes]:
        try:
            while block := answer.read(CHUNK):
                yield block
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            _LOG.warning("upstream %s broke off its answer: %s", service, exc)
        finally:
            connection.close()

    return Response(stream(), status=answer.status, headers=forwarded, direct_passthrough=True)
