"""The site-workflow commands as operations shared by the HTTP routes and the offline batch upload.

An operation turns a validated request body plus its target (session or visit id) into a command and runs
it; the caller has already checked role and scope against ``target_site``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from eventkit.envelope import CommandContext
from eventkit.store.base import AppendResult
from services.immunization.api import models as m
from services.immunization.domain import dose_gate, session, visit
from services.immunization.domain.events import IntervalOverride, ScreeningAnswer, StaffMember, Vitals
from services.immunization.domain.reference import Site
from services.immunization.handlers import ImmunizationHandlers


def new_id(prefix: str, given: str | None) -> str:
    return given or f"{prefix}-{uuid.uuid4()}"


@dataclass(frozen=True)
class Target:
    session_id: str = ""
    visit_id: str = ""
    vial_opening_id: str = ""
    device_id: str = ""
    device_sequence: int = 0


Run = Callable[[ImmunizationHandlers, Target, BaseModel, CommandContext, str], AppendResult]


@dataclass(frozen=True)
class Operation:
    model: type[BaseModel]
    on: str  # "session" or "visit": what the target id names
    run: Run

    def target_site(self, handlers: ImmunizationHandlers, target: Target) -> Site:
        if self.on == "session":
            return handlers.session_site(target.session_id)
        return handlers.visit_site(target.visit_id)


def _check_in(h: ImmunizationHandlers, t: Target, body: m.CheckInRequest, ctx: CommandContext, rh: str):
    person_id = h.resolve_person(body.identity_method, None, body.qr_token, body.document_kind, body.document_number)
    command = visit.CheckIn(new_id("V", body.visit_id), t.session_id, person_id, body.identity_method,
                            body.checked_in_at, False, body.presence_override_reason or "")
    return h.check_in(command, body.presence_code, ctx, rh)


def _screen(h: ImmunizationHandlers, t: Target, body: m.ScreeningRequest, ctx: CommandContext, rh: str):
    vitals = Vitals(**body.vitals.model_dump())
    answers = tuple(ScreeningAnswer(a.question_code, a.answer) for a in body.answers)
    return h.screen(visit.Screen(t.visit_id, ctx.actor_id, vitals, answers, body.pregnancy_weeks, body.screened_at),
                    ctx, rh)


def _open_vial(h: ImmunizationHandlers, t: Target, body: m.OpenVialRequest, ctx: CommandContext, rh: str):
    command = session.OpenVial(new_id("VIAL", body.vial_opening_id), body.lot_id, body.opened_at)
    return h.open_vial(t.session_id, command, ctx, rh)


def _discard_vial(h: ImmunizationHandlers, t: Target, body: m.DiscardVialRequest, ctx: CommandContext, rh: str):
    command = session.DiscardVial(t.vial_opening_id, body.discarded_at, body.reason, body.residual_doses)
    return h.discard_vial(t.session_id, command, ctx, rh)


def _dose(h: ImmunizationHandlers, t: Target, body: m.DoseRequest, ctx: CommandContext, rh: str):
    override = body.interval_override
    command = dose_gate.AdministerDose(
        new_id("D", body.dose_id), "", t.visit_id, body.vial_opening_id, body.series, body.dose_number,
        body.administered_at, ctx.actor_id, body.route, body.body_site, body.lot_id or "", body.volume_ml,
        body.heterologous_consent, IntervalOverride(override.reason, override.approver_id) if override else None,
        t.device_id, t.device_sequence)
    return h.administer_dose(command, ctx, rh)


def _not_administered(h: ImmunizationHandlers, t: Target, body: m.NotAdministeredRequest, ctx: CommandContext,
                      rh: str):
    return h.not_administered(visit.RecordNotAdministered(t.visit_id, body.reason, body.recorded_at), ctx, rh)


def _observation(h: ImmunizationHandlers, t: Target, body: m.ObservationRequest, ctx: CommandContext, rh: str):
    command = visit.CompleteObservation(t.visit_id, body.ended_at, body.outcome, body.started_at)
    return h.complete_observation(command, ctx, rh)


OPERATIONS: dict[str, Operation] = {
    "check_in": Operation(m.CheckInRequest, "session", _check_in),
    "screening": Operation(m.ScreeningRequest, "visit", _screen),
    "vial_open": Operation(m.OpenVialRequest, "session", _open_vial),
    "vial_discard": Operation(m.DiscardVialRequest, "session", _discard_vial),
    "dose": Operation(m.DoseRequest, "visit", _dose),
    "not_administered": Operation(m.NotAdministeredRequest, "visit", _not_administered),
    "observation": Operation(m.ObservationRequest, "visit", _observation),
}


def staff(body: m.OpenSessionRequest) -> tuple[StaffMember, ...]:
    return tuple(StaffMember(s.actor_id, s.role) for s in body.staff)
