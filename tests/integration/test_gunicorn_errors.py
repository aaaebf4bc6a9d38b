"""Gunicorn's own error answers - sent before Flask sees the request - are problem+json too.

A real gunicorn with the shared config, sync workers (``WEB_THREADS=1``) and gthread workers, gets raw bytes
over a socket: a malformed request line, an oversized header, too many headers, a bad header name, an
over-long request line. Each answer is the status gunicorn decided, with an RFC 9457 body.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .gunicorn_app import running_gunicorn

WORKER_CLASSES = {1: "ProblemSyncWorker", 4: "ProblemThreadWorker"}


@pytest.fixture(scope="module", params=[1, 4], ids=["sync", "gthread"])
def gunicorn(request, tmp_path_factory) -> Iterator[tuple[str, Path, int]]:
    with running_gunicorn(tmp_path_factory.mktemp("gunicorn-errors"), workers=1, threads=request.param) as served:
        yield *served, request.param


def test_the_shared_config_keeps_sync_or_gthread_by_web_threads(gunicorn):
    _, log, threads = gunicorn
    assert f"Using worker: eventkit.web.gunicorn_workers.{WORKER_CLASSES[threads]}" in log.read_text()


def exchange(base_url: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw`` as is; the status, headers and body of the answer (read until the server closes)."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(raw)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
    return int(status_line.split(" ")[1]), headers, body


def assert_problem(answer: tuple[int, dict[str, str], bytes], status: int, rule: str) -> dict:
    got, headers, body = answer
    assert got == status, body
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    problem = json.loads(body)
    assert problem["status"] == status and problem["rule"] == rule
    assert problem["type"].startswith("urn:vaxtrail:problem:") and problem["title"] and problem["detail"]
    assert problem["request_id"] == headers["x-request-id"]
    return problem


def test_malformed_request_line_is_a_400_problem(gunicorn):
    answer = exchange(gunicorn[0], b"THIS IS NOT HTTP\r\n\r\n")
    assert_problem(answer, 400, "http-request-line")


def test_request_line_of_one_word_is_a_400_problem(gunicorn):
    assert_problem(exchange(gunicorn[0], b"GARBAGE\r\n\r\n"), 400, "http-request-line")


def test_oversized_header_is_a_431_problem(gunicorn):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 20_000 + b"\r\n\r\n"
    assert_problem(exchange(gunicorn[0], raw), 431, "http-header-size")


def test_too_many_headers_is_a_431_problem(gunicorn):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(200)) + b"\r\n"
    assert_problem(exchange(gunicorn[0], raw), 431, "http-header-size")


def test_invalid_header_name_is_a_400_problem(gunicorn):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"
    assert_problem(exchange(gunicorn[0], raw), 400, "http-header")


def test_over_long_request_line_is_a_400_problem(gunicorn):
    raw = b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert_problem(exchange(gunicorn[0], raw), 400, "http-request-line-size")


def test_a_well_formed_request_still_reaches_the_app(gunicorn):  # and keeps the app's own problems
    status, headers, body = exchange(gunicorn[0], b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, headers, body = exchange(gunicorn[0], b"GET /v1/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 400 and json.loads(body)["rule"] == "control-character"
