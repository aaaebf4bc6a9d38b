"""Routes of the site workflow: sessions, vials, check-in, screening, doses, observation."""

from __future__ import annotations

from flask import Blueprint

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.api.operations import OPERATIONS, Target, staff
from services.immunization.domain import session
from services.immunization.handlers import ImmunizationHandlers

SITE_STAFF = ("vaccinator", "site_manager")
IDEMPOTENCY = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
               "`Idempotent-Replayed: true` and the first response; nothing is appended twice (INV-34).")


def run(handlers: ImmunizationHandlers, kind: str, target: Target, scope_key: str):
    operation = OPERATIONS[kind]
    body = parse_body(operation.model)
    current_principal().require_scope(operation.target_site(handlers, target).scope_path, field="site_id")
    result = operation.run(handlers, target, body, command_context(scope_key=scope_key),
                           fingerprint([target.session_id, target.visit_id, target.vial_opening_id,
                                        body.model_dump(mode="json")]))
    return command_response(result)


def register(bp: Blueprint, handlers: ImmunizationHandlers) -> None:
    def session_scope(session_id: str) -> None:
        current_principal().require_scope(handlers.session_site(session_id).scope_path, field="site_id")

    @bp.post("/sessions/<session_id>/open")
    @requires("site_manager")
    @documented("Open a planned session at its site (SessionOpened)", tags=["sessions"],
                request=m.OpenSessionRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409],
                description=IDEMPOTENCY)
    def open_session(session_id: str):
        body = parse_body(m.OpenSessionRequest)
        session_scope(session_id)
        command = session.OpenSession(session_id, body.opened_at, staff(body))
        return command_response(handlers.open_session(command, command_context(scope_key="open-session"),
                                                      fingerprint([session_id, body.model_dump(mode="json")])))

    @bp.post("/sessions/<session_id>/close")
    @requires("site_manager")
    @documented("Close a session; every open vial must be discarded first, or with discard_open_vials (INV-27)",
                tags=["sessions"], request=m.CloseSessionRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[404, 409], description=IDEMPOTENCY)
    def close_session(session_id: str):
        body = parse_body(m.CloseSessionRequest)
        session_scope(session_id)
        command = session.CloseSession(session_id, body.closed_at, body.discard_open_vials)
        return command_response(handlers.close_session(command, command_context(scope_key="close-session"),
                                                       fingerprint([session_id, body.model_dump(mode="json")])))

    @bp.post("/sessions/<session_id>/vials")
    @requires(*SITE_STAFF)
    @documented("Open a multi-dose vial: discard time = min(opened + window, session end, effective expiry)",
                tags=["vials"], request=m.OpenVialRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[404, 409], description=IDEMPOTENCY)
    def open_vial(session_id: str):
        return run(handlers, "vial_open", Target(session_id=session_id), "vial-open")

    @bp.post("/sessions/<session_id>/vials/<vial_opening_id>/discard")
    @requires(*SITE_STAFF)
    @documented("Discard an opened vial; residual doses are open-vial wastage (INV-27)", tags=["vials"],
                request=m.DiscardVialRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409],
                description=IDEMPOTENCY)
    def discard_vial(session_id: str, vial_opening_id: str):
        return run(handlers, "vial_discard", Target(session_id=session_id, vial_opening_id=vial_opening_id),
                   "vial-discard")

    @bp.post("/sessions/<session_id>/check-ins")
    @requires(*SITE_STAFF)
    @documented("Check a person in by QR token or identity document; presence code or an attributed override",
                tags=["visits"], request=m.CheckInRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[404, 409], description=IDEMPOTENCY)
    def check_in(session_id: str):
        return run(handlers, "check_in", Target(session_id=session_id), "check-in")

    @bp.post("/visits/<visit_id>/screening")
    @requires(*SITE_STAFF)
    @documented("Screen a checked-in person under the ruleset in force; returns the outcome", tags=["visits"],
                request=m.ScreeningRequest, responses={201: m.ScreeningResult, 200: m.ScreeningResult},
                errors=[404, 409], description=IDEMPOTENCY)
    def screen(visit_id: str):
        return run(handlers, "screening", Target(visit_id=visit_id), "screening")

    @bp.post("/visits/<visit_id>/doses")
    @requires(*SITE_STAFF)
    @documented("Administer a dose through an open vial (checks INV-20 ... INV-28; a rejection names the rule)",
                tags=["doses"], request=m.DoseRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[404, 409], description=IDEMPOTENCY)
    def administer(visit_id: str):
        return run(handlers, "dose", Target(visit_id=visit_id), "dose")

    @bp.post("/visits/<visit_id>/not-administered")
    @requires(*SITE_STAFF)
    @documented("Record that no dose was given at this visit, and why", tags=["doses"],
                request=m.NotAdministeredRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409])
    def not_administered(visit_id: str):
        return run(handlers, "not_administered", Target(visit_id=visit_id), "not-administered")

    @bp.post("/visits/<visit_id>/observation")
    @requires(*SITE_STAFF)
    @documented("Complete the post-vaccination observation (>= 30 minutes after the dose, INV-29)",
                tags=["visits"], request=m.ObservationRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[404, 409])
    def observation(visit_id: str):
        return run(handlers, "observation", Target(visit_id=visit_id), "observation")
