"""Routes for the workflow after registration: priority groups, province approval, district assignment,
the approval queue, and appointments."""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext, uuid7
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.registration.api import access
from services.registration.api import models as m
from services.registration.api.persons import ACCEPTED
from services.registration.domain.commands import (
    ApproveRegistration,
    ApproveWalkIn,
    AssignDistrict,
    AssignPriorityGroup,
    CancelAppointment,
    RejectRegistration,
    RescheduleAppointment,
    RevokePriorityGroup,
    ScheduleAppointment,
)
from services.registration.queries import ReadModels


def register_routes(bp: Blueprint, bus: CommandBus, reads: ReadModels) -> None:
    es, deps = bus.es, bus.deps

    def authorized(person_id: str) -> None:
        access.authorize(current_principal(), access.person_of(es, person_id))

    def province_officer_of(person_id: str) -> None:
        access.require_province_officer(current_principal(), access.person_of(es, person_id))

    @bp.get("/priority-groups")
    @requires("citizen", "vaccinator", "site_manager", "district_officer", "province_officer", "national_admin",
              "auditor", "analyst")
    @documented("The priority-group catalogue in force on a date (versioned: QD-1210-2021, NQ-21-2021)",
                tags=["priority"], query=m.CatalogueQuery, responses={200: m.CatalogueOut})
    def catalogue():
        day = parse_query(m.CatalogueQuery).on or deps.refs.today(deps.clock())
        active = deps.refs.catalogues.active(day)
        return jsonify({"version": active.version, "legal_basis": active.legal_basis,
                        "effective_from": active.effective_from.isoformat(),
                        "effective_until": active.effective_until.isoformat() if active.effective_until else None,
                        "groups": [{"code": c, "title": t, "rank": i} for i, (c, t) in enumerate(active.groups, 1)]})

    @bp.post("/persons/<person_id>/priority-groups")
    @requires("province_officer", "district_officer", "national_admin")
    @documented("Assign a priority group of the catalogue in force, with evidence (INV-31)", tags=["priority"],
                request=m.GroupRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.GroupRequest, scope="group:{person_id}")
    def assign_group(body: m.GroupRequest, context: CommandContext, person_id: str) -> AppendResult:
        authorized(person_id)
        return bus.handle(AssignPriorityGroup(person_id, body.group_code.upper(), body.evidence,
                                              body.catalogue_version, body.effective_date), context)

    @bp.post("/persons/<person_id>/priority-groups/revocations")
    @requires("province_officer", "district_officer", "national_admin")
    @documented("Revoke a priority group (PriorityGroupRevoked, with reason)", tags=["priority"],
                request=m.RevokeGroupRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.RevokeGroupRequest, scope="revoke:{person_id}")
    def revoke_group(body: m.RevokeGroupRequest, context: CommandContext, person_id: str) -> AppendResult:
        authorized(person_id)
        return bus.handle(RevokePriorityGroup(person_id, body.group_code.upper(), body.catalogue_version,
                                              body.reason, body.evidence), context)

    @bp.post("/persons/<person_id>/approval")
    @requires("province_officer")
    @documented("Approve a registration (province_officer of the person's province only)", tags=["approval"],
                request=m.DecisionRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.DecisionRequest, scope="approve:{person_id}")
    def approve(body: m.DecisionRequest, context: CommandContext, person_id: str) -> AppendResult:
        province_officer_of(person_id)
        return bus.handle(ApproveRegistration(person_id, body.reason), context)

    @bp.post("/persons/<person_id>/walk-in-approval")
    @requires("site_manager", "vaccinator")
    @documented("Approve a walk-in under the site's standing delegation (RegistrationApproved naming "
                "SITE_WALK_IN_DELEGATION and the approver) and assign them to the site's district centre",
                tags=["approval"], request=m.WalkInApprovalRequest, responses=ACCEPTED, errors=[404, 409],
                description="Only a person registered on the spot at the session's site (POST /v1/persons with "
                            "site_id), approved on the campaign day of that registration (one visit), resident in "
                            "the province of the site's district centre, still pending; the caller's scope covers "
                            "the session's site. Anything else is a 422 (rule walk-in-delegation) and appends "
                            "nothing: the province decides.")
    @command(m.WalkInApprovalRequest, scope="walk-in:{person_id}")
    def approve_walk_in(body: m.WalkInApprovalRequest, context: CommandContext, person_id: str) -> AppendResult:
        access.person_of(es, person_id)
        session = deps.planned_session(body.session_id)
        if session is not None:
            access.require(current_principal(), [f"site:{session.site_id}"], field="session_id",
                           target=f"site {session.site_id}")
        return bus.handle(ApproveWalkIn(person_id, body.session_id, body.reason), context)

    @bp.post("/persons/<person_id>/rejection")
    @requires("province_officer")
    @documented("Reject a registration, with a reason (province_officer of the person's province only)",
                tags=["approval"], request=m.DecisionRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.DecisionRequest, scope="reject:{person_id}")
    def reject(body: m.DecisionRequest, context: CommandContext, person_id: str) -> AppendResult:
        province_officer_of(person_id)
        return bus.handle(RejectRegistration(person_id, body.reason), context)

    @bp.post("/persons/<person_id>/district-assignment")
    @requires("province_officer")
    @documented("Assign an approved person to a district health centre of their province", tags=["approval"],
                request=m.DistrictRequest, responses=ACCEPTED, errors=[404, 409],
                description="Centres come from inventory's LocationRegistered (kind DISTRICT_STORE), read from "
                            "the local district_centres read model.")
    @command(m.DistrictRequest, scope="district:{person_id}")
    def assign_district(body: m.DistrictRequest, context: CommandContext, person_id: str) -> AppendResult:
        province_officer_of(person_id)
        return bus.handle(AssignDistrict(person_id, body.district_health_centre_id, body.allocation_wave), context)

    @bp.get("/provinces/<province_code>/approval-queue")
    @requires("province_officer", "national_admin")
    @documented("Pending registrations of a province, by priority group then area (never registration time)",
                tags=["approval"], query=m.QueueQuery, responses={200: m.Queue},
                description="Pseudonymous (no names or ID numbers): open a record with a purpose to see details.")
    def approval_queue(province_code: str):
        access.require(current_principal(), access.province_path(province_code), field="province_code",
                       target=f"province {province_code}")
        query = parse_query(m.QueueQuery)
        return jsonify({"province_code": province_code, "counts": reads.province_status(province_code),
                        "walk_in_approvals": reads.walk_in_approvals(province_code),
                        "items": reads.approval_queue(province_code, query.district_code, query.limit, query.offset)})

    @bp.post("/persons/<person_id>/appointments")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Book an approved, assigned person into a planned session within its capacity", tags=["appointments"],
                request=m.AppointmentRequest, responses=ACCEPTED, errors=[404, 409],
                description="Sessions come from allocation's SessionPlanned (local read model); capacity is the "
                            "session's planned persons, guarded by a per-session seat ledger.")
    @command(m.AppointmentRequest, scope="book:{person_id}")
    def schedule(body: m.AppointmentRequest, context: CommandContext, person_id: str) -> AppendResult:
        principal, session = current_principal(), deps.planned_session(body.session_id)
        # a site manager books people into their own site's sessions
        site = [f"site:{session.site_id}"] if principal.role == "site_manager" and session is not None else []
        access.authorize(principal, access.person_of(es, person_id), also=site)
        return bus.handle(ScheduleAppointment(person_id, str(uuid7()), body.session_id, body.series.upper(),
                                              body.dose_number), context)

    @bp.post("/persons/<person_id>/appointments/cancellation")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Cancel the person's appointment (the seat is given back)", tags=["appointments"],
                request=m.CancelRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.CancelRequest, scope="cancel:{person_id}")
    def cancel(body: m.CancelRequest, context: CommandContext, person_id: str) -> AppendResult:
        authorized(person_id)
        return bus.handle(CancelAppointment(person_id, body.reason), context)

    @bp.post("/persons/<person_id>/appointments/reschedule")
    @requires("citizen", "district_officer", "site_manager")
    @documented("Move the person's appointment to another session (cancel + book, atomically)",
                tags=["appointments"], request=m.RescheduleRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.RescheduleRequest, scope="reschedule:{person_id}")
    def reschedule(body: m.RescheduleRequest, context: CommandContext, person_id: str) -> AppendResult:
        authorized(person_id)
        return bus.handle(RescheduleAppointment(person_id, str(uuid7()), body.session_id, body.reason), context)
