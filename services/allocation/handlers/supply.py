"""What a decision sees at a store: the read models' stock and recipients, and what the own events promise.

These read every plan and reserve stream of the store (``Deps.fold_type``); a command that promises doses
calls them while it holds the store's lock (:class:`services.allocation.handlers.PromiseBus`), so what they
return cannot go stale before the command's events commit. ``availability`` is the same picture for the
API's ``GET /v1/availability``. :func:`with_positions` stamps on a decision's events where those read models stood.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from eventkit.clock import campaign_date
from services.allocation.domain import promises
from services.allocation.domain.common import SupplyPicture
from services.allocation.handlers.aggregates import PLAN, RESERVE

if TYPE_CHECKING:
    from services.allocation.handlers import Deps


def promised(deps: Deps, source: str, presentation_id: str) -> promises.Promises:
    return promises.promised(deps.fold_type(PLAN), deps.fold_type(RESERVE), source, presentation_id)


def picture(deps: Deps, *, source: str, presentation_id: str, level: str, province_code: str,
            plan_id: str) -> SupplyPicture:
    today = campaign_date(deps.clock(), deps.zone)
    presentation = deps.read.presentation(presentation_id)
    promised_here = promised(deps, source, presentation_id)
    return promises.supply_picture(
        promised_here, deps.read.dispatched(sorted(promised_here.plans)), plan_id=plan_id,
        source_location_id=source, presentation_id=presentation_id, doses_per_vial=presentation.doses_per_vial,
        lots=deps.read.lots_at(source, presentation_id, today),
        recipients=deps.read.recipients(level, province_code, today), today=today)


def availability(deps: Deps, source: str, presentation_id: str) -> dict[str, int]:
    """Usable, committed, reserved, free and free-for-first-doses at a store (INV-15, INV-18)."""
    return promises.availability(picture(deps, source=source, presentation_id=presentation_id, level="NATIONAL",
                                         province_code="", plan_id=""))


def with_positions(deps: Deps, events: list) -> list:
    """``events`` with ``read_model_positions``: where the read models stood as the decision was appended (at or
    past what it read; issue 17), on every event that carries the field."""
    if not events:
        return events
    positions = deps.read.positions()
    return [replace(e, read_model_positions=positions)
            if any(f.name == "read_model_positions" for f in fields(e)) else e for e in events]
