"""FHIR R4 read of a person as a ``Patient`` (blueprint under ``/fhir``; docs/fhir.md).

``GET /fhir/Patient/<person_id>``: what ``GET /v1/persons/<id>`` allows - the citizen reads their own or
their household's record, staff in scope read declaring a purpose (``X-Purpose``) and each staff read
appends ``PersonalDataAccessed`` - answered as ``application/fhir+json``, errors as ``OperationOutcome``.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit import access as audit
from eventkit.auth import current_principal, requires
from eventkit.handling import CommandBus
from eventkit.web.fhir import FHIR_JSON, FhirResource, fhir_blueprint, fhir_response
from eventkit.web.openapi import documented
from services.registration.api import access
from services.registration.domain.fhir import patient


def blueprint(bus: CommandBus) -> Blueprint:
    bp = fhir_blueprint("registration_fhir", __name__)
    es = bus.es

    @bp.get("/Patient/<person_id>")
    @requires("citizen", *access.STAFF_READERS)
    @documented("FHIR read: a person as a Patient (name, birth date, sex, identity document: the DDCC:VS person)",
                tags=["fhir"], responses={200: FhirResource}, errors=[400, 403, 404], media_type=FHIR_JSON,
                description="Citizens read their own (or their household's) record. Staff declare a purpose "
                            "(`X-Purpose` header); every staff read appends PersonalDataAccessed before the "
                            "resource is returned.")
    def read_patient(person_id: str):
        principal = current_principal()
        state = access.person_of(es, person_id)
        access.authorize(principal, state)
        if principal.role != "citizen":
            audit.record_access(es, person_id, audit.declared_purpose())
        return fhir_response(patient(state))

    return bp
