"""Routes of district session plans, dispensing to sites, second-dose reserves and the supply views."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, Field

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.errors import NotFound
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.allocation.api.common import READERS, Accepted, Day, GroupCode, Id, Moment, Strict
from services.allocation.domain import sessions
from services.allocation.domain.common import StockLine
from services.allocation.handlers import AllocationHandlers


class SessionBody(Strict):
    session_id: str = Id
    site_id: str = Id
    session_date: Day
    starts_at: Moment
    ends_at: Moment
    injection_tables: int = Field(ge=1, le=100)
    presentation_id: str = Id
    planned_persons: int = Field(ge=1, le=2**31 - 1)  # the event's int32
    planned_doses: int = Field(ge=1, le=2**31 - 1)
    priority_group_codes: list[GroupCode] = Field(default=[], max_length=50)
    target_series: str = Field(default="PRIMARY", max_length=12)
    target_dose_numbers: list[Annotated[int, Field(ge=1, le=10)]] = Field(default=[], max_length=10)

    def command(self) -> sessions.PlanSession:
        data = self.model_dump()
        data["priority_group_codes"] = tuple(self.priority_group_codes)
        data["target_dose_numbers"] = tuple(self.target_dose_numbers)
        return sessions.PlanSession(**data)


class DispenseLine(Strict):
    lot_id: str = Id
    doses: int
    vials: int


class DispenseBody(Strict):
    lines: list[DispenseLine] = Field(min_length=1, max_length=100)


class ReserveBody(Strict):
    unit_id: str = Id
    presentation_id: str = Id
    cohort: str = Field(default="", max_length=200)
    held_at_location_id: str | None = Field(default=None, description="default: the national store")


class SupplyQuery(BaseModel):
    location_id: str = Field(description="the store")
    presentation_id: str = Field(description="the product")


class DemandQuery(BaseModel):
    level: str = Field(description="NATIONAL (provinces and special units) or PROVINCE (its districts)")
    province_code: str = Field(default="", description="for PROVINCE")


def blueprint(handlers: AllocationHandlers) -> Blueprint:
    bp = Blueprint("sessions", __name__, url_prefix="/v1")

    def site_scope(site_id: str, field: str) -> None:
        _, path = handlers.read.site(site_id)
        current_principal().require_scope(path, field=field)

    @bp.post("/sessions")
    @requires("district_officer")
    @documented("Plan a vaccination session at a site of the district (SessionPlanned; INV-19)",
                tags=["sessions"], request=SessionBody, responses={201: Accepted, 200: Accepted}, errors=[409])
    def plan_session():
        body = parse_body(SessionBody)
        site_scope(body.site_id, "site_id")
        return command_response(handlers.plan_session(
            body.command(), command_context(scope_key="sessions"), fingerprint(body.model_dump(mode="json"))))

    @bp.post("/sessions/<session_id>/dispensations")
    @requires("district_officer")
    @documented("Dispense district stock to the session's site (SessionStockDispensed; INV-19)",
                tags=["sessions"], request=DispenseBody, responses={201: Accepted, 200: Accepted}, errors=[404, 409])
    def dispense(session_id: str):
        body = parse_body(DispenseBody)
        site_scope(handlers.session(session_id).site_id, "session_id")
        lines = tuple(StockLine(x.lot_id, x.doses, x.vials) for x in body.lines)
        return command_response(handlers.dispense(
            session_id, lines, command_context(scope_key=f"dispense:{session_id}"),
            fingerprint(body.model_dump(mode="json"))))

    @bp.post("/second-dose-reserves")
    @requires("national_admin")
    @documented("Recompute a unit's second-dose reserve from first doses given (DosesReservedForSecondDose / "
                "ReservationReleased)", tags=["reserves"], request=ReserveBody,
                responses={201: Accepted, 200: Accepted}, errors=[409])
    def recompute_reserve():
        body = parse_body(ReserveBody)
        current_principal().require_scope(["national"], field="unit_id")
        return command_response(handlers.recompute_reserve(
            body.unit_id, body.presentation_id, body.cohort, body.held_at_location_id,
            command_context(scope_key="reserves"), fingerprint(body.model_dump(mode="json"))))

    @bp.get("/supply")
    @requires(*READERS)
    @documented("Usable stock per lot at a store, from the inventory read model (eventually consistent)",
                tags=["read models"], query=SupplyQuery)
    def supply():
        args = SupplyQuery.model_validate(request.args.to_dict())
        today = datetime.now(UTC).date()
        return jsonify({"items": handlers.read.stock_summary(args.location_id, args.presentation_id, today)})

    @bp.get("/availability")
    @requires(*READERS)
    @documented("Doses plans from a store can still take: usable, committed, reserved, free (INV-15, INV-18)",
                tags=["read models"], query=SupplyQuery)
    def availability():
        args = SupplyQuery.model_validate(request.args.to_dict())
        return jsonify(handlers.availability(args.location_id, args.presentation_id))

    @bp.get("/locations/<location_id>")
    @requires(*READERS)
    @documented("One node of the supply tree, from the inventory read model", tags=["read models"], errors=[404])
    def location(location_id: str):
        found = handlers.read.location(location_id)
        if found is None:
            raise NotFound(f"no location {location_id} (yet)", field="location_id")
        return jsonify(found)

    @bp.get("/demand")
    @requires(*READERS)
    @documented("Approved registrants per recipient unit, from the registration read model", tags=["read models"],
                query=DemandQuery)
    def demand():
        args = DemandQuery.model_validate(request.args.to_dict())
        recipients = handlers.read.recipients(args.level, args.province_code, datetime.now(UTC).date())
        found = handlers.read.demand(args.level, recipients, ())
        return jsonify({"items": [{"unit_id": d.unit_id, "population": d.population, "by_group": dict(d.by_group)}
                                  for d in found.values()]})

    return bp
