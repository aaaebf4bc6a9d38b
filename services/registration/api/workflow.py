"""Routes for the workflow after registration: priority groups, province approval, district assignment,
the approval queue, and appointments."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, jsonify, request

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.registration.api import access
from services.registration.api import models as m
from services.registration.handlers import RegistrationHandlers
from services.registration.views import ReadModels

ACCEPTED = {201: m.Accepted, 200: m.Accepted}


def register_routes(bp: Blueprint, handlers: RegistrationHandlers, views: ReadModels) -> None:
    def authorized(person_id: str, field: str = "person_id"):
        state, _ = handlers.load_person(person_id)
        access.authorize(current_principal(), state, field=field)
        return state

    def province_officer_of(person_id: str) -> None:
        """Approval decisions: a province_officer whose scope is exactly the person's province."""
        state, _ = handlers.load_person(person_id)
        current_principal().require_scope([f"province:{state.province_code}"], field="person_id")

    @bp.get("/priority-groups")
    @requires("citizen", "vaccinator", "site_manager", "district_officer", "province_officer", "national_admin",
              "auditor", "analyst")
    @documented("The priority-group catalogue in force on a date (versioned: QD-1210-2021, NQ-21-2021)",
                tags=["priority"], query=m.CatalogueQuery, responses={200: m.CatalogueOut})
    def catalogue():
        day = m.CatalogueQuery.model_validate(request.args.to_dict()).on or datetime.now(UTC).date()
        active = handlers.refs.catalogues.active(day)
        return jsonify({"version": active.version, "legal_basis": active.legal_basis,
                        "effective_from": active.effective_from.isoformat(),
                        "effective_until": active.effective_until.isoformat() if active.effective_until else None,
                        "groups": [{"code": c, "title": t, "rank": i} for i, (c, t) in enumerate(active.groups, 1)]})

    @bp.post("/persons/<person_id>/priority-groups")
    @requires("province_officer", "district_officer", "national_admin")
    @documented("Assign a priority group of the catalogue in force, with evidence (INV-31)", tags=["priority"],
                request=m.GroupRequest, responses=ACCEPTED, errors=[404, 409])
    def assign_group(person_id: str):
        body = parse_body(m.GroupRequest)
        authorized(person_id)
        return command_response(handlers.assign_group(
            person_id, body.group_code.upper(), body.catalogue_version, body.evidence, body.effective_date,
            command_context(scope_key=f"group:{person_id}"), fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/priority-groups/revocations")
    @requires("province_officer", "district_officer", "national_admin")
    @documented("Revoke a priority group (PriorityGroupRevoked, with reason)", tags=["priority"],
                request=m.RevokeGroupRequest, responses=ACCEPTED, errors=[404, 409])
    def revoke_group(person_id: str):
        body = parse_body(m.RevokeGroupRequest)
        authorized(person_id)
        return command_response(handlers.revoke_group(
            person_id, body.group_code.upper(), body.catalogue_version, body.reason, body.evidence,
            command_context(scope_key=f"revoke:{person_id}"), fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/approval")
    @requires("province_officer")
    @documented("Approve a registration (province_officer of the person's province only)", tags=["approval"],
                request=m.DecisionRequest, responses=ACCEPTED, errors=[404, 409])
    def approve(person_id: str):
        body = parse_body(m.DecisionRequest)
        province_officer_of(person_id)
        return command_response(handlers.approve(person_id, body.reason, command_context(scope_key=f"approve:{person_id}"),
                                                 fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/rejection")
    @requires("province_officer")
    @documented("Reject a registration, with a reason (province_officer of the person's province only)",
                tags=["approval"], request=m.DecisionRequest, responses=ACCEPTED, errors=[404, 409])
    def reject(person_id: str):
        body = parse_body(m.DecisionRequest)
        province_officer_of(person_id)
        return command_response(handlers.reject(person_id, body.reason, command_context(scope_key=f"reject:{person_id}"),
                                                fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/district-assignment")
    @requires("province_officer")
    @documented("Assign an approved person to a district health centre of their province", tags=["approval"],
                request=m.DistrictRequest, responses=ACCEPTED, errors=[404, 409],
                description="Centres come from inventory's LocationRegistered (kind DISTRICT_STORE), read from "
                            "the local district_centres read model.")
    def assign_district(person_id: str):
        body = parse_body(m.DistrictRequest)
        province_officer_of(person_id)
        return command_response(handlers.assign_district(
            person_id, body.district_health_centre_id, body.allocation_wave,
            command_context(scope_key=f"district:{person_id}"), fingerprint(body.model_dump(mode="json"))))

    @bp.get("/provinces/<province_code>/approval-queue")
    @requires("province_officer", "national_admin")
    @documented("Pending registrations of a province, by priority group then area (never registration time)",
                tags=["approval"], query=m.QueueQuery, responses={200: m.Queue},
                description="Pseudonymous (no names or ID numbers): open a record with a purpose to see details.")
    def approval_queue(province_code: str):
        current_principal().require_scope(access.province_path(province_code), field="province_code")
        query = m.QueueQuery.model_validate(request.args.to_dict())
        return jsonify({"province_code": province_code, "counts": views.province_status(province_code),
                        "items": views.approval_queue(province_code, query.district_code, query.limit, query.offset)})

    @bp.post("/persons/<person_id>/appointments")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Book an approved, assigned person into a planned session within its capacity", tags=["appointments"],
                request=m.AppointmentRequest, responses=ACCEPTED, errors=[404, 409],
                description="Sessions come from allocation's SessionPlanned (local read model); capacity is the "
                            "session's planned persons, guarded by a per-session seat ledger.")
    def schedule(person_id: str):
        body = parse_body(m.AppointmentRequest)
        principal, session = current_principal(), handlers.lookups.planned_session(body.session_id)
        if principal.role == "site_manager" and session is not None:
            # a site manager books people into their own site's sessions
            state, _ = handlers.load_person(person_id)
            principal.require_scope([*access.scope_path(state), f"site:{session.site_id}"], field="person_id")
        else:
            authorized(person_id)
        return command_response(handlers.schedule(
            person_id, body.session_id, body.series.upper(), body.dose_number,
            command_context(scope_key=f"book:{person_id}"), fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/appointments/cancellation")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Cancel the person's appointment (the seat is given back)", tags=["appointments"],
                request=m.CancelRequest, responses=ACCEPTED, errors=[404, 409])
    def cancel(person_id: str):
        body = parse_body(m.CancelRequest)
        authorized(person_id)
        return command_response(handlers.cancel(person_id, body.reason, command_context(scope_key=f"cancel:{person_id}"),
                                                fingerprint(body.model_dump(mode="json"))))

    @bp.post("/persons/<person_id>/appointments/reschedule")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Move the person's appointment to another session (cancel + book, atomically)",
                tags=["appointments"], request=m.RescheduleRequest, responses=ACCEPTED, errors=[404, 409])
    def reschedule(person_id: str):
        body = parse_body(m.RescheduleRequest)
        authorized(person_id)
        return command_response(handlers.reschedule(
            person_id, body.session_id, body.reason, command_context(scope_key=f"reschedule:{person_id}"),
            fingerprint(body.model_dump(mode="json"))))
