"""Routes of dose records and AEFI: historical doses, corrections, reports, investigation, classification."""

from __future__ import annotations

import uuid

from flask import Blueprint

from eventkit.auth import Forbidden, current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.api.places import Places
from services.immunization.domain import aefi, corrections
from services.immunization.domain.events import FieldChange
from services.immunization.queries import Views

OFFICERS = ("district_officer", "province_officer", "national_admin")
WRITTEN = {201: m.Accepted, 200: m.Accepted}


def register(bp: Blueprint, bus: CommandBus, places: Places, views: Views) -> None:
    def dose_scope(person_id: str, dose_id: str) -> None:
        current_principal().require_scope(places.dose_path(person_id, dose_id), field="dose_id")

    @bp.post("/persons/<person_id>/historical-doses")
    @requires(*OFFICERS)
    @documented("Record a dose given elsewhere (counts toward the series, never touches local stock)",
                tags=["records"], request=m.HistoricalDoseRequest, responses=WRITTEN, errors=[404, 409],
                description="The person must be registered (known here from registration's topic): an unknown "
                            "person id is a 404 naming `person_id`.")
    @command(m.HistoricalDoseRequest, scope="historical:{person_id}")
    def historical(body: m.HistoricalDoseRequest, context: CommandContext, person_id: str):
        current_principal().require_scope(views.person_path(person_id), field="person_id")
        return bus.handle(corrections.RecordHistoricalDose(
            body.dose_id or f"H-{uuid.uuid4()}", person_id, body.product, body.lot_number, body.administered_date,
            body.country, body.source, body.series, body.dose_number), context)

    @bp.post("/persons/<person_id>/doses/<dose_id>/entered-in-error")
    @requires("site_manager", *OFFICERS)
    @documented("Void a dose recorded in error (DoseEnteredInError referencing the original, INV-33)",
                tags=["records"], request=m.EnteredInErrorRequest, responses=WRITTEN, errors=[409])
    @command(m.EnteredInErrorRequest, scope="in-error:{person_id}:{dose_id}")
    def entered_in_error(body: m.EnteredInErrorRequest, context: CommandContext, person_id: str, dose_id: str):
        dose_scope(person_id, dose_id)
        return bus.handle(corrections.EnterDoseInError(person_id, dose_id, body.reverses_event_id, body.reason),
                          context)

    @bp.post("/persons/<person_id>/doses/<dose_id>/corrections")
    @requires("site_manager", *OFFICERS)
    @documented("Correct fields of a dose (DoseCorrected referencing the original; lot, person and vial cannot be "
                "corrected in place, INV-33)", tags=["records"], request=m.CorrectionRequest, responses=WRITTEN,
                errors=[409])
    @command(m.CorrectionRequest, scope="correct:{person_id}:{dose_id}")
    def correct(body: m.CorrectionRequest, context: CommandContext, person_id: str, dose_id: str):
        dose_scope(person_id, dose_id)
        changes = tuple(FieldChange(c.field, c.old_value, c.new_value) for c in body.changes)
        return bus.handle(corrections.CorrectDose(person_id, dose_id, body.reverses_event_id, changes, body.reason),
                          context)

    @bp.post("/aefi")
    @requires("vaccinator", "site_manager", "district_officer", "citizen")
    @documented("Report an adverse event following immunization: on site, self-reported (citizen) or hospital",
                tags=["aefi"], request=m.AefiRequest, responses=WRITTEN, errors=[409],
                description="A citizen reports only for their own person id (scope person:<id>) with source "
                            "SELF_REPORT; staff report for doses given in their scope.")
    @command(m.AefiRequest, scope="aefi")
    def report_aefi(body: m.AefiRequest, context: CommandContext):
        principal = current_principal()
        if principal.role == "citizen":
            principal.require_scope([f"person:{body.person_id}"], field="person_id")
            if body.source != "SELF_REPORT":
                raise Forbidden("a citizen's report has source SELF_REPORT", field="source", rule="role")
        else:
            dose_scope(body.person_id, body.dose_ids[0])
        return bus.handle(aefi.ReportAefi(
            body.aefi_id or f"AEFI-{uuid.uuid4()}", body.person_id, tuple(body.dose_ids), body.onset_at,
            tuple(body.symptoms), body.serious, tuple(body.seriousness_criteria), body.outcome, body.source,
            context.actor_id, body.reported_at, body.died_at), context)

    def aefi_scope(aefi_id: str) -> None:
        case = places.aefi_case(aefi_id)
        dose_scope(case.person_id, case.dose_ids[0])

    @bp.post("/aefi/<aefi_id>/investigation")
    @requires(*OFFICERS)
    @documented("Open the investigation of an AEFI (due 24 h after a serious report)", tags=["aefi"],
                request=m.InvestigationRequest, responses=WRITTEN, errors=[404, 409])
    @command(m.InvestigationRequest, scope="inv:{aefi_id}")
    def investigate(body: m.InvestigationRequest, context: CommandContext, aefi_id: str):
        aefi_scope(aefi_id)
        return bus.handle(aefi.OpenInvestigation(aefi_id, body.level), context)

    @bp.post("/aefi/<aefi_id>/classification")
    @requires(*OFFICERS)
    @documented("Classify an AEFI's causality (WHO codes; A2 asks inventory to review the lots)", tags=["aefi"],
                request=m.ClassificationRequest, responses=WRITTEN, errors=[404, 409],
                description="District officers classify non-serious cases (first-level review); serious cases "
                            "are classified at PROVINCE or NATIONAL level after an investigation.")
    @command(m.ClassificationRequest, scope="classify:{aefi_id}")
    def classify(body: m.ClassificationRequest, context: CommandContext, aefi_id: str):
        aefi_scope(aefi_id)
        return bus.handle(aefi.ClassifyAefi(aefi_id, body.level, body.causality, body.rationale), context)
