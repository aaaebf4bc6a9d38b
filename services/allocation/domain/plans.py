"""The allocation plan aggregate: a batch of one presentation allocated down one edge of the supply tree.

State machine (INV-16)::

    DRAFT --submit--> SUBMITTED --approve (approver != submitter)--> APPROVED --release--> RELEASED
      ^                   |                                             |
      +------reject-------+            amend (needs approval again) ----+--> SUBMITTED
    cancel: from DRAFT, SUBMITTED or APPROVED while nothing was released -> CANCELLED

Lines are edited only in DRAFT. Stock (INV-15, INV-18) is checked when a plan starts to hold doses
(draft and line edits, so a proposal never exceeds what is there), again at submission and approval
(the world may have moved), at amendment, and at release (lot by lot, :mod:`.release`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from eventkit.errors import DomainError, DuplicateEntity, NotFound
from eventkit.identity import same_actor
from services.allocation.domain.common import SERIES, SupplyPicture, require_whole_vials
from services.allocation.domain.plan_events import (  # noqa: F401 - re-exported: plans.<Event>
    AllocationCancelled,
    AllocationLineAmended,
    AllocationPlanApproved,
    AllocationPlanDrafted,
    AllocationPlanRejected,
    AllocationPlanSubmitted,
    AllocationReleased,
    BatchAllocated,
)

DRAFT, SUBMITTED, APPROVED, RELEASED, CANCELLED = "DRAFT", "SUBMITTED", "APPROVED", "RELEASED", "CANCELLED"
METHODS = frozenset({"POPULATION", "PRIORITY_WEIGHTED", "PROGRESS", "MANUAL"})
LEVEL_RECIPIENTS = {"NATIONAL": frozenset({"PROVINCE", "SPECIAL_UNIT"}), "PROVINCE": frozenset({"DISTRICT"})}


# -- state ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    line_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    doses: int
    series: str
    dose_number: int
    target_group_codes: tuple[str, ...]
    use_by_date: date
    released: int = 0
    picked: dict[str, int] = field(default_factory=dict)
    """Doses per lot that releases of this line picked (what inventory is to ship, INV-15)."""

    @property
    def first_dose(self) -> bool:
        return self.series == "PRIMARY" and self.dose_number == 1


@dataclass(frozen=True)
class AllocationPlan:
    plan_id: str = ""
    status: str = ""
    level: str = ""
    issuing_province_code: str = ""
    source_location_id: str = ""
    presentation_id: str = ""
    lot_ids: tuple[str, ...] = ()
    method: str = ""
    completion_deadline_date: date | None = None
    lines: dict[str, Line] = field(default_factory=dict)
    submitted_by: str = ""
    approved_by: str = ""

    @classmethod
    def empty(cls) -> AllocationPlan:
        return cls()

    @property
    def total(self) -> int:
        return sum(line.doses for line in self.lines.values())

    @property
    def released(self) -> int:
        return sum(line.released for line in self.lines.values())

    @property
    def holds_stock(self) -> bool:
        return self.status in (SUBMITTED, APPROVED, RELEASED)


def evolve(state: AllocationPlan, event: object) -> AllocationPlan:
    match event:
        case AllocationPlanDrafted():
            return AllocationPlan(
                plan_id=event.plan_id, status=DRAFT, level=event.level,
                issuing_province_code=event.issuing_province_code, source_location_id=event.source_location_id,
                presentation_id=event.presentation_id, lot_ids=event.lot_ids, method=event.method,
                completion_deadline_date=event.completion_deadline_date)
        case BatchAllocated():
            line = Line(event.line_id, event.recipient_unit_id, event.recipient_unit_kind,
                        event.recipient_location_id, event.doses, event.series, event.dose_number,
                        event.target_group_codes, event.use_by_date)
            return replace(state, lines={**state.lines, line.line_id: line})
        case AllocationPlanSubmitted():
            return replace(state, status=SUBMITTED, submitted_by=event.actor_id, approved_by="")
        case AllocationPlanApproved():
            return replace(state, status=APPROVED, approved_by=event.actor_id)
        case AllocationPlanRejected():
            return replace(state, status=DRAFT, submitted_by="", approved_by="")
        case AllocationReleased():
            line = state.lines[event.line_id]
            picked = dict(line.picked)
            for lot in event.lines:
                picked[lot.lot_id] = picked.get(lot.lot_id, 0) + lot.doses
            lines = {**state.lines, line.line_id: replace(line, released=line.released + event.doses, picked=picked)}
            done = all(x.released >= x.doses for x in lines.values())
            return replace(state, lines=lines, status=RELEASED if done else state.status)
        case AllocationLineAmended():
            line = state.lines[event.line_id]
            lines = {**state.lines, line.line_id: replace(line, doses=line.doses + event.delta_doses)}
            return replace(state, lines=lines, status=SUBMITTED, submitted_by=event.actor_id, approved_by="")
        case AllocationCancelled() if event.line_id:
            return replace(state, lines={k: v for k, v in state.lines.items() if k != event.line_id})
        case AllocationCancelled():
            return replace(state, status=CANCELLED)
    raise TypeError(f"AllocationPlan cannot apply {type(event).__name__}")


# -- commands -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineSpec:
    """A line as a command gives it (manual or proposed); line ids are given by the caller or derived."""

    line_id: str
    recipient_unit_id: str
    doses: int
    use_by_date: date
    series: str = "PRIMARY"
    dose_number: int = 1
    target_group_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftPlan:
    plan_id: str
    level: str
    issuing_province_code: str
    presentation_id: str
    lot_ids: tuple[str, ...]
    method: str
    funding_source: str
    legal_reference: str
    completion_deadline_date: date
    target_group_codes: tuple[str, ...]
    lines: tuple[LineSpec, ...]


@dataclass(frozen=True)
class Decision:
    """Who decides, when (the actor from the token, the server's clock)."""

    actor_id: str
    now: datetime
    comment: str = ""


# -- checks ---------------------------------------------------------------------------------------------
def check_line(plan: AllocationPlan, spec: LineSpec, picture: SupplyPicture, where: str,
               now: datetime) -> BatchAllocated:
    """INV-17 (valid recipient, use-by within the lots' effective expiry), INV-2 (whole vials)."""
    recipient = picture.recipients.get(spec.recipient_unit_id)
    allowed = LEVEL_RECIPIENTS.get(plan.level, frozenset())
    if recipient is None or not recipient.active or recipient.kind not in allowed:
        raise DomainError(f"{spec.recipient_unit_id!r} is not a valid recipient of a {plan.level} plan "
                          f"(expected an active {' or '.join(sorted(allowed))})",
                          field=f"{where}.recipient_unit_id", rule="INV-17")
    if spec.series not in SERIES or spec.dose_number < 1:
        raise DomainError("series must be PRIMARY, ADDITIONAL or BOOSTER with a dose number >= 1",
                          field=f"{where}.series", rule="INV-18")
    require_whole_vials(spec.doses, picture.doses_per_vial, f"{where}.doses")
    if picture.today is not None and spec.use_by_date < picture.today:
        raise DomainError(f"use-by {spec.use_by_date} is already past", field=f"{where}.use_by_date", rule="INV-17")
    latest = _latest_use_by(plan, picture)
    if latest is None or spec.use_by_date > latest:
        raise DomainError(f"use-by {spec.use_by_date} is after the lots' effective expiry ({latest or 'no usable lot'})",
                          field=f"{where}.use_by_date", rule="INV-17")
    if plan.completion_deadline_date and spec.use_by_date > plan.completion_deadline_date:
        raise DomainError("use-by is after the plan's completion deadline", field=f"{where}.use_by_date",
                          rule="INV-17")
    return BatchAllocated(plan.plan_id, spec.line_id, recipient.unit_id, recipient.kind, recipient.location_id,
                          spec.doses, spec.series, spec.dose_number, spec.target_group_codes, spec.use_by_date, now)


def _latest_use_by(plan: AllocationPlan, picture: SupplyPicture) -> date | None:
    """Pinned lots: the earliest of their expiries; otherwise the latest expiry of a usable lot in stock."""
    if plan.lot_ids:
        expiries = [lot.effective_expiry for lot_id in plan.lot_ids if (lot := picture.lot(lot_id))]
        if len(expiries) != len(plan.lot_ids) or any(e is None for e in expiries):
            return None
        return min(expiries)
    expiries = [lot.effective_expiry for lot in picture.lots
                if lot.usable and lot.on_hand > 0 and lot.effective_expiry is not None]
    return max(expiries) if expiries else None


def available_doses(plan: AllocationPlan, picture: SupplyPicture) -> int:
    """Usable doses on hand at the source (only the pinned lots when the plan pins lots)."""
    lots = [lot for lot in picture.lots if lot.usable and (not plan.lot_ids or lot.lot_id in plan.lot_ids)]
    return sum(lot.on_hand for lot in lots)


def check_stock(plan: AllocationPlan, picture: SupplyPicture, field: str = "lines") -> None:
    """INV-15: what this plan holds + what others hold <= usable stock; INV-18: first doses leave the reserve."""
    holding = plan.total - picture.dispatched_for_plan
    free = available_doses(plan, picture) - picture.committed_against(plan.lot_ids)
    if holding > free:
        raise DomainError(
            f"the plan holds {holding} doses but only {max(free, 0)} uncommitted usable doses of "
            f"{plan.presentation_id} are at {plan.source_location_id}", field=field, rule="INV-15")
    first = sum(line.doses for line in plan.lines.values() if line.first_dose)
    non_first = max(0, holding - first)
    reserve_left = max(0, picture.reserved - picture.committed_non_first_elsewhere - non_first)
    if first > free - non_first - reserve_left:
        raise DomainError(
            f"{first} first doses would use {first - max(free - non_first - reserve_left, 0)} doses reserved "
            f"for second doses ({picture.reserved} reserved at {plan.source_location_id})", field=field,
            rule="INV-18")


# -- decisions ------------------------------------------------------------------------------------------
def draft_plan(state: AllocationPlan, command: DraftPlan, picture: SupplyPicture, now: datetime) -> list:
    if state.status:
        raise DuplicateEntity(f"plan {command.plan_id} already exists", field="plan_id")
    if command.level not in LEVEL_RECIPIENTS:
        raise DomainError("level must be NATIONAL or PROVINCE", field="level", rule="INV-17")
    if command.method not in METHODS:
        raise DomainError(f"method must be one of {sorted(METHODS)}", field="method", rule="INV-15")
    if not command.lines:
        raise DomainError("a plan needs at least one line", field="lines", rule="INV-15")
    if len({spec.line_id for spec in command.lines}) != len(command.lines):
        raise DomainError("line ids must be unique", field="lines", rule="INV-15")
    drafted = AllocationPlanDrafted(
        command.plan_id, command.presentation_id, command.lot_ids, sum(s.doses for s in command.lines),
        command.funding_source, command.method, command.legal_reference, command.completion_deadline_date,
        picture.source_location_id, command.level, command.issuing_province_code, command.target_group_codes, now)
    plan = evolve(state, drafted)
    events: list = [drafted]
    for index, spec in enumerate(command.lines):
        line = check_line(plan, spec, picture, f"lines.{index}", now)
        plan = evolve(plan, line)
        events.append(line)
    check_stock(plan, picture)
    return events


def allocate_line(state: AllocationPlan, spec: LineSpec, picture: SupplyPicture, now: datetime) -> list:
    """Add or replace a line of a draft (no edits once submitted or approved, INV-16)."""
    require_status(state, DRAFT, "lines are edited only while the plan is a draft; amend an approved plan")
    line = check_line(state, spec, picture, "line", now)
    check_stock(evolve(state, line), picture, field="doses")
    return [line]


def remove_line(state: AllocationPlan, line_id: str, decision: Decision) -> list:
    require_status(state, DRAFT, "lines are removed only while the plan is a draft")
    line = line_of(state, line_id)
    return [AllocationCancelled(state.plan_id, line_id, -line.doses, decision.comment or "removed from draft",
                                decision.actor_id, decision.now)]


def submit(state: AllocationPlan, decision: Decision, picture: SupplyPicture) -> list:
    require_status(state, DRAFT, "only a draft can be submitted")
    if not state.lines:
        raise DomainError("a plan needs at least one line", field="lines", rule="INV-15")
    check_stock(replace(state, status=SUBMITTED), picture)
    return [AllocationPlanSubmitted(state.plan_id, decision.actor_id, state.level, decision.comment, decision.now)]


def approve(state: AllocationPlan, decision: Decision, picture: SupplyPicture) -> list:
    require_status(state, SUBMITTED, "only a submitted plan can be approved")
    if same_actor(decision.actor_id, state.submitted_by):  # eventkit.identity: case-insensitive subjects
        raise DomainError("four eyes: the approver must not be the submitter", field="actor_id", rule="INV-16")
    check_stock(state, picture)
    return [AllocationPlanApproved(state.plan_id, decision.actor_id, state.level, decision.comment, decision.now)]


def reject(state: AllocationPlan, decision: Decision) -> list:
    require_status(state, SUBMITTED, "only a submitted plan can be rejected")
    if not decision.comment.strip():
        raise DomainError("a rejection needs a comment", field="comment", rule="INV-16")
    return [AllocationPlanRejected(state.plan_id, decision.actor_id, state.level, decision.comment, decision.now)]


def amend(state: AllocationPlan, line_id: str, delta: int, decision: Decision, picture: SupplyPicture) -> list:
    """Change an approved line; the plan goes back to SUBMITTED and needs another approver (INV-16)."""
    require_status(state, APPROVED, "only an approved plan is amended (edit a draft directly)")
    line = line_of(state, line_id)
    if line.released:
        raise DomainError("a line is not amended after doses were released", field="line_id", rule="INV-16")
    if delta == 0 or not decision.comment.strip():
        raise DomainError("an amendment changes the doses and gives a reason", field="delta_doses", rule="INV-16")
    require_whole_vials(line.doses + delta, picture.doses_per_vial, "delta_doses")
    amended = AllocationLineAmended(state.plan_id, line_id, delta, decision.comment, decision.actor_id, decision.now)
    check_stock(evolve(state, amended), picture, field="delta_doses")
    return [amended]


def cancel(state: AllocationPlan, decision: Decision) -> list:
    if not state.status:
        raise NotFound(f"no allocation plan {state.plan_id}", field="plan_id")
    if state.status not in (DRAFT, SUBMITTED, APPROVED) or state.released:
        raise DomainError("a plan is cancelled only before release", field="plan_id", rule="INV-16")
    return [AllocationCancelled(state.plan_id, "", -state.total, decision.comment or "cancelled",
                                decision.actor_id, decision.now)]


def require_status(state: AllocationPlan, status: str, why: str) -> None:
    if not state.status:
        raise NotFound(f"no allocation plan {state.plan_id or ''}".strip(), field="plan_id")
    if state.status != status:
        raise DomainError(f"{why} (the plan is {state.status})", field="status", rule="INV-16")


def line_of(state: AllocationPlan, line_id: str, field: str = "line_id") -> Line:
    if line_id not in state.lines:
        raise NotFound(f"plan {state.plan_id} has no line {line_id}", field=field)
    return state.lines[line_id]
