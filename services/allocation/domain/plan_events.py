"""Events of the allocation plan aggregate (field names are those of
``schemas/vaxtrail/allocation/v1/events.proto``; :mod:`services.allocation.codec` maps them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.allocation.domain.common import StockLine


@dataclass(frozen=True)
class AllocationPlanDrafted:
    plan_id: str
    presentation_id: str
    lot_ids: tuple[str, ...]
    total_doses: int
    funding_source: str
    method: str
    legal_reference: str
    completion_deadline_date: date
    source_location_id: str
    level: str
    issuing_province_code: str
    target_group_codes: tuple[str, ...]
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class BatchAllocated:
    plan_id: str
    line_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    doses: int
    series: str
    dose_number: int
    target_group_codes: tuple[str, ...]
    use_by_date: date
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class AllocationPlanSubmitted:
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class AllocationPlanApproved:
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class AllocationPlanRejected:
    plan_id: str
    actor_id: str
    level: str
    comment: str
    occurred_at: datetime


@dataclass(frozen=True)
class AllocationReleased:
    plan_id: str
    line_id: str
    doses: int
    from_location_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    presentation_id: str
    lines: tuple[StockLine, ...]
    use_by_date: date
    series: str
    dose_number: int
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class AllocationLineAmended:
    plan_id: str
    line_id: str
    delta_doses: int
    reason: str
    actor_id: str
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class AllocationCancelled:
    plan_id: str
    line_id: str
    delta_doses: int
    reason: str
    actor_id: str
    occurred_at: datetime
