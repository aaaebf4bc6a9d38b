"""Read routes: session day sheet, a person's doses and next dose, check-in pass, reports, overdue lists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, Field

from eventkit.auth import current_principal, requires
from eventkit.errors import DomainError, NotFound
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.domain.reference import local_date
from services.immunization.handlers import ImmunizationHandlers
from services.immunization.queries import Views

OFFICERS = ("district_officer", "province_officer", "national_admin")
READERS = (*OFFICERS, "auditor", "analyst")


class SessionQuery(BaseModel):
    session_id: str = Field(description="the session the presence code is for")


class AsOfQuery(BaseModel):
    as_of: date | None = Field(None, description="default: today")


class DosesQuery(BaseModel):
    level: Literal["site", "district", "province"]
    code: str = Field(description="site id, 3-digit district code or 2-digit province code")
    date_from: date
    date_to: date


class RatesQuery(BaseModel):
    by: Literal["product", "lot"] = "product"


class DistrictQuery(BaseModel):
    district_code: str


class Items(BaseModel):
    items: list[dict]


class NextDose(BaseModel):
    person_id: str
    series: str
    dose_number: int
    earliest_date: date
    due_date: date
    latest_date: date | None
    allowed_products: list[str] = Field(description="schedule product keys; empty = any eligible product")
    schedule_rule_id: str


class DaySheet(BaseModel):
    session_id: str
    status: str = Field(description="OPEN | CLOSED | UNKNOWN (not opened yet, or not yet projected)")
    opened_at: str | None = None
    closed_at: str | None = None
    totals: dict = Field(description="checked_in, screened, outcomes (per outcome), vaccinated, postponed, "
                                     "observed, doses_opened, doses_drawn, open_vial_wastage, usage_rate_percent")
    visits: list[dict]
    vials: list[dict]


def register(bp: Blueprint, handlers: ImmunizationHandlers, views: Views) -> None:
    @bp.get("/sessions/<session_id>/day-sheet")
    @requires("vaccinator", "site_manager", *READERS)
    @documented("Session day sheet: checked in, screened (by outcome), vaccinated, postponed, observed, vials",
                tags=["reports"], responses={200: DaySheet}, errors=[404])
    def day_sheet(session_id: str):
        current_principal().require_scope(handlers.session_site(session_id).scope_path, field="session_id")
        return jsonify(views.day_sheet(session_id))

    @bp.get("/persons/<person_id>/doses")
    @requires("citizen", *READERS)
    @documented("A person's doses (given here and historical; entered-in-error ones flagged)", tags=["records"],
                responses={200: Items})
    def doses_of(person_id: str):
        current_principal().require_scope(views.person_path(person_id), field="person_id")
        return jsonify({"items": views.doses_of(person_id)})

    @bp.get("/persons/<person_id>/next-dose")
    @requires("citizen", *READERS)
    @documented("The next dose recommended (earliest / due / latest date, allowed products)", tags=["records"],
                responses={200: NextDose}, errors=[404])
    def next_dose(person_id: str):
        current_principal().require_scope(views.person_path(person_id), field="person_id")
        found = views.next_dose(person_id)
        if found is None:
            raise NotFound("no dose is due for this person", field="person_id")
        return jsonify({"person_id": person_id, **found})

    @bp.get("/persons/<person_id>/check-in-pass")
    @requires("citizen")
    @documented("The citizen's QR token and one-time presence code for a session", tags=["visits"],
                query=SessionQuery, responses={200: m.CheckInPass})
    def check_in_pass(person_id: str):
        current_principal().require_scope([f"person:{person_id}"], field="person_id")
        session_id = request.args.get("session_id", "")
        handlers.session_site(session_id)
        return jsonify({"person_id": person_id, "session_id": session_id,
                        "qr_token": handlers.reference.qr_token(person_id),
                        "presence_code": handlers.reference.presence_code(person_id, session_id)})

    @bp.get("/districts/<district_code>/overdue-doses")
    @requires(*READERS)
    @documented("Drop-out list: people of the district whose next dose is past its due date", tags=["reports"],
                query=AsOfQuery, responses={200: Items})
    def overdue_doses(district_code: str):
        current_principal().require_scope(views.district_path(district_code), field="district_code")
        as_of = AsOfQuery.model_validate(request.args.to_dict()).as_of or local_date(handlers.now())
        return jsonify({"items": views.overdue_doses(district_code, as_of)})

    @bp.get("/reports/doses")
    @requires(*READERS, "site_manager")
    @documented("Doses per day per site, district or province (and vaccine code)", tags=["reports"],
                query=DosesQuery, responses={200: Items})
    def doses_per_day():
        q = DosesQuery.model_validate(request.args.to_dict())
        if q.level == "site":
            path = handlers.reference.site_or_unknown(q.code).scope_path
        elif q.level == "district":
            path = views.district_path(q.code)
        else:
            path = ["national", f"province:{q.code}"]
        current_principal().require_scope(path, field="code")
        if q.date_to - q.date_from > timedelta(days=366):
            raise DomainError("ask for at most a year at a time", field="date_to", rule="range")
        return jsonify({"items": views.doses_per_day(q.level, q.code, q.date_from, q.date_to)})

    @bp.get("/aefi/overdue")
    @requires(*READERS)
    @documented("AEFI cases of a district past their investigation (24 h) or classification (5 days) deadline",
                tags=["aefi"], query=DistrictQuery, responses={200: Items})
    def aefi_overdue():
        district_code = request.args.get("district_code", "")
        current_principal().require_scope(views.district_path(district_code), field="district_code")
        return jsonify({"items": views.aefi_overdue(district_code, handlers.now())})

    @bp.get("/reports/aefi-rates")
    @requires(*READERS)
    @documented("AEFI counts and rates per 100,000 doses by product (vaccine code) or lot (no personal data)",
                tags=["aefi"], query=RatesQuery, responses={200: Items})
    def aefi_rates():
        q = RatesQuery.model_validate(request.args.to_dict())
        return jsonify({"items": views.aefi_rates(q.by)})
