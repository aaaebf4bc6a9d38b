"""Read routes: a site's sessions of a day, session day sheet, a person's doses and next dose, check-in pass, reports, overdue lists.

A person's doses and next dose are their health record: the person reads their own (scope ``person:<id>``);
officers read in their scope, declaring a purpose, and every such read appends ``PersonalDataAccessed``
(after the caller is authorized and the person is found, :mod:`eventkit.access`). Analysts and auditors work
on aggregates and are refused (403), as registration and certificate refuse them.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify

from eventkit.auth import current_principal, requires
from eventkit.clock import campaign_date
from eventkit.errors import DomainError, NotFound
from eventkit.handling import CommandBus
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.immunization.api import models as m
from services.immunization.api.places import Places
from services.immunization.queries import Views

OFFICERS = ("district_officer", "province_officer", "national_admin")
READERS = (*OFFICERS, "auditor", "analyst")
AUDITED = ("Citizens read their own (scope person:<id>). Officers read in their scope and declare a purpose "
           "(`X-Purpose` header or `purpose`); each such read appends PersonalDataAccessed (actor, role, purpose, "
           "subject, endpoint). Other roles are refused (403) and nothing is recorded.")


def register(bp: Blueprint, bus: CommandBus, places: Places, views: Views) -> None:
    reference, clock = bus.deps.reference, bus.deps.clock

    def health_record_read(person_id: str) -> None:
        parse_query(m.PurposeQuery)
        places.authorize_record_read(person_id)

    @bp.get("/sessions/<session_id>/day-sheet")
    @requires("vaccinator", "site_manager", *READERS)
    @documented("Session day sheet: checked in, screened (by outcome), vaccinated, postponed, observed, vials",
                tags=["reports"], responses={200: m.DaySheet}, errors=[404])
    def day_sheet(session_id: str):
        current_principal().require_scope(places.session_site(session_id).scope_path, field="session_id")
        return jsonify(views.day_sheet(session_id))

    @bp.get("/sites/<site_id>/sessions")
    @requires("vaccinator", "site_manager", *READERS)
    @documented("A site's sessions of a day, as allocation planned them, with their status here",
                tags=["sessions"], query=m.SiteSessionsQuery, responses={200: m.SiteSessions}, errors=[403, 422],
                description="The site's staff (scope site:<id>) and the officers above it read them; others are "
                            "refused (403). Status PLANNED until the opening is projected (eventually consistent).")
    def site_sessions(site_id: str):
        current_principal().require_scope(reference.site_or_unknown(site_id).scope_path, field="site_id")
        q = parse_query(m.SiteSessionsQuery)
        items, total = views.site_sessions(site_id, q.date, q.limit, q.offset)
        return jsonify({"site_id": site_id, "date": q.date.isoformat(), "total": total, "limit": q.limit,
                        "offset": q.offset, "items": items})

    @bp.get("/persons/<person_id>/doses")
    @requires("citizen", *OFFICERS)
    @documented("A person's doses (given here and historical; entered-in-error ones flagged)", tags=["records"],
                query=m.PurposeQuery, responses={200: m.Items}, errors=[400, 404], description=AUDITED)
    def doses_of(person_id: str):
        health_record_read(person_id)
        return jsonify({"items": views.doses_of(person_id)})

    @bp.get("/persons/<person_id>/next-dose")
    @requires("citizen", *OFFICERS)
    @documented("The next dose recommended (earliest / due / latest date, allowed products)", tags=["records"],
                query=m.PurposeQuery, responses={200: m.NextDose}, errors=[400, 404], description=AUDITED)
    def next_dose(person_id: str):
        health_record_read(person_id)
        found = views.next_dose(person_id)
        if found is None:
            raise NotFound("no dose is due for this person", field="person_id")
        return jsonify({"person_id": person_id, **found})

    @bp.get("/persons/<person_id>/check-in-pass")
    @requires("citizen")
    @documented("The citizen's QR token and one-time presence code for a session", tags=["visits"],
                query=m.SessionQuery, responses={200: m.CheckInPass}, errors=[404])
    def check_in_pass(person_id: str):
        current_principal().require_scope([f"person:{person_id}"], field="person_id")
        session_id = parse_query(m.SessionQuery).session_id
        places.session_site(session_id)
        return jsonify({"person_id": person_id, "session_id": session_id,
                        "qr_token": reference.qr_token(person_id),
                        "presence_code": reference.presence_code(person_id, session_id)})

    @bp.get("/districts/<district_code>/overdue-doses")
    @requires(*READERS)
    @documented("Drop-out list: people of the district whose next dose is past its due date", tags=["reports"],
                query=m.AsOfQuery, responses={200: m.Items})
    def overdue_doses(district_code: str):
        current_principal().require_scope(views.district_path(district_code), field="district_code")
        as_of = parse_query(m.AsOfQuery).as_of or campaign_date(clock())
        return jsonify({"items": views.overdue_doses(district_code, as_of)})

    @bp.get("/reports/doses")
    @requires(*READERS, "site_manager")
    @documented("Doses per day per site, district or province (and vaccine code)", tags=["reports"],
                query=m.DosesQuery, responses={200: m.Items})
    def doses_per_day():
        q = parse_query(m.DosesQuery)
        if q.level == "site":
            path = reference.site_or_unknown(q.code).scope_path
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
                tags=["aefi"], query=m.DistrictQuery, responses={200: m.Items})
    def aefi_overdue():
        district_code = parse_query(m.DistrictQuery).district_code
        current_principal().require_scope(views.district_path(district_code), field="district_code")
        return jsonify({"items": views.aefi_overdue(district_code, clock())})

    @bp.get("/reports/aefi-rates")
    @requires(*READERS)
    @documented("AEFI counts and rates per 100,000 doses by product (vaccine code) or lot (no personal data)",
                tags=["aefi"], query=m.RatesQuery, responses={200: m.Items})
    def aefi_rates():
        return jsonify({"items": views.aefi_rates(parse_query(m.RatesQuery).by)})
