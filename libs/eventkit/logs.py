"""Structured logging: one JSON object per line on stderr, for every VaxTrail process.

Each line carries ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``service``, ``request_id``
while a request is being served, every ``extra={...}`` field the caller passed, and ``traceback`` when an
exception is logged. Entry points call :func:`configure_logging` once; libraries only use
``logging.getLogger(__name__)``.

The request id travels in a :mod:`contextvars` variable rather than through Flask, so this module works
the same in web processes, workers and the CLI (:func:`bind_request_id` / :func:`reset_request_id`).
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

_REQUEST_ID: ContextVar[str | None] = ContextVar("vaxtrail_request_id", default=None)
# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def bind_request_id(request_id: str | None) -> Token[str | None]:
    """Make ``request_id`` appear on every log line of the current context until :func:`reset_request_id`."""
    return _REQUEST_ID.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Undo the matching :func:`bind_request_id`."""
    _REQUEST_ID.reset(token)


def current_request_id() -> str | None:
    """The request id bound in the current context, if any."""
    return _REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object (no newlines inside, so one record is one line)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
        }
        request_id = _REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _JsonHandler(logging.StreamHandler):
    """Marks the handler :func:`configure_logging` installed, so calling it again replaces it."""


def configure_logging(service: str, level: str | int = "INFO") -> None:
    """Send every log record (root logger and below) to stderr as JSON lines tagged with ``service``.

    Idempotent: a previous eventkit handler is replaced; handlers installed by others (pytest's capture,
    gunicorn's own error log) are left alone.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _JsonHandler)]:
        root.removeHandler(handler)
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
