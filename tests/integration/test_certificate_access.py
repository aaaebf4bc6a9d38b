"""Reading a person's record over HTTP: who may read it, and what each read records.

A citizen reads their own record; staff read records on their scope path and declare a purpose. Every
staff read that was *authorized* and *found the person* appends exactly one
``vaxtrail.audit.v1.PersonalDataAccessed``; a refused read or a read of an unknown person appends nothing.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
import requests

from services.certificate.codec import build_codec

from .certificate_procs import (
    a_person_with_a_certificate,
    bearer,
    certificate,
    citizen,
    events_by,
    request_events,
    world,
)

__all__ = ["certificate", "world"]  # module-scoped fixtures shared by the certificate test modules

ACCESS = "vaxtrail.audit.v1.PersonalDataAccessed"
DOCUMENTS = ("record", "certificate.png", "certificate.pdf")


def accesses(service, person_id: str) -> list[tuple[str, str, str, str]]:
    """(actor, role, purpose, endpoint) of every recorded read of ``person_id``'s data, oldest first."""
    codec = build_codec()
    with psycopg.connect(service.database_url) as conn:
        rows = conn.execute("SELECT payload FROM events WHERE event_type = %s ORDER BY position", (ACCESS,)).fetchall()
    read = [codec.decode(ACCESS, bytes(payload)) for (payload,) in rows]
    return [(e.actor_id, e.actor_role, e.purpose, e.endpoint) for e in read if e.subject_person_id == person_id]


def someone(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_staff_read_of_an_unknown_person_is_a_404_and_appends_nothing(certificate, document):
    officer = someone("national_admin")
    before = request_events(certificate)
    response = requests.get(certificate.url(f"/v1/persons/P-nobody-{uuid.uuid4().hex[:6]}/{document}"),
                            params={"purpose": "SUPPORT"},
                            headers=bearer(certificate, "national_admin", "national", subject=officer), timeout=5)
    assert response.status_code == 404 and response.headers["Content-Type"] == "application/problem+json"
    assert events_by(certificate, officer) == 0 and request_events(certificate) == before
    assert (response.json()["rule"], response.json()["field"]) == ("not-found", "person_id")


REFUSED = {
    "another province": ("province_officer", ("province:01",), 403, "scope", "person_id"),
    "analyst": ("analyst", ("national",), 403, "role", None),
    "auditor": ("auditor", ("national",), 403, "role", None),
    "partner": ("partner", ("national",), 403, "role", None),
}


@pytest.mark.parametrize("caller", REFUSED, ids=str)
def test_a_refused_staff_read_answers_403_and_records_nothing(certificate, world, caller):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    role, scopes, status, rule, field = REFUSED[caller]
    actor = someone(role)
    before = request_events(certificate)
    for document in DOCUMENTS:
        response = requests.get(certificate.url(f"/v1/persons/{person_id}/{document}"), params={"purpose": "CARE"},
                                headers=bearer(certificate, role, *scopes, subject=actor), timeout=5)
        assert response.status_code == status and response.headers["Content-Type"] == "application/problem+json"
        assert (response.json()["rule"], response.json().get("field")) == (rule, field)
    assert events_by(certificate, actor) == 0 and accesses(certificate, person_id) == []
    assert request_events(certificate) == before


def test_another_citizen_is_refused_and_nothing_is_recorded(certificate, world):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    other = f"P-{uuid.uuid4().hex[:10]}"
    before = request_events(certificate)
    for document in DOCUMENTS:
        response = requests.get(certificate.url(f"/v1/persons/{person_id}/{document}"),
                                headers=citizen(certificate, other), timeout=5)
        assert response.status_code == 403 and response.headers["Content-Type"] == "application/problem+json"
        assert (response.json()["rule"], response.json()["field"]) == ("scope", "person_id")
    assert requests.get(certificate.url(f"/v1/persons/{person_id}/record"), timeout=5).status_code == 401
    assert events_by(certificate, other) == 0 and request_events(certificate) == before


def test_a_staff_read_without_a_declared_purpose_is_refused_and_records_nothing(certificate, world):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    officer = someone("province_officer")
    headers = bearer(certificate, "province_officer", "province:79", subject=officer)
    before = request_events(certificate)
    refused = {(): (400, "purpose", "X-Purpose"), (("purpose", "CURIOSITY"),): (422, "literal_error", "purpose"),
               (("purpose", ""),): (422, "literal_error", "purpose")}
    for query, expected in refused.items():
        response = requests.get(certificate.url(f"/v1/persons/{person_id}/record"), params=list(query),
                                headers=headers, timeout=5)
        assert response.headers["Content-Type"] == "application/problem+json"
        assert (response.status_code, response.json()["rule"], response.json()["field"]) == expected
    unknown_header = requests.get(certificate.url(f"/v1/persons/{person_id}/record"),
                                  headers=headers | {"X-Purpose": "CURIOSITY"}, timeout=5)
    assert (unknown_header.status_code, unknown_header.json()["field"]) == (400, "X-Purpose")
    assert events_by(certificate, officer) == 0 and request_events(certificate) == before


def test_an_allowed_staff_read_records_exactly_one_access_and_a_citizen_read_none(certificate, world):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    vaccinator, officer = someone("vaccinator"), someone("province_officer")
    url = certificate.url(f"/v1/persons/{person_id}/record")
    before = request_events(certificate)

    site = bearer(certificate, "vaccinator", "site:S-79-760-01", subject=vaccinator)
    assert requests.get(url, params={"purpose": "CARE"}, headers=site, timeout=5).status_code == 200
    assert [a[:3] for a in accesses(certificate, person_id)] == [(vaccinator, "vaccinator", "CARE")]

    province = bearer(certificate, "province_officer", "province:79", subject=officer) | {"X-Purpose": "SUPPORT"}
    png = requests.get(certificate.url(f"/v1/persons/{person_id}/certificate.png"), headers=province, timeout=5)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert [a[:3] for a in accesses(certificate, person_id)] == [(vaccinator, "vaccinator", "CARE"),
                                                                  (officer, "province_officer", "SUPPORT")]
    assert [a[3] for a in accesses(certificate, person_id)] == ["GET /v1/persons/<person_id>/record",
                                                                 "GET /v1/persons/<person_id>/certificate.png"]

    assert requests.get(url, headers=citizen(certificate, person_id), timeout=5).status_code == 200
    assert len(accesses(certificate, person_id)) == 2 and events_by(certificate, person_id) == 0
    assert request_events(certificate) == before + 2  # the two staff reads, nothing else
