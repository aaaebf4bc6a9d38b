"""Routes for identity: register (app, portal, on site), read a record (audited for staff), correct, merge."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify

from eventkit import access as audit
from eventkit.auth import Forbidden, current_principal, requires
from eventkit.envelope import CommandContext, uuid7
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.registration.api import access
from services.registration.api import models as m
from services.registration.domain import events as ev
from services.registration.domain.commands import CorrectPerson, MergePersons, RegisterPerson
from services.registration.queries import ReadModels

ACCEPTED = {201: m.Accepted, 200: m.Accepted}
CITIZEN_CORRECTABLE = frozenset({"phone", "occupation", "address.province_code", "address.district_code",
                                 "address.commune_code", "address.address_line"})


def register_routes(bp: Blueprint, bus: CommandBus, reads: ReadModels) -> None:
    es = bus.es

    @bp.post("/persons")
    @requires("citizen", "vaccinator", "site_manager")
    @documented("Register a person: a citizen (self or family, under the citizen's account) or on site",
                tags=["identity"], request=m.RegisterRequest, responses=ACCEPTED, errors=[409],
                description="Every field is validated (national ID format per kind, date of birth not in the "
                            "future, Vietnamese mobile phone, administrative codes that exist). A national ID "
                            "already registered is a 409 (INV-31); for staff its `existing_person_id` names the "
                            "person, a citizen is not told who holds the number. `Idempotency-Key` makes "
                            "retries safe.")
    @command(m.RegisterRequest, scope="register")
    def register_person(body: m.RegisterRequest, context: CommandContext) -> AppendResult:
        principal = current_principal()
        citizen = principal.role == "citizen"
        if citizen and body.channel not in ("APP", "PORTAL"):
            raise Forbidden("citizens register through the APP or the PORTAL", field="channel", rule="role")
        if citizen and body.site_id:
            raise Forbidden("a site registers walk-ins; citizens register themselves", field="site_id", rule="role")
        if body.site_id:  # a walk-in: the caller's own site
            access.require(principal, [f"site:{body.site_id}"], field="site_id", target=f"site {body.site_id}")
        return bus.handle(RegisterPerson(
            person_id=str(uuid7()), national_id_kind=body.national_id_kind.upper(), national_id=body.national_id,
            full_name=body.full_name, date_of_birth=body.date_of_birth, sex=body.sex.upper(),
            address=ev.Address(**body.address.model_dump()), channel=body.channel if citizen else "ON_SITE",
            registered_by=principal.actor_id, date_of_birth_estimated=body.date_of_birth_estimated,
            phone=body.phone, occupation=body.occupation, nationality=body.nationality.upper(),
            account_id=principal.actor_id if citizen else "", relationship=body.relationship if citizen else "",
            site_id=body.site_id), context)

    @bp.get("/persons/<person_id>")
    @requires("citizen", *access.STAFF_READERS)
    @documented("A person's record: details, approval, priority groups, district, appointment, doses, certificates",
                tags=["identity"], query=m.PurposeQuery, responses={200: m.PersonRecord}, errors=[400, 404],
                description="Citizens read their own (or their family's) record. Staff must declare a purpose "
                            "(`X-Purpose` header or `purpose`); every staff read appends PersonalDataAccessed "
                            "(actor, role, purpose, subject, endpoint) before the data is returned.")
    def read_person(person_id: str):
        parse_query(m.PurposeQuery)
        principal = current_principal()
        state = access.person_of(es, person_id)
        access.authorize(principal, state)
        if principal.role != "citizen":
            audit.record_access(es, person_id, audit.declared_purpose())
        return jsonify(person_record(state, reads))

    @bp.get("/me/persons")
    @requires("citizen")
    @documented("The persons registered under the citizen's account (self and family)", tags=["identity"],
                responses={200: m.AccountPersons})
    def my_persons():
        return jsonify({"items": reads.account_persons(current_principal().actor_id)})

    @bp.post("/persons/<person_id>/corrections")
    @requires("citizen", "province_officer", "national_admin")
    @documented("Correct personal details (PersonDetailsCorrected: old -> new, reason, evidence)", tags=["identity"],
                request=m.CorrectionRequest, responses=ACCEPTED, errors=[404, 409],
                description="Events are never edited (INV-33): a correction is a new event. Citizens may correct "
                            "their phone, occupation and address; officers any field. Correcting the national ID "
                            "re-checks its uniqueness.")
    @command(m.CorrectionRequest, scope="correct:{person_id}")
    def correct_person(body: m.CorrectionRequest, context: CommandContext, person_id: str) -> AppendResult:
        principal = current_principal()
        access.authorize(principal, access.person_of(es, person_id))
        if principal.role == "citizen":
            for name in body.changes:
                if name not in CITIZEN_CORRECTABLE:
                    raise Forbidden(f"citizens cannot correct {name}; ask the health department", rule="role",
                                    field=f"changes.{name}")
        return bus.handle(CorrectPerson(person_id, dict(body.changes), body.reason, body.evidence), context)

    @bp.post("/persons/<person_id>/merges")
    @requires("province_officer", "national_admin")
    @documented("Merge a duplicate registration into this (surviving) person (PersonsMerged)", tags=["identity"],
                request=m.MergeRequest, responses=ACCEPTED, errors=[404, 409])
    @command(m.MergeRequest, scope="merge:{person_id}")
    def merge_persons(body: m.MergeRequest, context: CommandContext, person_id: str) -> AppendResult:
        principal = current_principal()
        access.authorize(principal, access.person_of(es, person_id))
        access.authorize(principal, access.person_of(es, body.merged_person_id, "merged_person_id"),
                         field="merged_person_id")
        return bus.handle(MergePersons(person_id, body.merged_person_id, body.reason), context)


def person_record(state, reads: ReadModels) -> dict:
    details = asdict(state.details)
    for key in ("registered_at", "date_of_birth"):
        details[key] = details[key].isoformat()
    return {
        "person_id": state.person_id,
        "status": "MERGED" if state.merged_into else state.status,
        "merged_into": state.merged_into or None,
        "details": details,
        "decision": _plain(state.decision),
        "priority_groups": [_plain(g) for g in state.groups],
        "district": _plain(state.district),
        "appointment": _plain(state.appointment),
        "doses": reads.doses(state.person_id),
        "certificates": reads.certificates(state.person_id),
    }


def _plain(event) -> dict | None:
    if event is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(event).items()}
