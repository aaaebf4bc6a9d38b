"""Routes of allocation plans: draft (proposed or manual), line edits, the four-eyes state machine, release."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify

from eventkit.auth import Forbidden, current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.allocation.api import models as m
from services.allocation.api.access import PLAN_WRITERS, READERS, plan_scope
from services.allocation.domain import commands, plans
from services.allocation.handlers.aggregates import PLAN
from services.allocation.handlers.plans import existing

IDEMPOTENT = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
              "`Idempotent-Replayed: true` and the first response.")
WRITTEN = {201: m.Accepted, 200: m.Accepted}


def plan_view(plan: plans.AllocationPlan) -> dict:
    return {
        "plan_id": plan.plan_id, "status": plan.status, "level": plan.level,
        "issuing_province_code": plan.issuing_province_code, "source_location_id": plan.source_location_id,
        "presentation_id": plan.presentation_id, "lot_ids": list(plan.lot_ids), "method": plan.method,
        "total_doses": plan.total, "submitted_by": plan.submitted_by, "approved_by": plan.approved_by,
        "lines": [{"line_id": x.line_id, "recipient_unit_id": x.recipient_unit_id,
                   "recipient_unit_kind": x.recipient_unit_kind, "recipient_location_id": x.recipient_location_id,
                   "doses": x.doses, "released": x.released, "series": x.series, "dose_number": x.dose_number,
                   "use_by_date": x.use_by_date.isoformat(), "target_group_codes": list(x.target_group_codes)}
                  for x in plan.lines.values()],
    }


def draft_command(body: m.DraftBody) -> commands.DraftAllocationPlan:
    groups = tuple(body.target_group_codes)
    deadline = body.use_by_date or body.completion_deadline_date
    lines = tuple(plans.LineSpec(x.line_id or f"L-{x.recipient_unit_id}", x.recipient_unit_id, x.doses,
                                 x.use_by_date or deadline, x.series, x.dose_number,
                                 tuple(x.target_group_codes) or groups) for x in body.lines)
    return commands.DraftAllocationPlan(
        body.plan_id or f"AP-{uuid.uuid4().hex[:12].upper()}", body.level, body.province_code,
        body.source_location_id, body.presentation_id, tuple(body.lot_ids), body.method, body.total_doses,
        body.funding_source, body.legal_reference, body.completion_deadline_date, body.use_by_date, body.series,
        body.dose_number, groups, tuple(body.recipients), dict(body.group_weights), dict(body.unit_weights),
        dict(body.fixed_quotas), lines)


def blueprint(bus: CommandBus) -> Blueprint:
    bp = Blueprint("plans", __name__, url_prefix="/v1")

    def plan(plan_id: str) -> plans.AllocationPlan:
        state, _ = bus.es.load(PLAN, plan_id)
        return existing(state, plan_id)

    def authorised(plan_id: str) -> None:
        found = plan(plan_id)
        principal = current_principal()
        if found.level == "NATIONAL" and principal.role != "national_admin":
            raise Forbidden("national plans are handled by national_admin", field="plan_id", rule="role")
        principal.require_scope(plan_scope(found.level, found.issuing_province_code), field="plan_id")

    @bp.post("/allocation-plans")
    @requires(*PLAN_WRITERS)
    @documented("Draft an allocation plan; lines proposed from the read models (or given, MANUAL)",
                tags=["plans"], request=m.DraftBody, responses=WRITTEN, errors=[404, 409],
                description="National plans: national_admin, scope national. Province plans: province_officer "
                            "of the province. Checks INV-15, INV-17, INV-18. " + IDEMPOTENT)
    @command(m.DraftBody, scope="plans")
    def draft_plan(body: m.DraftBody, context: CommandContext) -> AppendResult:
        principal = current_principal()
        if body.level == "NATIONAL" and principal.role != "national_admin":
            raise Forbidden("national plans are drafted by national_admin", field="level", rule="role")
        principal.require_scope(plan_scope(body.level, body.province_code), field="province_code")
        return bus.handle(draft_command(body), context)

    @bp.get("/allocation-plans")
    @requires(*READERS)
    @documented("Allocation plans the caller's scope covers (folded from the event store)", tags=["plans"],
                query=m.PlanQuery, responses={200: m.PlanList})
    def list_plans():
        query = parse_query(m.PlanQuery)
        principal = current_principal()
        everything = principal.role in ("auditor", "analyst")
        items = [plan_view(p) for p in bus.es.fold_type(PLAN).values()
                 if (query.status is None or p.status == query.status)
                 and (query.presentation_id is None or p.presentation_id == query.presentation_id)
                 and (everything or principal.covers(plan_scope(p.level, p.issuing_province_code)))]
        return jsonify({"items": items})

    @bp.get("/allocation-plans/<plan_id>")
    @requires(*READERS)
    @documented("One allocation plan as its events say (consistent read)", tags=["plans"],
                responses={200: m.PlanView}, errors=[404, 422])
    def get_plan(plan_id: str):
        found = plan(plan_id)
        if current_principal().role not in ("auditor", "analyst"):
            current_principal().require_scope(plan_scope(found.level, found.issuing_province_code), field="plan_id")
        return jsonify(plan_view(found))

    @bp.post("/allocation-plans/<plan_id>/lines")
    @requires(*PLAN_WRITERS)
    @documented("Add or replace a line of a draft plan (BatchAllocated)", tags=["plans"], request=m.LineBody,
                responses=WRITTEN, errors=[404, 409])
    @command(m.LineBody, scope="lines:{plan_id}")
    def allocate_line(body: m.LineBody, context: CommandContext, plan_id: str) -> AppendResult:
        authorised(plan_id)
        return bus.handle(commands.AllocateLine(plan_id, body.line_id, body.recipient_unit_id, body.doses,
                                                body.use_by_date, body.series, body.dose_number,
                                                tuple(body.target_group_codes)), context)

    @bp.delete("/allocation-plans/<plan_id>/lines/<line_id>")
    @requires(*PLAN_WRITERS)
    @documented("Remove a line of a draft plan (AllocationCancelled for the line)", tags=["plans"],
                responses=WRITTEN, errors=[404, 409, 422])
    @command(scope="remove:{plan_id}:{line_id}")
    def remove_line(context: CommandContext, plan_id: str, line_id: str) -> AppendResult:
        authorised(plan_id)
        return bus.handle(commands.RemoveLine(plan_id, line_id), context)

    for name, summary, make in (
        ("submit", "Submit a draft for approval (AllocationPlanSubmitted)", commands.SubmitPlan),
        ("approve", "Approve a submitted plan; the approver is not the submitter (INV-16)", commands.ApprovePlan),
        ("reject", "Reject a submitted plan back to draft; a comment is required", commands.RejectPlan),
        ("cancel", "Cancel a plan before release (AllocationCancelled)", commands.CancelPlan),
    ):
        view = requires(*PLAN_WRITERS)(documented(summary, tags=["plans"], request=m.CommentBody, responses=WRITTEN,
                                                  errors=[404, 409])(transition(name, make, authorised, bus)))
        bp.add_url_rule(f"/allocation-plans/<plan_id>/{name}", endpoint=name, view_func=view, methods=["POST"])

    @bp.post("/allocation-plans/<plan_id>/amendments")
    @requires(*PLAN_WRITERS)
    @documented("Amend a line of an approved plan; the plan must be approved again (INV-16)", tags=["plans"],
                request=m.AmendBody, responses=WRITTEN, errors=[404, 409])
    @command(m.AmendBody, scope="amend:{plan_id}")
    def amend(body: m.AmendBody, context: CommandContext, plan_id: str) -> AppendResult:
        authorised(plan_id)
        return bus.handle(commands.AmendLine(plan_id, body.line_id, body.delta_doses, body.reason), context)

    @bp.post("/allocation-plans/<plan_id>/release")
    @requires(*PLAN_WRITERS)
    @documented("Release an approved plan (AllocationReleased per line, with lots picked EEFO)", tags=["plans"],
                request=m.ReleaseBody, responses=WRITTEN, errors=[404, 409],
                description="Inventory dispatches shipments against each AllocationReleased. " + IDEMPOTENT)
    @command(m.ReleaseBody, scope="release:{plan_id}")
    def release(body: m.ReleaseBody, context: CommandContext, plan_id: str) -> AppendResult:
        authorised(plan_id)
        lines = tuple((line.line_id, line.doses) for line in body.lines)
        return bus.handle(commands.ReleasePlan(plan_id, lines), context)

    return bp


def transition(name: str, make, authorised, bus: CommandBus):
    """The view of one state transition with a comment (submit, approve, reject, cancel)."""
    def view(body: m.CommentBody, context: CommandContext, plan_id: str) -> AppendResult:
        authorised(plan_id)
        return bus.handle(make(plan_id, body.comment), context)

    view.__name__ = name
    return command(m.CommentBody, scope=name + ":{plan_id}")(view)
