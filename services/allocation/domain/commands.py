"""The allocation service's commands, as the API hands them to the command bus (one handler each).

Who acts and when is not part of a command: the handler takes the actor from the transaction's context and
the time from the service's clock. Plan and session ids are the client's (a draft without one gets
``AP-<12 hex>`` from the API). Planning a session is :class:`~services.allocation.domain.sessions.PlanSession`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.allocation.domain.common import StockLine
from services.allocation.domain.plans import LineSpec


@dataclass(frozen=True)
class DraftAllocationPlan:
    """A draft; its lines are proposed from the read models by ``method`` unless it is MANUAL."""

    plan_id: str
    level: str
    province_code: str
    source_location_id: str | None
    presentation_id: str
    lot_ids: tuple[str, ...]
    method: str
    total_doses: int
    funding_source: str
    legal_reference: str
    completion_deadline_date: date
    use_by_date: date | None = None
    series: str = "PRIMARY"
    dose_number: int = 1
    target_group_codes: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    group_weights: dict[str, float] = field(default_factory=dict)
    unit_weights: dict[str, float] = field(default_factory=dict)
    fixed_quotas: dict[str, int] = field(default_factory=dict)
    lines: tuple[LineSpec, ...] = ()


@dataclass(frozen=True)
class AllocateLine:
    """Add or replace a line of a draft; ``use_by_date`` defaults to the plan's completion deadline."""

    plan_id: str
    line_id: str | None
    recipient_unit_id: str
    doses: int
    use_by_date: date | None = None
    series: str = "PRIMARY"
    dose_number: int = 1
    target_group_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoveLine:
    plan_id: str
    line_id: str
    reason: str = "removed from draft"


@dataclass(frozen=True)
class PlanTransition:
    """A step of the four-eyes state machine with an optional comment (required to reject)."""

    plan_id: str
    comment: str = ""


class SubmitPlan(PlanTransition):
    pass


class ApprovePlan(PlanTransition):
    pass


class RejectPlan(PlanTransition):
    pass


class CancelPlan(PlanTransition):
    pass


@dataclass(frozen=True)
class AmendLine:
    plan_id: str
    line_id: str
    delta_doses: int
    reason: str


@dataclass(frozen=True)
class ReleasePlan:
    """Release an approved plan: ``lines`` (line id, doses) for a partial release, empty for all that is left."""

    plan_id: str
    lines: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class RecomputeSecondDoseReserve:
    """Recompute a unit's reserve of a product, held at the national store or the province store named."""

    unit_id: str
    presentation_id: str
    cohort: str = ""
    held_at_location_id: str | None = None


@dataclass(frozen=True)
class DispenseToSession:
    session_id: str
    lines: tuple[StockLine, ...]
