"""A minimal JSON-over-HTTP client on the standard library (the CLI must not need test-only packages)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def http_json(method: str, url: str, body: object | None, headers: dict[str, str] | None = None,
              timeout: float = 10.0) -> tuple[int, dict]:
    """Send ``body`` as JSON (if given); returns (status, parsed JSON body or {})."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, (json.loads(raw) if raw else {})
