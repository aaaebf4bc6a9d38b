"""Routes of allocation plans: draft (proposed or manual), line edits, the four-eyes state machine, release."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask import Blueprint, jsonify, request
from pydantic import Field, model_validator

from eventkit.aggregates import fingerprint
from eventkit.auth import Forbidden, current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.allocation.api.common import (
    MANY,
    PLAN_WRITERS,
    READERS,
    Accepted,
    GroupCode,
    Id,
    Strict,
    UnitId,
    Weight,
    scope_path,
)
from services.allocation.domain import plans
from services.allocation.handlers import AllocationHandlers, DraftRequest

Series = Literal["PRIMARY", "ADDITIONAL", "BOOSTER"]
IDEMPOTENT = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
              "`Idempotent-Replayed: true` and the first response.")


class LineBody(Strict):
    line_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")
    recipient_unit_id: str = Id
    doses: int = Field(description="whole vials of the presentation, > 0")
    use_by_date: date | None = Field(default=None, description="default: the plan's completion deadline")
    series: Series = "PRIMARY"
    dose_number: int = Field(default=1, ge=1, le=10)
    target_group_codes: list[GroupCode] = Field(default=[], max_length=50)

    def spec(self, deadline: date | None, groups: tuple[str, ...] = ()) -> plans.LineSpec:
        return plans.LineSpec(self.line_id or f"L-{self.recipient_unit_id}", self.recipient_unit_id, self.doses,
                              self.use_by_date or deadline or date.max, self.series, self.dose_number,
                              tuple(self.target_group_codes) or groups)


class DraftBody(Strict):
    plan_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")
    level: Literal["NATIONAL", "PROVINCE"]
    province_code: str = Field(default="", max_length=2, description="the issuing province of a PROVINCE plan")
    source_location_id: str | None = Field(default=None, description="default: the national / province store")
    presentation_id: str = Id
    lot_ids: list[UnitId] = Field(default=[], max_length=100, description="pinned lots; empty = any usable lot")
    method: Literal["POPULATION", "PRIORITY_WEIGHTED", "PROGRESS", "MANUAL"]
    total_doses: int = Field(default=0, ge=0, description="what a proposal splits (ignored for MANUAL)")
    funding_source: Literal["COVAX", "PURCHASE", "DONATION"]
    legal_reference: str = Field(min_length=1, max_length=200)
    completion_deadline_date: date
    use_by_date: date | None = None
    series: Series = "PRIMARY"
    dose_number: int = Field(default=1, ge=1, le=10)
    target_group_codes: list[GroupCode] = Field(default=[], max_length=50)
    recipients: list[UnitId] = Field(default=[], max_length=MANY,
                                     description="proposal only among these units; empty = all")
    group_weights: dict[GroupCode, Weight] = Field(default={}, max_length=50)
    unit_weights: dict[UnitId, Weight] = Field(default={}, max_length=MANY)
    fixed_quotas: dict[UnitId, int] = Field(default={}, max_length=MANY,
                                            description="doses for special units, off the top")
    lines: list[LineBody] = Field(default=[], max_length=MANY, description="MANUAL plans: the lines")

    @model_validator(mode="after")
    def _province_plans_name_their_province(self):
        if self.level == "PROVINCE" and len(self.province_code) != 2:
            raise ValueError("a PROVINCE plan names its 2-digit province_code")
        return self

    def request(self) -> DraftRequest:
        groups = tuple(self.target_group_codes)
        return DraftRequest(
            self.plan_id, self.level, self.province_code, self.source_location_id, self.presentation_id,
            tuple(self.lot_ids), self.method, self.total_doses, self.funding_source, self.legal_reference,
            self.completion_deadline_date, self.use_by_date, self.series, self.dose_number, groups,
            tuple(self.recipients), self.group_weights, self.unit_weights, self.fixed_quotas,
            tuple(line.spec(self.use_by_date or self.completion_deadline_date, groups) for line in self.lines))


class CommentBody(Strict):
    comment: str = Field(default="", max_length=1000)


class AmendBody(Strict):
    line_id: str = Id
    delta_doses: int = Field(description="signed change; the plan needs approval again")
    reason: str = Field(min_length=1, max_length=1000)


class ReleaseLine(Strict):
    line_id: str = Id
    doses: int


class ReleaseBody(Strict):
    lines: list[ReleaseLine] = Field(default=[], max_length=MANY,
                                     description="partial release per line; empty = all that is left")


class PlanLine(Strict):
    line_id: str
    recipient_unit_id: str
    recipient_unit_kind: str
    recipient_location_id: str
    doses: int
    released: int
    series: str
    dose_number: int
    use_by_date: date
    target_group_codes: list[str]


class PlanQuery(Strict):
    status: str | None = Field(default=None, description="DRAFT | SUBMITTED | APPROVED | RELEASED | CANCELLED")
    presentation_id: str | None = None


class PlanView(Strict):
    plan_id: str
    status: str
    level: str
    issuing_province_code: str
    source_location_id: str
    presentation_id: str
    lot_ids: list[str]
    method: str
    total_doses: int
    submitted_by: str
    approved_by: str
    lines: list[PlanLine]


class PlanList(Strict):
    items: list[PlanView]


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


def blueprint(handlers: AllocationHandlers) -> Blueprint:
    bp = Blueprint("plans", __name__, url_prefix="/v1")

    def authorised(plan_id: str) -> plans.AllocationPlan:
        plan = handlers.plan(plan_id)
        principal = current_principal()
        if plan.level == "NATIONAL" and principal.role != "national_admin":
            raise Forbidden("national plans are handled by national_admin", field="plan_id", rule="role")
        principal.require_scope(scope_path(plan.level, plan.issuing_province_code), field="plan_id")
        return plan

    def context(route: str, body) -> tuple:
        return command_context(scope_key=route), fingerprint([route, body.model_dump(mode="json")])

    @bp.post("/allocation-plans")
    @requires(*PLAN_WRITERS)
    @documented("Draft an allocation plan; lines proposed from the read models (or given, MANUAL)",
                tags=["plans"], request=DraftBody, responses={201: Accepted, 200: Accepted}, errors=[404, 409],
                description="National plans: national_admin, scope national. Province plans: province_officer "
                            "of the province. Checks INV-15, INV-17, INV-18. " + IDEMPOTENT)
    def draft_plan():
        body = parse_body(DraftBody)
        principal = current_principal()
        if body.level == "NATIONAL" and principal.role != "national_admin":
            raise Forbidden("national plans are drafted by national_admin", field="level", rule="role")
        principal.require_scope(scope_path(body.level, body.province_code), field="province_code")
        return command_response(handlers.draft_plan(body.request(), *context("plans", body)))

    @bp.get("/allocation-plans")
    @requires(*READERS)
    @documented("Allocation plans the caller's scope covers (folded from the event store)", tags=["plans"],
                query=PlanQuery, responses={200: PlanList})
    def list_plans():
        query = PlanQuery.model_validate(request.args.to_dict())
        principal = current_principal()
        everything = principal.role in ("auditor", "analyst")
        items = [plan_view(p) for p in handlers.ledger.all_plans().values()
                 if (query.status is None or p.status == query.status)
                 and (query.presentation_id is None or p.presentation_id == query.presentation_id)
                 and (everything or principal.covers(scope_path(p.level, p.issuing_province_code)))]
        return jsonify({"items": items})

    @bp.get("/allocation-plans/<plan_id>")
    @requires(*READERS)
    @documented("One allocation plan as its events say (consistent read)", tags=["plans"],
                responses={200: PlanView}, errors=[404])
    def get_plan(plan_id: str):
        plan = handlers.plan(plan_id)
        if current_principal().role not in ("auditor", "analyst"):
            current_principal().require_scope(scope_path(plan.level, plan.issuing_province_code), field="plan_id")
        return jsonify(plan_view(plan))

    @bp.post("/allocation-plans/<plan_id>/lines")
    @requires(*PLAN_WRITERS)
    @documented("Add or replace a line of a draft plan (BatchAllocated)", tags=["plans"], request=LineBody,
                responses={201: Accepted, 200: Accepted}, errors=[404, 409])
    def allocate_line(plan_id: str):
        body = parse_body(LineBody)
        plan = authorised(plan_id)
        spec = body.spec(plan.completion_deadline_date)
        return command_response(handlers.allocate_line(plan_id, spec, *context(f"lines:{plan_id}", body)))

    @bp.delete("/allocation-plans/<plan_id>/lines/<line_id>")
    @requires(*PLAN_WRITERS)
    @documented("Remove a line of a draft plan (AllocationCancelled for the line)", tags=["plans"],
                responses={201: Accepted, 200: Accepted}, errors=[404, 409, 422])
    def remove_line(plan_id: str, line_id: str):
        authorised(plan_id)
        route = f"remove:{plan_id}:{line_id}"
        return command_response(handlers.remove_line(plan_id, line_id, "removed from draft",
                                                     command_context(scope_key=route), fingerprint([route])))

    def transition(name: str, run):
        def view(plan_id: str):
            body = parse_body(CommentBody)
            authorised(plan_id)
            return command_response(run(plan_id, body.comment, *context(f"{name}:{plan_id}", body)))
        view.__name__ = name
        return view

    for name, summary, run in (
        ("submit", "Submit a draft for approval (AllocationPlanSubmitted)", handlers.submit),
        ("approve", "Approve a submitted plan; the approver is not the submitter (INV-16)", handlers.approve),
        ("reject", "Reject a submitted plan back to draft; a comment is required", handlers.reject),
        ("cancel", "Cancel a plan before release (AllocationCancelled)", handlers.cancel),
    ):
        view = requires(*PLAN_WRITERS)(transition(name, run))
        view = documented(summary, tags=["plans"], request=CommentBody, responses={201: Accepted, 200: Accepted},
                          errors=[404, 409])(view)
        bp.add_url_rule(f"/allocation-plans/<plan_id>/{name}", endpoint=name, view_func=view, methods=["POST"])

    @bp.post("/allocation-plans/<plan_id>/amendments")
    @requires(*PLAN_WRITERS)
    @documented("Amend a line of an approved plan; the plan must be approved again (INV-16)", tags=["plans"],
                request=AmendBody, responses={201: Accepted, 200: Accepted}, errors=[404, 409])
    def amend(plan_id: str):
        body = parse_body(AmendBody)
        authorised(plan_id)
        return command_response(handlers.amend(plan_id, body.line_id, body.delta_doses, body.reason,
                                               *context(f"amend:{plan_id}", body)))

    @bp.post("/allocation-plans/<plan_id>/release")
    @requires(*PLAN_WRITERS)
    @documented("Release an approved plan (AllocationReleased per line, with lots picked EEFO)", tags=["plans"],
                request=ReleaseBody, responses={201: Accepted, 200: Accepted}, errors=[404, 409],
                description="Inventory dispatches shipments against each AllocationReleased. " + IDEMPOTENT)
    def release(plan_id: str):
        body = parse_body(ReleaseBody)
        authorised(plan_id)
        requested = {line.line_id: line.doses for line in body.lines} or None
        return command_response(handlers.release(plan_id, requested, *context(f"release:{plan_id}", body)))

    return bp
