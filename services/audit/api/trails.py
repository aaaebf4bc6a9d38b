"""Trails: ``GET /v1/doses/<id>/trail``, ``/v1/lots/<id>/trail`` (with the recall list, also as CSV),
``/v1/persons/<id>/trail`` and ``/v1/certificates/<id>/trail``.

Readers: auditor, analyst and national_admin; a person's trail is personal data, so analysts may not read it,
the reader declares a purpose (``X-Purpose`` or ``?purpose=``) and the read is recorded as
``PersonalDataAccessed`` - once the person was found (an unknown person records nothing).
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, request

from eventkit import access
from eventkit.aggregates import EventSourcing
from eventkit.auth import requires
from eventkit.errors import NotFound
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.audit.api import models as m
from services.audit.domain.trail import Entry, UnknownSubject
from services.audit.queries import AuditViews, step

TRAIL_READERS = ("auditor", "analyst", "national_admin")
PERSON_READERS = ("auditor", "national_admin")
RECALL_COLUMNS = ("dose_id", "person_id", "site_id", "session_id", "administered_at", "dose_status", "certificates")


def answer(kind: str, subject: str, entries: list[Entry], **extra) -> dict:
    steps = [step(e) for e in entries]
    return {"kind": kind, "id": subject, "services": sorted({s["service"] for s in steps}),
            "chain_verified": all(s["chain_verified"] for s in steps), "steps": steps, **extra}


def recall_csv(rows: list[dict]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECALL_COLUMNS)
    for row in rows:
        certificates = ";".join(f"{c['certificate_id']}:{c['status']}" for c in row["certificates"])
        writer.writerow([*(row[c] for c in RECALL_COLUMNS[:-1]), certificates])
    return Response(out.getvalue(), mimetype="text/csv")


def blueprint(views: AuditViews, es: EventSourcing) -> Blueprint:
    bp = Blueprint("audit_trails", __name__, url_prefix="/v1")

    def found(kind: str, subject: str, field: str) -> list[Entry]:
        try:
            return views.trail(kind, subject)
        except UnknownSubject as exc:
            raise NotFound(str(exc), field=field, rule="not-found") from None

    @bp.get("/doses/<dose_id>/trail")
    @requires(*TRAIL_READERS)
    @documented("A dose's trail across the five services, from the lot's receipt to its certificates",
                tags=["trails"], query=m.TrailQuery, responses={200: m.Trail}, errors=[404])
    def dose_trail(dose_id: str):
        parse_query(m.TrailQuery)
        return jsonify(answer("dose", dose_id, found("dose", dose_id, "dose_id")))

    @bp.get("/lots/<lot_id>/trail")
    @requires(*TRAIL_READERS)
    @documented("Everywhere a lot went and every dose given from it; the recall list also as CSV "
                "(Accept: text/csv or ?format=csv)", tags=["trails"], query=m.TrailQuery,
                responses={200: m.Trail}, errors=[404])
    def lot_trail(lot_id: str):
        query = parse_query(m.TrailQuery)
        entries = found("lot", lot_id, "lot_id")
        recall = views.recall_list(lot_id)
        wants_csv = query.format == "csv" or (query.format is None and request.accept_mimetypes.best_match(
            ["application/json", "text/csv"]) == "text/csv")
        if wants_csv:
            return recall_csv(recall)
        return jsonify(answer("lot", lot_id, entries, recall=recall))

    @bp.get("/persons/<person_id>/trail")
    @requires(*PERSON_READERS)
    @documented("A person's trail (purpose required; the read is recorded as PersonalDataAccessed)",
                tags=["trails"], query=m.PersonTrailQuery, responses={200: m.Trail}, errors=[400, 404])
    def person_trail(person_id: str):
        parse_query(m.PersonTrailQuery)
        purpose = access.declared_purpose()
        entries = found("person", person_id, "person_id")
        access.record_access(es, person_id, purpose)
        return jsonify(answer("person", person_id, entries))

    @bp.get("/certificates/<path:certificate_id>/trail")
    @requires(*TRAIL_READERS)
    @documented("A certificate's trail: its own events and the dose records it attests", tags=["trails"],
                query=m.TrailQuery, responses={200: m.Trail}, errors=[404])
    def certificate_trail(certificate_id: str):
        parse_query(m.TrailQuery)
        return jsonify(answer("certificate", certificate_id, found("certificate", certificate_id, "certificate_id")))

    return bp
