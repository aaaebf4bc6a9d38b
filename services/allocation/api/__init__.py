"""Allocation HTTP API: plans (:mod:`.plans`), second-dose reserves, sessions and supply views (:mod:`.sessions`)."""

from __future__ import annotations

from flask import Blueprint

from services.allocation.api import plans, sessions
from services.allocation.handlers import AllocationHandlers


def blueprints(handlers: AllocationHandlers) -> list[Blueprint]:
    return [plans.blueprint(handlers), sessions.blueprint(handlers)]
