"""Routes of district session plans, dispensing to sites and second-dose reserves."""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.allocation.api import models as m
from services.allocation.domain import commands, sessions
from services.allocation.domain.common import StockLine
from services.allocation.handlers.aggregates import SESSION
from services.allocation.handlers.sessions import existing_session
from services.allocation.queries import Queries

WRITTEN = {201: m.Accepted, 200: m.Accepted}


def blueprint(bus: CommandBus, read: Queries) -> Blueprint:
    bp = Blueprint("sessions", __name__, url_prefix="/v1")

    def site_scope(site_id: str, field: str) -> None:
        _, path = read.site(site_id)
        current_principal().require_scope(path, field=field)

    @bp.post("/sessions")
    @requires("district_officer")
    @documented("Plan a vaccination session at a site of the district (SessionPlanned; INV-19)",
                tags=["sessions"], request=m.SessionBody, responses=WRITTEN, errors=[409])
    @command(m.SessionBody, scope="sessions")
    def plan_session(body: m.SessionBody, context: CommandContext) -> AppendResult:
        site_scope(body.site_id, "site_id")
        return bus.handle(sessions.PlanSession(
            body.session_id, body.site_id, body.session_date, body.starts_at, body.ends_at, body.injection_tables,
            body.presentation_id, body.planned_persons, body.planned_doses, tuple(body.priority_group_codes),
            body.target_series, tuple(body.target_dose_numbers)), context)

    @bp.post("/sessions/<session_id>/dispensations")
    @requires("district_officer")
    @documented("Dispense district stock to the session's site (SessionStockDispensed; INV-19)",
                tags=["sessions"], request=m.DispenseBody, responses=WRITTEN, errors=[404, 409])
    @command(m.DispenseBody, scope="dispense:{session_id}")
    def dispense(body: m.DispenseBody, context: CommandContext, session_id: str) -> AppendResult:
        state, _ = bus.es.load(SESSION, session_id)
        site_scope(existing_session(state, session_id).site_id, "session_id")
        lines = tuple(StockLine(x.lot_id, x.doses, x.vials) for x in body.lines)
        return bus.handle(commands.DispenseToSession(session_id, lines), context)

    @bp.post("/second-dose-reserves")
    @requires("national_admin")
    @documented("Recompute a unit's second-dose reserve from first doses given (DosesReservedForSecondDose / "
                "ReservationReleased)", tags=["reserves"], request=m.ReserveBody, responses=WRITTEN, errors=[409])
    @command(m.ReserveBody, scope="reserves")
    def recompute_reserve(body: m.ReserveBody, context: CommandContext) -> AppendResult:
        current_principal().require_scope(["national"], field="unit_id")
        return bus.handle(commands.RecomputeSecondDoseReserve(body.unit_id, body.presentation_id, body.cohort,
                                                              body.held_at_location_id), context)

    return bp
