"""Routes for identity: register (app, portal, on site), read a record (audited for staff), correct, merge."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify

from eventkit.aggregates import fingerprint
from eventkit.auth import Forbidden, current_principal, requires
from eventkit.envelope import uuid7
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.registration.api import access
from services.registration.api import models as m
from services.registration.domain import events as ev
from services.registration.domain.person import RegisterPerson
from services.registration.handlers import RegistrationHandlers
from services.registration.views import ReadModels

CITIZEN_CORRECTABLE = frozenset({"phone", "occupation", "address.province_code", "address.district_code",
                                 "address.commune_code", "address.address_line"})


def register_routes(bp: Blueprint, handlers: RegistrationHandlers, views: ReadModels) -> None:
    @bp.post("/persons")
    @requires("citizen", "vaccinator", "site_manager")
    @documented("Register a person: a citizen (self or family, under the citizen's account) or on site",
                tags=["identity"], request=m.RegisterRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[409],
                description="Every field is validated (national ID format per kind, date of birth not in the "
                            "future, Vietnamese mobile phone, administrative codes that exist). A national ID "
                            "already registered is a 409 whose `existing_person_id` names the person (INV-31). "
                            "`Idempotency-Key` makes retries safe.")
    def register_person():
        body = parse_body(m.RegisterRequest)
        principal = current_principal()
        citizen = principal.role == "citizen"
        if citizen and body.channel not in ("APP", "PORTAL"):
            raise Forbidden("citizens register through the APP or the PORTAL", field="channel", rule="role")
        command = RegisterPerson(
            person_id=str(uuid7()), national_id_kind=body.national_id_kind.upper(), national_id=body.national_id,
            full_name=body.full_name, date_of_birth=body.date_of_birth, sex=body.sex.upper(),
            address=ev.Address(**body.address.model_dump()), channel=body.channel if citizen else "ON_SITE",
            registered_by=principal.actor_id, date_of_birth_estimated=body.date_of_birth_estimated,
            phone=body.phone, occupation=body.occupation, nationality=body.nationality.upper(),
            account_id=principal.actor_id if citizen else "", relationship=body.relationship if citizen else "")
        result = handlers.register_person(command, command_context(scope_key="register"),
                                          fingerprint(body.model_dump(mode="json")))
        return command_response(result)

    @bp.get("/persons/<person_id>")
    @requires("citizen", *access.STAFF_READERS)
    @documented("A person's record: details, approval, priority groups, district, appointment, doses, certificates",
                tags=["identity"], query=m.PurposeQuery, responses={200: m.PersonRecord}, errors=[400, 404],
                description="Citizens read their own (or their family's) record. Staff must declare a purpose "
                            "(`X-Purpose` header or `purpose`); every staff read appends PersonalDataAccessed "
                            "(actor, role, purpose, subject, endpoint) before the data is returned.")
    def read_person(person_id: str):
        principal = current_principal()
        state, _ = handlers.load_person(person_id)
        access.authorize(principal, state)
        if principal.role != "citizen":
            handlers.record_access(access.access_record(principal, state, access.purpose()),
                                   command_context(scope_key="read"))
        return jsonify(person_record(state, views))

    @bp.get("/me/persons")
    @requires("citizen")
    @documented("The persons registered under the citizen's account (self and family)", tags=["identity"],
                responses={200: m.AccountPersons})
    def my_persons():
        return jsonify({"items": views.account_persons(current_principal().actor_id)})

    @bp.post("/persons/<person_id>/corrections")
    @requires("citizen", "province_officer", "national_admin")
    @documented("Correct personal details (PersonDetailsCorrected: old -> new, reason, evidence)", tags=["identity"],
                request=m.CorrectionRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409],
                description="Events are never edited (INV-33): a correction is a new event. Citizens may correct "
                            "their phone, occupation and address; officers any field. Correcting the national ID "
                            "re-checks its uniqueness.")
    def correct_person(person_id: str):
        body = parse_body(m.CorrectionRequest)
        principal = current_principal()
        state, _ = handlers.load_person(person_id)
        access.authorize(principal, state)
        if principal.role == "citizen":
            for name in body.changes:
                if name not in CITIZEN_CORRECTABLE:
                    raise Forbidden(f"citizens cannot correct {name}; ask the health department", rule="role",
                                    field=f"changes.{name}")
        result = handlers.correct_person(person_id, body.changes, body.reason, body.evidence,
                                         command_context(scope_key=f"correct:{person_id}"),
                                         fingerprint(body.model_dump(mode="json")))
        return command_response(result)

    @bp.post("/persons/<person_id>/merges")
    @requires("province_officer", "national_admin")
    @documented("Merge a duplicate registration into this (surviving) person (PersonsMerged)", tags=["identity"],
                request=m.MergeRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409])
    def merge_persons(person_id: str):
        body = parse_body(m.MergeRequest)
        principal = current_principal()
        for subject in (person_id, body.merged_person_id):
            access.authorize(principal, handlers.load_person(subject)[0], field="merged_person_id")
        result = handlers.merge_persons(person_id, body.merged_person_id, body.reason,
                                        command_context(scope_key=f"merge:{person_id}"),
                                        fingerprint(body.model_dump(mode="json")))
        return command_response(result)


def person_record(state, views: ReadModels) -> dict:
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
        "doses": views.doses(state.person_id),
        "certificates": views.certificates(state.person_id),
    }


def _plain(event) -> dict | None:
    if event is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(event).items()}
