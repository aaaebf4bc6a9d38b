"""Allocation plan handlers: load the plan, see the store (:mod:`.supply`), decide (pure), append.

Each answers the plan's status after its events (``Reply.extra``). Every one of them runs under the lock
of the plan's source store (:data:`services.allocation.handlers.PROMISES_FROM`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import Reply, Transaction
from eventkit.errors import NotFound
from services.allocation.domain import commands, plans, proposal, release
from services.allocation.domain.common import SupplyPicture
from services.allocation.handlers.aggregates import PLAN
from services.allocation.handlers.supply import picture, promised, with_positions

if TYPE_CHECKING:
    from services.allocation.handlers import Deps


def existing(state: plans.AllocationPlan, plan_id: str) -> plans.AllocationPlan:
    if not state.status:
        raise NotFound(f"no allocation plan {plan_id}", field="plan_id")
    return state


def _seen_from(deps: Deps, state: plans.AllocationPlan, plan_id: str) -> SupplyPicture:
    return picture(deps, source=state.source_location_id, presentation_id=state.presentation_id, level=state.level,
                   province_code=state.issuing_province_code, plan_id=plan_id)


def _answer(tx: Transaction, deps: Deps, plan_id: str, events: list) -> Reply:
    after = tx.append(PLAN, plan_id, with_positions(deps, events))
    return Reply(plan_id, {"status": after.status})


def _decision(tx: Transaction, deps: Deps, comment: str = "") -> plans.Decision:
    return plans.Decision(tx.context.actor_id, deps.clock(), comment)


def draft_plan(tx: Transaction, command: commands.DraftAllocationPlan, deps: Deps) -> Reply:
    state = tx.load(PLAN, command.plan_id)
    source = deps.read.store_of(command.level, command.province_code, command.source_location_id)
    seen = picture(deps, source=source, presentation_id=command.presentation_id, level=command.level,
                   province_code=command.province_code, plan_id=command.plan_id)
    draft = plans.DraftPlan(
        command.plan_id, command.level, command.province_code if command.level == "PROVINCE" else "",
        command.presentation_id, command.lot_ids, command.method, command.funding_source, command.legal_reference,
        command.completion_deadline_date, command.target_group_codes, _lines(command, seen, deps))
    return _answer(tx, deps, command.plan_id, plans.draft_plan(state, draft, seen, deps.clock()))


def _lines(command: commands.DraftAllocationPlan, seen: SupplyPicture, deps: Deps) -> tuple[plans.LineSpec, ...]:
    """The given lines (MANUAL), or lines proposed from demand in whole vials."""
    if command.method == "MANUAL":
        return command.lines
    recipients = {k: r for k, r in seen.recipients.items()
                  if r.active and (not command.recipients or k in command.recipients)}
    demand = deps.read.demand(command.level, recipients, command.target_group_codes)
    if command.method == "PROGRESS":
        allocated = promised(deps, seen.source_location_id, seen.presentation_id).first_doses_allocated()
        demand = {k: proposal.Demand(d.unit_id, d.population, d.by_group, allocated.get(k, 0))
                  for k, d in demand.items()}
    shares = proposal.propose(command.method, command.total_doses, list(demand.values()), seen.doses_per_vial,
                              group_weights=command.group_weights, unit_weights=command.unit_weights,
                              fixed_quotas=command.fixed_quotas)
    use_by = command.use_by_date or command.completion_deadline_date
    return tuple(plans.LineSpec(f"L-{unit}", unit, doses, use_by, command.series, command.dose_number,
                                command.target_group_codes) for unit, doses in sorted(shares.items()))


def allocate_line(tx: Transaction, command: commands.AllocateLine, deps: Deps) -> Reply:
    state = existing(tx.load(PLAN, command.plan_id), command.plan_id)
    spec = plans.LineSpec(command.line_id or f"L-{command.recipient_unit_id}", command.recipient_unit_id,
                          command.doses, command.use_by_date or state.completion_deadline_date,
                          command.series, command.dose_number, command.target_group_codes)
    events = plans.allocate_line(state, spec, _seen_from(deps, state, command.plan_id), deps.clock())
    return _answer(tx, deps, command.plan_id, events)


def remove_line(tx: Transaction, command: commands.RemoveLine, deps: Deps) -> Reply:
    state = tx.load(PLAN, command.plan_id)
    return _answer(tx, deps, command.plan_id, plans.remove_line(state, command.line_id, _decision(tx, deps, command.reason)))


def submit_plan(tx: Transaction, command: commands.SubmitPlan, deps: Deps) -> Reply:
    state = existing(tx.load(PLAN, command.plan_id), command.plan_id)
    events = plans.submit(state, _decision(tx, deps, command.comment), _seen_from(deps, state, command.plan_id))
    return _answer(tx, deps, command.plan_id, events)


def approve_plan(tx: Transaction, command: commands.ApprovePlan, deps: Deps) -> Reply:
    state = existing(tx.load(PLAN, command.plan_id), command.plan_id)
    events = plans.approve(state, _decision(tx, deps, command.comment), _seen_from(deps, state, command.plan_id))
    return _answer(tx, deps, command.plan_id, events)


def reject_plan(tx: Transaction, command: commands.RejectPlan, deps: Deps) -> Reply:
    state = tx.load(PLAN, command.plan_id)
    return _answer(tx, deps, command.plan_id, plans.reject(state, _decision(tx, deps, command.comment)))


def cancel_plan(tx: Transaction, command: commands.CancelPlan, deps: Deps) -> Reply:
    state = tx.load(PLAN, command.plan_id)
    return _answer(tx, deps, command.plan_id, plans.cancel(state, _decision(tx, deps, command.comment)))


def amend_line(tx: Transaction, command: commands.AmendLine, deps: Deps) -> Reply:
    state = existing(tx.load(PLAN, command.plan_id), command.plan_id)
    events = plans.amend(state, command.line_id, command.delta_doses, _decision(tx, deps, command.reason),
                         _seen_from(deps, state, command.plan_id))
    return _answer(tx, deps, command.plan_id, events)


def release_plan(tx: Transaction, command: commands.ReleasePlan, deps: Deps) -> Reply:
    state = existing(tx.load(PLAN, command.plan_id), command.plan_id)
    requested = dict(command.lines) or None
    events = release.release(state, _decision(tx, deps), _seen_from(deps, state, command.plan_id), requested)
    return _answer(tx, deps, command.plan_id, events)
