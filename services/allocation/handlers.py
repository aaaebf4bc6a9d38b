"""Allocation command handlers: read what the decision needs -> decide (pure) -> append, one method per command.

A decision that promises doses from a store (draft, line edits, submit, approve, amend, release, reserve,
dispense) runs under :meth:`Ledger.guard` for that store, so its view of what others hold cannot go stale
before it commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.envelope import CommandContext
from eventkit.errors import NotFound
from eventkit.store.base import AppendResult
from services.allocation.domain import plans, proposal, reservations, sessions
from services.allocation.domain.common import StockLine, SupplyPicture
from services.allocation.ledger import Ledger
from services.allocation.views import ReadModels

PLAN = AggregateSpec("allocation_plan", plans.AllocationPlan.empty, plans.evolve)
RESERVE = AggregateSpec("second_dose_reserve", reservations.Reserve.empty, reservations.evolve)
SESSION = AggregateSpec("session_plan", sessions.SessionPlan.empty, sessions.evolve)


@dataclass(frozen=True)
class DraftRequest:
    """A draft as the API hands it over; lines are proposed from the read models unless the method is MANUAL."""

    plan_id: str | None
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
    use_by_date: date | None
    series: str
    dose_number: int
    target_group_codes: tuple[str, ...]
    recipients: tuple[str, ...]
    group_weights: dict[str, float]
    unit_weights: dict[str, float]
    fixed_quotas: dict[str, int]
    lines: tuple[plans.LineSpec, ...]


def _appended(aggregate_id: str, **extra: Callable[[], object]) -> Callable:
    """The response of a command: the aggregate, the events appended and ``extra`` values computed late."""
    return lambda events: {"id": aggregate_id, "event_ids": [str(e.event_id) for e in events],
                           "aggregate_version": events[-1].aggregate_version if events else None,
                           **{name: value() for name, value in extra.items()}}


class AllocationHandlers:
    def __init__(self, repository: Repository, read: ReadModels, ledger: Ledger, clock: Callable[[], datetime]):
        self.repository = repository
        self.read = read
        self.ledger = ledger
        self._clock = clock

    # -- what a plan decision sees --------------------------------------------------------------------
    def picture(self, *, source: str, presentation_id: str, level: str,
                province_code: str, plan_id: str) -> SupplyPicture:
        today = self._clock().date()
        presentation = self.read.presentation(presentation_id)
        promises = self.ledger.promises(source, presentation_id)
        dispatched = self.read.dispatched(sorted(promises.plans))

        def shipped(pid: str) -> int:
            return sum(v for (ref, _, _), v in dispatched.items() if ref == pid)

        others = {k: p for k, p in promises.plans.items() if k != plan_id and p.holds_stock}
        committed = sum(max(0, p.total - shipped(k)) for k, p in others.items())
        non_first = sum(line.doses for p in others.values() for line in p.lines.values() if not line.first_dose)
        outstanding: dict[str, int] = {}
        for (pid, line_id, lot), doses in promises.released_lots.items():
            left = max(0, doses - dispatched.get((pid, line_id, lot), 0))
            outstanding[lot] = outstanding.get(lot, 0) + left
        return SupplyPicture(
            source, presentation_id, presentation.doses_per_vial, self.read.lots_at(source, presentation_id, today),
            self.read.recipients(level, province_code, today), committed, non_first, promises.reserved,
            shipped(plan_id), outstanding, today)

    def availability(self, source: str, presentation_id: str) -> dict[str, int]:
        """What plans from ``source`` can still take: the numbers INV-15 and INV-18 check against."""
        picture = self.picture(source=source, presentation_id=presentation_id, level="NATIONAL",
                               province_code="", plan_id="")
        usable = sum(lot.on_hand for lot in picture.lots if lot.usable)
        free = usable - picture.committed_elsewhere
        reserve_left = max(0, picture.reserved - picture.committed_non_first_elsewhere)
        return {"usable": usable, "committed": picture.committed_elsewhere, "reserved": picture.reserved,
                "free": free, "free_for_first_doses": free - reserve_left}

    def plan(self, plan_id: str) -> plans.AllocationPlan:
        state, _ = self.repository.load(PLAN, plan_id)
        if not state.status:
            raise NotFound(f"no allocation plan {plan_id}", field="plan_id")
        return state

    def _on_plan(self, plan_id: str, decide: Callable, context: CommandContext, request_hash: str,
                 *, needs_picture: bool = True) -> AppendResult:
        current = self.plan(plan_id)
        with self.ledger.guard(current.source_location_id):
            def decision(state: plans.AllocationPlan):
                picture = None if not needs_picture else self.picture(
                    source=state.source_location_id, presentation_id=state.presentation_id,
                    level=state.level, province_code=state.issuing_province_code, plan_id=plan_id)
                return decide(state, picture)
            return self._execute_plan(plan_id, decision, context, request_hash)

    def _execute_plan(self, plan_id: str, decide: Callable, context: CommandContext,
                      request_hash: str) -> AppendResult:
        """Execute and answer with the plan's status after the decision."""
        after: list[plans.AllocationPlan] = []

        def decide_and_keep(state: plans.AllocationPlan):
            events = decide(state)
            for event in events:
                state = plans.evolve(state, event)
            after.append(state)
            return events

        return self.repository.execute(
            PLAN, plan_id, decide_and_keep, context, request_hash=request_hash,
            respond=_appended(plan_id, status=lambda: after[-1].status))

    # -- plans ----------------------------------------------------------------------------------------
    def draft_plan(self, request: DraftRequest, context: CommandContext, request_hash: str) -> AppendResult:
        plan_id = request.plan_id or f"AP-{uuid.uuid4().hex[:12].upper()}"
        source = self.read.store_of(request.level, request.province_code, request.source_location_id)
        with self.ledger.guard(source):
            def decide(state: plans.AllocationPlan):
                picture = self.picture(source=source, presentation_id=request.presentation_id,
                                       level=request.level, province_code=request.province_code, plan_id=plan_id)
                command = plans.DraftPlan(
                    plan_id, request.level, request.province_code if request.level == "PROVINCE" else "",
                    request.presentation_id, request.lot_ids, request.method, request.funding_source,
                    request.legal_reference, request.completion_deadline_date, request.target_group_codes,
                    self._lines(request, picture))
                return plans.draft_plan(state, command, picture, self._clock())
            return self._execute_plan(plan_id, decide, context, request_hash)

    def _lines(self, request: DraftRequest, picture: SupplyPicture) -> tuple[plans.LineSpec, ...]:
        if request.method == "MANUAL":
            return request.lines
        recipients = {k: r for k, r in picture.recipients.items()
                      if r.active and (not request.recipients or k in request.recipients)}
        demand = self.read.demand(request.level, recipients, request.target_group_codes)
        if request.method == "PROGRESS":
            allocated = self._first_doses_allocated(picture)
            demand = {k: proposal.Demand(d.unit_id, d.population, d.by_group, allocated.get(k, 0))
                      for k, d in demand.items()}
        shares = proposal.propose(request.method, request.total_doses, list(demand.values()), picture.doses_per_vial,
                                  group_weights=request.group_weights, unit_weights=request.unit_weights,
                                  fixed_quotas=request.fixed_quotas)
        use_by = request.use_by_date or request.completion_deadline_date
        return tuple(plans.LineSpec(f"L-{unit}", unit, doses, use_by, request.series, request.dose_number,
                                    request.target_group_codes) for unit, doses in sorted(shares.items()))

    def _first_doses_allocated(self, picture: SupplyPicture) -> dict[str, int]:
        promises = self.ledger.promises(picture.source_location_id, picture.presentation_id)
        allocated: dict[str, int] = {}
        for plan in promises.plans.values():
            if plan.holds_stock:
                for line in plan.lines.values():
                    if line.first_dose:
                        allocated[line.recipient_unit_id] = allocated.get(line.recipient_unit_id, 0) + line.doses
        return allocated

    def allocate_line(self, plan_id: str, spec: plans.LineSpec, context: CommandContext, request_hash: str):
        return self._on_plan(plan_id, lambda s, p: plans.allocate_line(s, spec, p, self._clock()), context,
                             request_hash)

    def remove_line(self, plan_id: str, line_id: str, reason: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), reason)
        return self._on_plan(plan_id, lambda s, _: plans.remove_line(s, line_id, decision), context, request_hash,
                             needs_picture=False)

    def submit(self, plan_id: str, comment: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), comment)
        return self._on_plan(plan_id, lambda s, p: plans.submit(s, decision, p), context, request_hash)

    def approve(self, plan_id: str, comment: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), comment)
        return self._on_plan(plan_id, lambda s, p: plans.approve(s, decision, p), context, request_hash)

    def reject(self, plan_id: str, comment: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), comment)
        return self._on_plan(plan_id, lambda s, _: plans.reject(s, decision), context, request_hash,
                             needs_picture=False)

    def amend(self, plan_id: str, line_id: str, delta: int, reason: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), reason)
        return self._on_plan(plan_id, lambda s, p: plans.amend(s, line_id, delta, decision, p), context, request_hash)

    def cancel(self, plan_id: str, reason: str, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock(), reason)
        return self._on_plan(plan_id, lambda s, _: plans.cancel(s, decision), context, request_hash,
                             needs_picture=False)

    def release(self, plan_id: str, requested: dict[str, int] | None, context: CommandContext, request_hash: str):
        decision = plans.Decision(context.actor_id, self._clock())
        return self._on_plan(plan_id, lambda s, p: plans.release(s, decision, p, requested), context, request_hash)

    # -- second-dose reserves ---------------------------------------------------------------------------
    def recompute_reserve(self, unit_id: str, presentation_id: str, cohort: str, held_at: str | None,
                          context: CommandContext, request_hash: str) -> AppendResult:
        source = self.read.store_of("NATIONAL", "", None) if held_at is None else self.read.holding_store(held_at)
        presentation = self.read.presentation(presentation_id)
        rid = reservations.reservation_id(source, unit_id, presentation_id)
        after: list[int] = []
        with self.ledger.guard(source):
            def decide(state: reservations.Reserve):
                first, second = self.read.doses_given(unit_id, presentation_id)
                promised = self.ledger.promises(source, presentation_id)
                allocated = sum(line.doses for p in promised.plans.values() if p.holds_stock
                                for line in p.lines.values()
                                if line.recipient_unit_id == unit_id and line.series == "PRIMARY"
                                and line.dose_number == 2)
                command = reservations.RecomputeReserve(source, unit_id, presentation_id, cohort, first, second,
                                                        allocated, presentation.series_doses)
                events = reservations.recompute(state, command, self._clock())
                for event in events:
                    state = reservations.evolve(state, event)
                after.append(state.doses)
                return events
            return self.repository.execute(RESERVE, rid, decide, context, request_hash=request_hash,
                                           respond=_appended(rid, reserved_doses=lambda: after[-1]))

    # -- sessions -----------------------------------------------------------------------------------------
    def session(self, session_id: str) -> sessions.SessionPlan:
        state, _ = self.repository.load(SESSION, session_id)
        if not state.session_id:
            raise NotFound(f"no session {session_id}", field="session_id")
        return state

    def plan_session(self, command: sessions.PlanSession, context: CommandContext, request_hash: str):
        site, _ = self.read.site(command.site_id)
        return self.repository.execute(
            SESSION, command.session_id, lambda s: sessions.plan_session(s, command, site, self._clock()), context,
            request_hash=request_hash, respond=_appended(command.session_id))

    def dispense(self, session_id: str, lines: tuple[StockLine, ...], context: CommandContext, request_hash: str):
        current = self.session(session_id)
        district = current.district_health_centre_id
        with self.ledger.guard(district):
            def decide(state: sessions.SessionPlan):
                presentation = self.read.presentation(state.presentation_id)
                dispensed = self.ledger.dispensed_from(district)
                shipped = self.read.dispatched(sorted({s for s, _ in dispensed}))
                outstanding: dict[str, int] = {}
                for (sid, lot), doses in dispensed.items():
                    done = sum(v for (ref, _, x), v in shipped.items() if ref == sid and x == lot)
                    outstanding[lot] = outstanding.get(lot, 0) + max(0, doses - done)
                stock = sessions.DistrictStock(
                    presentation.doses_per_vial,
                    self.read.lots_at(district, state.presentation_id, self._clock().date()), outstanding)
                return sessions.dispense(state, lines, stock, self._clock())
            return self.repository.execute(SESSION, session_id, decide, context, request_hash=request_hash,
                                           respond=_appended(session_id))
