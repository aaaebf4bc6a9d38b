"""Routes of the site workflow: sessions, vials, check-in, screening, doses, observation."""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.api.operations import OPERATIONS, Target, dispatch, staff
from services.immunization.api.places import Places
from services.immunization.domain import session

SITE_STAFF = ("vaccinator", "site_manager")
IDEMPOTENCY = ("Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
               "`Idempotent-Replayed: true` and the first response; nothing is appended twice (INV-34).")
WRITTEN = {201: m.Accepted, 200: m.Accepted}
VIAL_OPENED = {201: m.VialOpenedResult, 200: m.VialOpenedResult}


def register(bp: Blueprint, bus: CommandBus, places: Places) -> None:
    def at_site(kind: str, target: Target, body, context: CommandContext):
        """A site-workflow operation, after checking the caller's scope covers the target's site."""
        site = OPERATIONS[kind].target_site(places, target)
        current_principal().require_scope(site.scope_path, field="site_id")
        return dispatch(bus, kind, target, body, context)

    def session_scope(session_id: str) -> None:
        current_principal().require_scope(places.session_site(session_id).scope_path, field="site_id")

    @bp.post("/sessions/<session_id>/open")
    @requires("site_manager")
    @documented("Open a planned session at its site (SessionOpened)", tags=["sessions"],
                request=m.OpenSessionRequest, responses=WRITTEN, errors=[404, 409], description=IDEMPOTENCY)
    @command(m.OpenSessionRequest, scope="open-session:{session_id}")
    def open_session(body: m.OpenSessionRequest, context: CommandContext, session_id: str):
        session_scope(session_id)
        return bus.handle(session.OpenSession(session_id, body.opened_at, staff(body)), context)

    @bp.post("/sessions/<session_id>/close")
    @requires("site_manager")
    @documented("Close a session; every open vial must be discarded first, or with discard_open_vials (INV-27)",
                tags=["sessions"], request=m.CloseSessionRequest, responses=WRITTEN, errors=[404, 409],
                description=IDEMPOTENCY)
    @command(m.CloseSessionRequest, scope="close-session:{session_id}")
    def close_session(body: m.CloseSessionRequest, context: CommandContext, session_id: str):
        session_scope(session_id)
        return bus.handle(session.CloseSession(session_id, body.closed_at, body.discard_open_vials), context)

    @bp.post("/sessions/<session_id>/vials")
    @requires(*SITE_STAFF)
    @documented("Open a multi-dose vial: discard time = min(opened + window, session end, effective expiry)",
                tags=["vials"], request=m.OpenVialRequest, responses=VIAL_OPENED, errors=[404, 409],
                description=IDEMPOTENCY + " The answer carries the vial's `discard_at` as the domain decided "
                "it (INV-26), so a device need not estimate it.")
    @command(m.OpenVialRequest, scope="vial-open:{session_id}")
    def open_vial(body: m.OpenVialRequest, context: CommandContext, session_id: str):
        return at_site("vial_open", Target(session_id=session_id), body, context)

    @bp.post("/sessions/<session_id>/vials/<vial_opening_id>/discard")
    @requires(*SITE_STAFF)
    @documented("Discard an opened vial; residual doses are open-vial wastage (INV-27)", tags=["vials"],
                request=m.DiscardVialRequest, responses=WRITTEN, errors=[404, 409], description=IDEMPOTENCY)
    @command(m.DiscardVialRequest, scope="vial-discard:{session_id}:{vial_opening_id}")
    def discard_vial(body: m.DiscardVialRequest, context: CommandContext, session_id: str, vial_opening_id: str):
        return at_site("vial_discard", Target(session_id=session_id, vial_opening_id=vial_opening_id), body,
                       context)

    @bp.post("/sessions/<session_id>/check-ins")
    @requires(*SITE_STAFF)
    @documented("Check a person in by QR token or identity document; presence code or an attributed override",
                tags=["visits"], request=m.CheckInRequest, responses=WRITTEN, errors=[404, 409],
                description=IDEMPOTENCY)
    @command(m.CheckInRequest, scope="check-in:{session_id}")
    def check_in(body: m.CheckInRequest, context: CommandContext, session_id: str):
        return at_site("check_in", Target(session_id=session_id), body, context)

    @bp.post("/visits/<visit_id>/screening")
    @requires(*SITE_STAFF)
    @documented("Screen a checked-in person under the ruleset in force; returns the outcome", tags=["visits"],
                request=m.ScreeningRequest, responses={201: m.ScreeningResult, 200: m.ScreeningResult},
                errors=[404, 409], description=IDEMPOTENCY)
    @command(m.ScreeningRequest, scope="screening:{visit_id}")
    def screen(body: m.ScreeningRequest, context: CommandContext, visit_id: str):
        return at_site("screening", Target(visit_id=visit_id), body, context)

    @bp.post("/visits/<visit_id>/doses")
    @requires(*SITE_STAFF)
    @documented("Administer a dose through an open vial (checks INV-20 ... INV-28; a rejection names the rule)",
                tags=["doses"], request=m.DoseRequest, responses=WRITTEN, errors=[404, 409],
                description=IDEMPOTENCY)
    @command(m.DoseRequest, scope="dose:{visit_id}")
    def administer(body: m.DoseRequest, context: CommandContext, visit_id: str):
        return at_site("dose", Target(visit_id=visit_id), body, context)

    @bp.post("/visits/<visit_id>/not-administered")
    @requires(*SITE_STAFF)
    @documented("Record that no dose was given at this visit, and why", tags=["doses"],
                request=m.NotAdministeredRequest, responses=WRITTEN, errors=[404, 409])
    @command(m.NotAdministeredRequest, scope="not-administered:{visit_id}")
    def not_administered(body: m.NotAdministeredRequest, context: CommandContext, visit_id: str):
        return at_site("not_administered", Target(visit_id=visit_id), body, context)

    @bp.post("/visits/<visit_id>/observation")
    @requires(*SITE_STAFF)
    @documented("Complete the post-vaccination observation (>= 30 minutes after the dose, INV-29)",
                tags=["visits"], request=m.ObservationRequest, responses=WRITTEN, errors=[404, 409])
    @command(m.ObservationRequest, scope="observation:{visit_id}")
    def observation(body: m.ObservationRequest, context: CommandContext, visit_id: str):
        return at_site("observation", Target(visit_id=visit_id), body, context)
