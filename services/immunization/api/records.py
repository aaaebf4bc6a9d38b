"""Routes of dose records and AEFI: historical doses, corrections, reports, investigation, classification."""

from __future__ import annotations

import uuid

from flask import Blueprint

from eventkit.aggregates import fingerprint
from eventkit.auth import Forbidden, current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.domain import aefi, corrections
from services.immunization.domain.events import FieldChange
from services.immunization.handlers import ImmunizationHandlers
from services.immunization.queries import Views

OFFICERS = ("district_officer", "province_officer", "national_admin")


def register(bp: Blueprint, handlers: ImmunizationHandlers, views: Views) -> None:
    def dose_scope(person_id: str, dose_id: str) -> None:
        site = handlers.dose_site(person_id, dose_id)
        path = site.scope_path if site else views.person_path(person_id)
        current_principal().require_scope(path, field="dose_id")

    @bp.post("/persons/<person_id>/historical-doses")
    @requires(*OFFICERS)
    @documented("Record a dose given elsewhere (counts toward the series, never touches local stock)",
                tags=["records"], request=m.HistoricalDoseRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[409])
    def historical(person_id: str):
        body = parse_body(m.HistoricalDoseRequest)
        current_principal().require_scope(views.person_path(person_id), field="person_id")
        command = corrections.RecordHistoricalDose(body.dose_id or f"H-{uuid.uuid4()}", person_id, body.product,
                                              body.lot_number, body.administered_date, body.country, body.source,
                                              body.series, body.dose_number)
        return command_response(handlers.record_historical(command, command_context(scope_key="historical"),
                                                           fingerprint([person_id, body.model_dump(mode="json")])))

    @bp.post("/persons/<person_id>/doses/<dose_id>/entered-in-error")
    @requires("site_manager", *OFFICERS)
    @documented("Void a dose recorded in error (DoseEnteredInError referencing the original, INV-33)",
                tags=["records"], request=m.EnteredInErrorRequest, responses={201: m.Accepted, 200: m.Accepted},
                errors=[409])
    def entered_in_error(person_id: str, dose_id: str):
        body = parse_body(m.EnteredInErrorRequest)
        dose_scope(person_id, dose_id)
        return command_response(handlers.enter_in_error(
            person_id, dose_id, body.reverses_event_id, body.reason, command_context(scope_key="in-error"),
            fingerprint([person_id, dose_id, body.model_dump(mode="json")])))

    @bp.post("/persons/<person_id>/doses/<dose_id>/corrections")
    @requires("site_manager", *OFFICERS)
    @documented("Correct fields of a dose (DoseCorrected referencing the original; lot, person and vial cannot be "
                "corrected in place, INV-33)", tags=["records"], request=m.CorrectionRequest,
                responses={201: m.Accepted, 200: m.Accepted}, errors=[409])
    def correct(person_id: str, dose_id: str):
        body = parse_body(m.CorrectionRequest)
        dose_scope(person_id, dose_id)
        changes = tuple(FieldChange(c.field, c.old_value, c.new_value) for c in body.changes)
        return command_response(handlers.correct_dose(
            person_id, dose_id, body.reverses_event_id, changes, body.reason, command_context(scope_key="correct"),
            fingerprint([person_id, dose_id, body.model_dump(mode="json")])))

    @bp.post("/aefi")
    @requires("vaccinator", "site_manager", "district_officer", "citizen")
    @documented("Report an adverse event following immunization: on site, self-reported (citizen) or hospital",
                tags=["aefi"], request=m.AefiRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[409],
                description="A citizen reports only for their own person id (scope person:<id>) with source "
                            "SELF_REPORT; staff report for doses given in their scope.")
    def report_aefi():
        body = parse_body(m.AefiRequest)
        principal = current_principal()
        if principal.role == "citizen":
            principal.require_scope([f"person:{body.person_id}"], field="person_id")
            if body.source != "SELF_REPORT":
                raise Forbidden("a citizen's report has source SELF_REPORT", field="source", rule="role")
        else:
            dose_scope(body.person_id, body.dose_ids[0])
        context = command_context(scope_key="aefi")
        command = aefi.ReportAefi(
            body.aefi_id or f"AEFI-{uuid.uuid4()}", body.person_id, tuple(body.dose_ids), body.onset_at,
            tuple(body.symptoms), body.serious, tuple(body.seriousness_criteria), body.outcome, body.source,
            context.actor_id, body.reported_at or handlers.now(), body.died_at)
        return command_response(handlers.report_aefi(command, context, fingerprint(body.model_dump(mode="json"))))

    def aefi_scope(aefi_id: str) -> None:
        case = handlers.aefi_case(aefi_id)
        dose_scope(case.person_id, case.dose_ids[0])

    @bp.post("/aefi/<aefi_id>/investigation")
    @requires(*OFFICERS)
    @documented("Open the investigation of an AEFI (due 24 h after a serious report)", tags=["aefi"],
                request=m.InvestigationRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409])
    def investigate(aefi_id: str):
        body = parse_body(m.InvestigationRequest)
        aefi_scope(aefi_id)
        return command_response(handlers.open_investigation(aefi_id, body.level, command_context(scope_key="inv"),
                                                            fingerprint([aefi_id, body.model_dump(mode="json")])))

    @bp.post("/aefi/<aefi_id>/classification")
    @requires(*OFFICERS)
    @documented("Classify an AEFI's causality (WHO codes; A2 asks inventory to review the lots)", tags=["aefi"],
                request=m.ClassificationRequest, responses={201: m.Accepted, 200: m.Accepted}, errors=[404, 409],
                description="District officers classify non-serious cases (first-level review); serious cases "
                            "are classified at PROVINCE or NATIONAL level after an investigation.")
    def classify(aefi_id: str):
        body = parse_body(m.ClassificationRequest)
        aefi_scope(aefi_id)
        return command_response(handlers.classify_aefi(
            aefi_id, body.level, body.causality, body.rationale, command_context(scope_key="classify"),
            fingerprint([aefi_id, body.model_dump(mode="json")])))
