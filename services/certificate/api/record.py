"""The citizen's record (the e-health book) and staff lookups.

- ``GET /v1/persons/<person_id>/record``: doses, next-dose recommendation and certificates (with their QR
  strings). A citizen needs the scope ``person:<person_id>``; staff need a scope on the person's path
  (national, their province or district, or a site that vaccinated them) and a declared ``purpose``, and
  every staff lookup is recorded as ``PersonalDataAccessed`` on the certificate topic.
- ``GET /v1/persons/<person_id>/certificate.png?format=`` the current certificate's QR image;
- ``GET /v1/persons/<person_id>/certificate.pdf?format=`` a printable certificate;
- ``POST /v1/revocations`` (national_admin): revoke one certificate (e.g. fraud). Final (INV-33).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from eventkit.aggregates import Repository, fingerprint
from eventkit.auth import CITIZEN, current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict, DomainError, NotFound
from eventkit.store.base import AggregateChanges
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.context import request_id
from eventkit.web.openapi import documented
from services.certificate import audit
from services.certificate.domain import certificates as domain
from services.certificate.formats.images import certificate_pdf, qr_png
from services.certificate.issuer import PERSON_CERTIFICATES
from services.certificate.views import CertificateViews

STAFF = ("vaccinator", "site_manager", "district_officer", "province_officer", "national_admin")
Format = Literal["EU_DCC_HC1", "SMART_HEALTH_CARD"]


class RecordQuery(BaseModel):
    purpose: Literal["CARE", "CERTIFICATE_CHECK", "SUPPORT", "INVESTIGATION", "ADMINISTRATION"] | None = Field(
        default=None, description="required for staff: why the record is looked up (recorded)")


class DocumentQuery(RecordQuery):
    format: Format = Field(default="EU_DCC_HC1", description="EU_DCC_HC1 (default) or SMART_HEALTH_CARD")


class PersonalRecord(BaseModel):
    person_id: str
    person: dict
    doses: list[dict]
    next_dose: dict | None
    certificates: list[dict] = Field(description="every certificate, newest last, with status and QR string")
    current: dict = Field(description="per format, the current certificate (active or suspended)")


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=64)
    certificate_id: str = Field(min_length=1, max_length=80)
    reason: Literal["FRAUD", "IDENTITY_MERGE", "DOSE_ENTERED_IN_ERROR", "LOT_RECALL", "DOSE_CORRECTED",
                    "PERSON_CORRECTED"]


class RevokeAccepted(BaseModel):
    certificate_id: str
    event_ids: list[str]


def blueprint(views: CertificateViews, repository: Repository, *, producer: str,
              clock: Callable[[], datetime]) -> Blueprint:
    bp = Blueprint("certificate_record", __name__, url_prefix="/v1")

    def authorise(person_id: str, endpoint: str) -> None:
        principal = current_principal()
        if principal.role == CITIZEN:
            principal.require_scope([f"person:{person_id}"], field="person_id")
            return
        principal.require_scope(views.scope_path(person_id), field="person_id")
        purpose = request.args.get("purpose")
        if purpose is None:
            raise DomainError("staff must declare a purpose to look up a person's record", field="purpose",
                              rule="purpose")
        record_access(principal, person_id, purpose, endpoint)

    def record_access(principal, person_id: str, purpose: str, endpoint: str) -> None:
        # One access-log aggregate per person and day keeps each stream short.
        event = audit.PersonalDataAccessed(principal.actor_id, principal.role, purpose, person_id, endpoint)
        aggregate = audit.aggregate_id(person_id, clock().date())
        # No idempotency key: every lookup is its own access, even a retried one.
        context = CommandContext(actor_id=principal.actor_id, actor_role=principal.role,
                                 correlation_id=request.headers.get("X-Correlation-ID", request_id())[:128],
                                 causation_id=request_id())
        for _ in range(5):
            version = len(repository.store.load(aggregate))
            try:
                repository.store.append([AggregateChanges("personal_data_access", aggregate, version,
                                                          [repository.draft(event)])], context, producer=producer)
                return
            except ConcurrencyConflict:
                continue
        raise ConcurrencyConflict("could not record the access; retry", rule="INV-37")

    def current_document(person_id: str, fmt: str) -> dict:
        current = views.current(person_id, fmt)
        if current is None or not current["qr"]:
            raise NotFound(f"person {person_id} has no current {fmt} certificate", field="person_id")
        return current

    @bp.get("/persons/<person_id>/record")
    @requires(CITIZEN, *STAFF)
    @documented("A person's record: doses, next-dose recommendation and certificates", tags=["record"],
                query=RecordQuery, responses={200: PersonalRecord}, errors=[404, 422])
    def personal_record(person_id: str):
        RecordQuery.model_validate(request.args.to_dict())
        authorise(person_id, "GET /v1/persons/{person_id}/record")
        person = views.person(person_id)
        if person is None:
            raise NotFound(f"no record for person {person_id}", field="person_id")
        certificates = views.certificates(person_id)
        current = {fmt: views.current(person_id, fmt) for fmt in domain.FORMATS}
        return jsonify({"person_id": person_id, "person": person, "doses": views.doses(person_id),
                        "next_dose": views.next_dose(person_id), "certificates": certificates,
                        "current": {k: v for k, v in current.items() if v}})

    @bp.get("/persons/<person_id>/certificate.png")
    @requires(CITIZEN, *STAFF)
    @documented("The current certificate as a QR image (PNG)", tags=["record"], query=DocumentQuery, errors=[404, 422])
    def certificate_png(person_id: str):
        query = DocumentQuery.model_validate(request.args.to_dict())
        authorise(person_id, "GET /v1/persons/{person_id}/certificate.png")
        return Response(qr_png(current_document(person_id, query.format)["qr"]), mimetype="image/png")

    @bp.get("/persons/<person_id>/certificate.pdf")
    @requires(CITIZEN, *STAFF)
    @documented("The current certificate, printable (PDF with the QR and its fields)", tags=["record"],
                query=DocumentQuery, errors=[404, 422])
    def certificate_pdf_view(person_id: str):
        query = DocumentQuery.model_validate(request.args.to_dict())
        authorise(person_id, "GET /v1/persons/{person_id}/certificate.pdf")
        current = current_document(person_id, query.format)
        person = views.person(person_id) or {}
        doses = [d for d in views.doses(person_id) if d["dose_id"] in current["dose_ids"]]
        last = doses[-1] if doses else {}
        fields = [("Name", person.get("full_name", "")), ("Date of birth", person.get("date_of_birth", "")),
                  ("Nationality", person.get("nationality", "")), ("Disease", "COVID-19"),
                  ("Doses received", f"{len(doses)} ({current['level'].lower()})"),
                  ("Date of last dose", last.get("date", "")), ("Lot number", last.get("lot_number", "")),
                  ("Vaccine product", last.get("product", "")), ("Certificate", current["certificate_id"]),
                  ("Valid until", current["expires_at"][:10]), ("Status", current["status"])]
        pdf = certificate_pdf("COVID-19 vaccination certificate", fields, current["qr"])
        return Response(pdf, mimetype="application/pdf")

    @bp.post("/revocations")
    @requires("national_admin")
    @documented("Revoke one certificate (e.g. fraud); a revocation is final", tags=["revocation"],
                request=RevokeRequest, responses={201: RevokeAccepted, 200: RevokeAccepted}, errors=[409])
    def revoke_certificate():
        body = parse_body(RevokeRequest)
        current_principal().require_scope(["national"], field="certificate_id")
        command = domain.RevokeCertificate(body.certificate_id, body.reason, clock())
        result = repository.execute(
            PERSON_CERTIFICATES, domain.aggregate_id(body.person_id), lambda state: domain.revoke(state, command),
            command_context(scope_key="revocations"), request_hash=fingerprint(body.model_dump(mode="json")),
            respond=lambda events: {"certificate_id": body.certificate_id,
                                    "event_ids": [str(e.event_id) for e in events]})
        return command_response(result)

    return bp
