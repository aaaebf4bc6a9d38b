"""Allocation HTTP API: plans (:mod:`.plans`), sessions and reserves (:mod:`.sessions`), read-model views
(:mod:`.reads`); request and response models in :mod:`.models`, roles and scope paths in :mod:`.access`."""

from __future__ import annotations

from flask import Blueprint

from eventkit.handling import CommandBus
from eventkit.web.public import register_figures
from services.allocation.api import plans, reads, sessions
from services.allocation.handlers import Deps


def blueprints(bus: CommandBus, deps: Deps) -> list[Blueprint]:
    return [plans.blueprint(bus), sessions.blueprint(bus, deps.read), reads.blueprint(deps), public_blueprint(deps)]


def public_blueprint(deps: Deps) -> Blueprint:
    """``GET /v1/public/figures`` (no sign-in): doses allocated and released by province and by day."""
    bp = Blueprint("public", __name__, url_prefix="/v1")
    register_figures(bp, name="AllocationFigures", measures=("allocated", "released"), zone=deps.zone,
                     rows=lambda first, last: deps.read.public_rows(first, last, str(deps.zone)),
                     summary="Public figures: doses allocated and released by province and by day",
                     description="Doses allocated to provinces and special units by approved national plans (on "
                                 "the day of approval; a special unit counts for the province of its location) and "
                                 "doses released to them (on the day of release).")
    return bp
