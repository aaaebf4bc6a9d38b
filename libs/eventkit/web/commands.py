"""Write routes: :func:`command` turns an HTTP request into a command context and an append into a response.

    @bp.post("/persons/<person_id>/approval")
    @requires("province_officer")
    @documented("Approve a registration", request=m.DecisionRequest, responses=ACCEPTED)
    @command(m.DecisionRequest, scope="approve:{person_id}")
    def approve(body: m.DecisionRequest, context: CommandContext, person_id: str) -> AppendResult:
        return bus.handle(ApprovePerson(person_id, body.reason), context)

The decorator parses the body into the strict model, builds the :class:`~eventkit.envelope.CommandContext`
(the caller as actor, ``X-Correlation-ID`` or the request id as correlation id, the request id as
causation id, the client's ``Idempotency-Key`` namespaced by actor and ``scope``, and a fingerprint of the
body and path), calls the view and answers the :class:`~eventkit.store.base.AppendResult`: 201 for new
events, 200 with ``Idempotent-Replayed: true`` for a replay of an earlier identical request (the first
response, byte for byte), 200 for a command that appended nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import jsonify, request
from pydantic import BaseModel

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal
from eventkit.envelope import TRACE_ID, CommandContext
from eventkit.errors import VaxTrailError
from eventkit.store.base import AppendResult
from eventkit.web.context import request_id
from eventkit.web.validation import parse_body

_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,200}$")


class BadHeader(VaxTrailError):
    status = 400
    title = "Malformed header"


def request_context() -> CommandContext:
    """The caller as actor, ``X-Correlation-ID`` (checked) or the request id as correlation id, the request
    id as causation id: the context of anything a request appends (a write, an audited read)."""
    principal = current_principal()
    correlation = request.headers.get("X-Correlation-ID")
    if correlation is not None and not TRACE_ID.fullmatch(correlation):
        raise BadHeader("X-Correlation-ID must be 1-128 characters of A-Z a-z 0-9 . _ : -",
                        field="X-Correlation-ID", rule="correlation-id")
    return CommandContext(actor_id=principal.actor_id, actor_role=principal.role,
                          correlation_id=correlation or request_id(), causation_id=request_id())


def command_context(*, scope_key: str = "", request_hash: str = "") -> CommandContext:
    """The context of a write; ``scope_key`` namespaces the idempotency key (e.g. per route and target)."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY.match(key):
        raise BadHeader("Idempotency-Key must be 1-200 characters of A-Z a-z 0-9 . _ : -",
                        field="Idempotency-Key", rule="INV-34")
    context = request_context()
    scoped = f"{context.actor_id}|{scope_key}|{key}" if key is not None else None
    return replace(context, idempotency_key=scoped, request_hash=request_hash)


def command_response(result: AppendResult):
    """201 for new events, 200 for an idempotent replay (flagged) or a command that appended nothing."""
    response = jsonify(result.response)
    response.status_code = 201 if result.events and not result.replayed else 200
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def command(model: type[BaseModel] | None = None, *, scope: str,
            fingerprint_of: Callable[[], Any] | None = None):
    """Declare a write view; see the module docstring.

    ``scope`` is formatted with the view's path arguments (``"approve:{person_id}"``). Without a ``model``
    the view is called as ``view(context, **path)`` and ``fingerprint_of()`` (e.g. a hash of an uploaded file)
    fingerprints the request.
    """
    def decorate(view: Callable[..., AppendResult]):
        @functools.wraps(view)
        def wrapper(**path: str):
            body = parse_body(model) if model is not None else None
            request_body = body.model_dump(mode="json") if body is not None else (
                fingerprint_of() if fingerprint_of is not None else None)
            context = command_context(scope_key=scope.format(**path),
                                      request_hash=fingerprint({"path": path, "body": request_body}))
            result = view(body, context, **path) if model is not None else view(context, **path)
            return command_response(result)

        wrapper.command_model = model  # type: ignore[attr-defined]
        return wrapper

    return decorate
