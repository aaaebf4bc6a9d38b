"""Helpers the route modules share: run a command and answer it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify
from pydantic import BaseModel

from eventkit.aggregates import fingerprint
from eventkit.store.base import AppendResult
from eventkit.web.commands import command_context, command_response

WRITERS = ("national_admin", "province_officer", "district_officer", "site_manager")
READERS = ("national_admin", "province_officer", "district_officer", "site_manager", "auditor", "analyst")


def run(handler, command, body: BaseModel, scope_key: str):
    """Execute ``command`` with the request's context; the body's fingerprint guards its idempotency key."""
    result = handler(command, command_context(scope_key=scope_key), fingerprint(body.model_dump(mode="json")))
    return answer(result)


def answer(result: AppendResult):
    """201 for new events, 200 for an idempotent replay or a command that changed nothing."""
    if result.replayed or result.events:
        return command_response(result)
    return jsonify(result.response), 200


def now() -> datetime:
    return datetime.now(UTC)
