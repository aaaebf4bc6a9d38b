"""From an HTTP request to a :class:`~eventkit.envelope.CommandContext` and back to a response.

``command_context()`` attributes the command to the authenticated caller, carries the correlation id
(``X-Correlation-ID``, else the request id) and the client's ``Idempotency-Key`` header.
``command_response(result)`` answers 201 for a new append and 200 with ``Idempotent-Replayed: true`` for
a replay of an earlier identical request (the body is the first response, byte for byte).
"""

from __future__ import annotations

import re

from flask import jsonify, request

from eventkit.auth import current_principal
from eventkit.envelope import CommandContext
from eventkit.errors import VaxTrailError
from eventkit.store.base import AppendResult
from eventkit.web.context import request_id

_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


class BadIdempotencyKey(VaxTrailError):
    status = 400
    title = "Malformed Idempotency-Key header"


def command_context(*, scope_key: str = "") -> CommandContext:
    """The context of a write; ``scope_key`` namespaces the idempotency key (e.g. per route)."""
    principal = current_principal()
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY.match(key):
        raise BadIdempotencyKey("Idempotency-Key must be 1-200 characters of A-Z a-z 0-9 . _ : -",
                                field="Idempotency-Key", rule="INV-34")
    correlation = request.headers.get("X-Correlation-ID") or request_id()
    return CommandContext(
        actor_id=principal.actor_id,
        actor_role=principal.role,
        correlation_id=correlation[:128],
        causation_id=request_id(),
        idempotency_key=f"{principal.actor_id}|{scope_key}|{key}" if key is not None else None,
    )


def command_response(result: AppendResult):
    response = jsonify(result.response)
    response.status_code = 200 if result.replayed else 201
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
