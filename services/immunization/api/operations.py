"""The site-workflow commands as operations shared by the HTTP routes and the offline batch upload.

An operation turns a validated request body and its target (a session or a visit, and for a device's
upload the device and its site) into a command for the bus. The HTTP route checks the caller's scope
against :meth:`Operation.target_site` first; an uploaded command carries its device's site instead, which
the handler checks after the idempotent replay.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from services.immunization.api import models as m
from services.immunization.api.places import Places
from services.immunization.domain import dose_gate, vial, visit
from services.immunization.domain.events import IntervalOverride, ScreeningAnswer, StaffMember, Vitals
from services.immunization.domain.reference import Site


def new_id(prefix: str, given: str | None) -> str:
    return given or f"{prefix}-{uuid.uuid4()}"


@dataclass(frozen=True)
class Target:
    session_id: str = ""
    visit_id: str = ""
    vial_opening_id: str = ""
    device_site: str = ""  # an offline device's upload: the site the device belongs to
    device_id: str = ""
    device_sequence: int = 0


Build = Callable[[Target, BaseModel, CommandContext], object]


@dataclass(frozen=True)
class Operation:
    model: type[BaseModel]
    on: str  # "session" or "visit": what the target id names
    build: Build

    def target_site(self, places: Places, target: Target) -> Site:
        if self.on == "session":
            return places.session_site(target.session_id)
        return places.visit_site(target.visit_id)


def dispatch(bus: CommandBus, kind: str, target: Target, body: BaseModel, context: CommandContext) -> AppendResult:
    return bus.handle(OPERATIONS[kind].build(target, body, context), context)


def _check_in(t: Target, body: m.CheckInRequest, context: CommandContext) -> visit.CheckInPerson:
    return visit.CheckInPerson(new_id("V", body.visit_id), t.session_id, body.identity_method, body.checked_in_at,
                               body.qr_token or "", body.document_kind or "", body.document_number or "",
                               body.presence_code, body.presence_override_reason or "", t.device_site)


def _screen(t: Target, body: m.ScreeningRequest, context: CommandContext) -> visit.Screen:
    answers = tuple(ScreeningAnswer(a.question_code, a.answer) for a in body.answers)
    return visit.Screen(t.visit_id, context.actor_id, Vitals(**body.vitals.model_dump()), answers,
                        body.pregnancy_weeks, body.screened_at, t.device_site)


def _open_vial(t: Target, body: m.OpenVialRequest, context: CommandContext) -> vial.OpenVial:
    return vial.OpenVial(t.session_id, new_id("VIAL", body.vial_opening_id), body.lot_id, body.opened_at,
                            device_site=t.device_site)


def _discard_vial(t: Target, body: m.DiscardVialRequest, context: CommandContext) -> vial.DiscardVial:
    return vial.DiscardVial(t.session_id, t.vial_opening_id, body.discarded_at, body.reason, body.residual_doses,
                               t.device_site)


def _dose(t: Target, body: m.DoseRequest, context: CommandContext) -> dose_gate.AdministerDose:
    override = body.interval_override
    return dose_gate.AdministerDose(
        new_id("D", body.dose_id), "", t.visit_id, body.vial_opening_id, body.series, body.dose_number,
        body.administered_at, context.actor_id, body.route, body.body_site, body.lot_id or "", body.volume_ml,
        body.heterologous_consent, IntervalOverride(override.reason, override.approver_id) if override else None,
        t.device_id, t.device_sequence, t.device_site)


def _not_administered(t: Target, body: m.NotAdministeredRequest, context: CommandContext):
    return visit.RecordNotAdministered(t.visit_id, body.reason, body.recorded_at, t.device_site)


def _observation(t: Target, body: m.ObservationRequest, context: CommandContext) -> visit.CompleteObservation:
    return visit.CompleteObservation(t.visit_id, body.ended_at, body.outcome, body.started_at, t.device_site)


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
