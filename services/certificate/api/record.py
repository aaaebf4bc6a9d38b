"""The citizen's record (the e-health book), staff lookups and manual revocation.

- ``GET /v1/persons/<person_id>/record``: doses, next-dose recommendation and certificates (with their QR
  strings). A citizen needs the scope ``person:<person_id>``; staff need a scope on the person's path
  (national, their province or district, or a site that vaccinated them) and a declared purpose
  (``X-Purpose`` or ``?purpose=``);
- ``GET /v1/persons/<person_id>/certificate.png?format=`` the current certificate's QR image;
- ``GET /v1/persons/<person_id>/certificate.pdf?format=`` a printable certificate;
- ``POST /v1/revocations`` (national_admin): revoke one certificate (e.g. fraud). Final (INV-33).

A staff read appends one ``PersonalDataAccessed`` (:func:`eventkit.access.record_access`) - only once the
caller is authorized (role, scope, purpose) *and* what is served was found: a refused read or an unknown
person appends nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from eventkit import access
from eventkit.auth import CITIZEN, current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.errors import NotFound
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.certificate.api import models as m
from services.certificate.domain import certificates as domain
from services.certificate.domain.commands import RevokeCertificate
from services.certificate.formats.images import certificate_pdf, qr_png
from services.certificate.queries import CertificateViews, current_of

STAFF = ("vaccinator", "site_manager", "district_officer", "province_officer", "national_admin")


def blueprint(views: CertificateViews, bus: CommandBus) -> Blueprint:
    bp = Blueprint("certificate_record", __name__, url_prefix="/v1")

    def authorise(person_id: str) -> str | None:
        """The purpose a staff read declares (None for a citizen's own read); 403 / 400 when refused."""
        principal = current_principal()
        if principal.role == CITIZEN:
            principal.require_scope([f"person:{person_id}"], field="person_id")
            return None
        principal.require_scope(views.scope_path(person_id), field="person_id")
        return access.declared_purpose()

    def served(person_id: str, purpose: str | None) -> None:
        """Record a staff read: called once the data to serve was found."""
        if purpose is not None:
            access.record_access(bus.es, person_id, purpose)

    def found_person(person_id: str) -> dict:
        person = views.person(person_id)
        if person is None:
            raise NotFound(f"no record for person {person_id}", field="person_id", rule="not-found")
        return person

    def current_document(person_id: str, fmt: str) -> dict:
        current = views.current(person_id, fmt)
        if current is None or not current["qr"]:
            raise NotFound(f"person {person_id} has no current {fmt} certificate", field="person_id",
                           rule="not-found")
        return current

    @bp.get("/persons/<person_id>/record")
    @requires(CITIZEN, *STAFF)
    @documented("A person's record: doses, next-dose recommendation and certificates", tags=["record"],
                query=m.RecordQuery, responses={200: m.PersonalRecord}, errors=[400, 404, 422])
    def personal_record(person_id: str):
        parse_query(m.RecordQuery)
        purpose = authorise(person_id)
        person = found_person(person_id)
        certificates = views.certificates(person_id)
        current = {fmt: current_of(certificates, fmt) for fmt in domain.FORMATS}
        answer = {"person_id": person_id, "person": person, "doses": views.doses(person_id),
                  "next_dose": views.next_dose(person_id), "certificates": certificates,
                  "current": {k: v for k, v in current.items() if v}}
        served(person_id, purpose)
        return jsonify(answer)

    @bp.get("/persons/<person_id>/certificate.png")
    @requires(CITIZEN, *STAFF)
    @documented("The current certificate as a QR image (PNG)", tags=["record"], query=m.DocumentQuery,
                errors=[400, 404, 422])
    def certificate_png(person_id: str):
        query = parse_query(m.DocumentQuery)
        purpose = authorise(person_id)
        found_person(person_id)
        image = qr_png(current_document(person_id, query.format)["qr"])
        served(person_id, purpose)
        return Response(image, mimetype="image/png")

    @bp.get("/persons/<person_id>/certificate.pdf")
    @requires(CITIZEN, *STAFF)
    @documented("The current certificate, printable (PDF with the QR and its fields)", tags=["record"],
                query=m.DocumentQuery, errors=[400, 404, 422])
    def certificate_pdf_view(person_id: str):
        query = parse_query(m.DocumentQuery)
        purpose = authorise(person_id)
        person = found_person(person_id)
        current = current_document(person_id, query.format)
        doses = [d for d in views.doses(person_id) if d["dose_id"] in current["dose_ids"]]
        last = doses[-1] if doses else {}
        fields = [("Name", person.get("full_name", "")), ("Date of birth", person.get("date_of_birth", "")),
                  ("Nationality", person.get("nationality", "")), ("Disease", "COVID-19"),
                  ("Doses received", f"{len(doses)} ({current['level'].lower()})"),
                  ("Date of last dose", last.get("date", "")), ("Lot number", last.get("lot_number", "")),
                  ("Vaccine product", last.get("product", "")), ("Certificate", current["certificate_id"]),
                  ("Valid until", current["expires_at"][:10]), ("Status", current["status"])]
        pdf = certificate_pdf("COVID-19 vaccination certificate", fields, current["qr"])
        served(person_id, purpose)
        return Response(pdf, mimetype="application/pdf")

    @bp.post("/revocations")
    @requires("national_admin")
    @documented("Revoke one certificate (e.g. fraud); a revocation is final", tags=["revocation"],
                request=m.RevokeRequest, responses={201: m.RevokeAccepted, 200: m.RevokeAccepted},
                errors=[400, 403, 409, 422])
    @command(m.RevokeRequest, scope="revocations")
    def revoke_certificate(body: m.RevokeRequest, context: CommandContext) -> AppendResult:
        current_principal().require_scope(["national"], field="certificate_id")
        return bus.handle(RevokeCertificate(body.person_id, body.certificate_id, body.reason), context)

    return bp
