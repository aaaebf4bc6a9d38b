"""FHIR R4 routes of the immunization record (blueprint under ``/fhir``; docs/fhir.md).

``GET /fhir/Immunization?patient=&date=`` and ``GET /fhir/ImmunizationRecommendation?patient=`` answer a
``Bundle`` of type ``searchset`` (``total``, ``link`` self / next, ``entry.fullUrl``, ``entry.search.mode``
``match``); ``GET /fhir/Immunization/<id>`` reads one dose. Who may read is what ``/v1/persons/<id>/doses``
allows (:meth:`Places.authorize_record_read`: the person, or officers in scope who declare a purpose, each
such read recorded). Errors are ``OperationOutcome`` resources (:mod:`eventkit.web.fhir`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from urllib.parse import urlencode

from flask import Blueprint, request
from pydantic import Field

from eventkit.auth import requires
from eventkit.errors import NotFound
from eventkit.web.fhir import FHIR_JSON, FhirBundle, FhirResource, fhir_response, prefers
from eventkit.web.models import QueryModel
from eventkit.web.openapi import documented
from services.immunization.api.places import Places
from services.immunization.domain import fhir
from services.immunization.domain.fhir_search import FHIR_ID, Search, day_range, instant_range, parse_search
from services.immunization.queries.fhir import FhirReads

OFFICERS = ("district_officer", "province_officer", "national_admin")
READS = ("The person reads their own record (scope person:<id>; a household: one scope per member). Officers read "
         "in their scope and declare a purpose (`X-Purpose` header); each such read appends PersonalDataAccessed. "
         "Strict search: an unknown parameter, a malformed or unsupported value is a 400 OperationOutcome (send "
         "`Prefer: handling=lenient` to have unknown parameters ignored).")


class ImmunizationSearch(QueryModel):
    """The parameters (documentation only: :mod:`~services.immunization.domain.fhir_search` parses them)."""

    patient: str = Field(description="Patient/<person id> or the id")
    date: list[str] = Field([], description="Immunization only: [eq|ne|lt|gt|ge|le|sa|eb]YYYY[-MM[-DD]] or a "
                                            "date-time with a zone; repeated: AND, comma-separated: OR")
    count: int | None = Field(None, alias="_count", ge=0, le=200, description="page size (default 50)")
    offset: int | None = Field(None, alias="_offset", ge=0, description="paging, as the next link gives it")


def base_url() -> str:
    return request.url_root + "fhir/"


def searchset(resource_type: str, search: Search, resources: list[dict]) -> dict:
    """The page ``search`` asks for of ``resources`` (all the matches, in order) as a searchset ``Bundle``."""
    page = resources[search.offset:search.offset + search.count]

    def link(relation: str, offset: int) -> dict:
        query = urlencode([*search.canonical, ("_count", str(search.count)), ("_offset", str(offset))])
        return {"relation": relation, "url": f"{base_url()}{resource_type}?{query}"}

    links = [link("self", search.offset)]
    if search.count and search.offset + search.count < len(resources):
        links.append(link("next", search.offset + search.count))
    entries = [{"fullUrl": f"{base_url()}{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
               for r in page]
    # FHIR JSON has no empty arrays: an empty page has no entry at all (the HL7 validator refuses "entry": []).
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources), "link": links,
            **({"entry": entries} if entries else {})}


def register(bp: Blueprint, places: Places, reads: FhirReads, zone: tzinfo) -> None:
    def searched(dates: bool) -> Search:
        return parse_search(request.args.items(multi=True), zone, dates=dates,
                            lenient=prefers(request.headers.get("Prefer"), "handling=lenient"),
                            also=frozenset({"purpose"}))

    def search(resource_type: str, dates: bool, find: Callable[[Search], list[dict]]):
        query = searched(dates)
        known = places.authorize_record_read(query.patient, field="patient", unknown_is_empty=True)
        return fhir_response(searchset(resource_type, query, find(query) if known else []))

    def doses(query: Search) -> list[dict]:
        return [fhir.immunization(d) for d in reads.doses(query.patient)
                if query.matches(instant_range(d.administered_at) if d.administered_at is not None
                                 else day_range(d.administered_date, zone))]

    def next_dose(query: Search) -> list[dict]:
        found = reads.next_dose(query.patient)
        return [fhir.recommendation(found)] if found is not None else []

    @bp.get("/Immunization")
    @requires("citizen", *OFFICERS)
    @documented("FHIR search: a patient's doses as Immunization resources (DDCC:VS elements), by date",
                tags=["fhir"], query=ImmunizationSearch, responses={200: FhirBundle}, errors=[400, 403],
                media_type=FHIR_JSON, description=READS)
    def search_immunizations():
        return search("Immunization", True, doses)

    @bp.get("/ImmunizationRecommendation")
    @requires("citizen", *OFFICERS)
    @documented("FHIR search: a patient's next dose (DDCC:VS next vaccination date) as ImmunizationRecommendation",
                tags=["fhir"], query=ImmunizationSearch, responses={200: FhirBundle}, errors=[400, 403],
                media_type=FHIR_JSON, description=READS)
    def search_recommendations():
        return search("ImmunizationRecommendation", False, next_dose)

    @bp.get("/Immunization/<resource_id>")
    @requires("citizen", *OFFICERS)
    @documented("FHIR read: one dose as an Immunization resource (its id is the recording event's id)",
                tags=["fhir"], responses={200: FhirResource}, errors=[400, 403, 404], media_type=FHIR_JSON,
                description=READS)
    def read_immunization(resource_id: str):
        person_id = reads.person_of_dose(resource_id) if FHIR_ID.match(resource_id) else None
        if person_id is None:
            raise NotFound(f"no Immunization {resource_id}", field="id")
        places.authorize_record_read(person_id, field="id")
        found = next(d for d in reads.doses(person_id) if d.event_id == resource_id)
        return fhir_response(fhir.immunization(found))
