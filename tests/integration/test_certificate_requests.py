"""Strict requests, per family: whatever a request model refuses is answered 4xx naming the request field,
and nothing is appended (the caller's events and the service's stream stay as they were).

Families: the revocation body (``POST /v1/revocations``), the verification body (``POST /v1/verify``) and
the record query strings (``GET /v1/persons/<id>/record|certificate.png|certificate.pdf``).
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests

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

UVCI = "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWX#K"
REVOCATION = {"person_id": "P-0001", "certificate_id": UVCI, "reason": "FRAUD"}

# body changes -> (status, rule, field)
BAD_REVOCATIONS = {
    "NUL in person_id": ({"person_id": "P-00\u000001"}, 422, "string_pattern_mismatch", "person_id"),
    "person_id too long": ({"person_id": "P" * 129}, 422, "string_too_long", "person_id"),
    "person_id a number": ({"person_id": 1}, 422, "string_type", "person_id"),
    "empty person_id": ({"person_id": ""}, 422, "string_too_short", "person_id"),
    "certificate_id not a UVCI": ({"certificate_id": "certificate-1"}, 422, "string_pattern_mismatch",
                                  "certificate_id"),
    "line break in certificate_id": ({"certificate_id": UVCI + "\n"}, 422, "control-character", "certificate_id"),
    "NUL in certificate_id": ({"certificate_id": UVCI[:-1] + "\u0000"}, 422, "control-character", "certificate_id"),
    "lower-case certificate_id": ({"certificate_id": UVCI.lower()}, 422, "string_pattern_mismatch",
                                  "certificate_id"),
    "unpaired surrogate": ({"certificate_id": UVCI[:-1] + "\ud800"}, 400, "json", None),
    "unknown reason": ({"reason": "BORED"}, 422, "literal_error", "reason"),
    "lower-case reason": ({"reason": "fraud"}, 422, "literal_error", "reason"),
    "unknown field": ({"note": "x"}, 422, "extra_forbidden", "note"),
}


def post_raw(service, path: str, raw: str, headers: dict[str, str]) -> requests.Response:
    return requests.post(service.url(path), data=raw.encode("utf-8", "surrogatepass"),
                         headers=headers | {"Content-Type": "application/json"}, timeout=5)


def problem(response: requests.Response) -> tuple[int, str, str | None]:
    assert response.headers["Content-Type"] == "application/problem+json", response.text
    body = response.json()
    return response.status_code, body.get("rule"), body.get("field")


@pytest.mark.parametrize("case", BAD_REVOCATIONS, ids=str)
def test_a_malformed_revocation_is_refused_naming_the_field_and_appends_nothing(certificate, case):
    changes, status, rule, field = BAD_REVOCATIONS[case]
    admin = f"national_admin-{uuid.uuid4().hex[:8]}"
    before = request_events(certificate)
    headers = bearer(certificate, "national_admin", "national", subject=admin) | {"Idempotency-Key": uuid.uuid4().hex}
    raw = json.dumps(REVOCATION | changes, ensure_ascii=True)
    assert problem(post_raw(certificate, "/v1/revocations", raw, headers)) == (status, rule, field)
    assert events_by(certificate, admin) == 0 and request_events(certificate) == before


@pytest.mark.parametrize(("raw", "rule", "field"), [
    ('{"person_id": "P-1", "person_id": "P-2", "certificate_id": "' + UVCI + '", "reason": "FRAUD"}',
     "duplicate-key", "person_id"),
    ('{"person_id": "P-1", "certificate_id": "' + UVCI + '", "reason": NaN}', "json", None),
    ('{"person_id": "P-1", "certificate_id": ', "json", None),
], ids=["duplicate key", "NaN", "truncated"])
def test_a_revocation_body_that_is_not_plain_json_is_a_400_and_appends_nothing(certificate, raw, rule, field):
    admin = f"national_admin-{uuid.uuid4().hex[:8]}"
    before = request_events(certificate)
    headers = bearer(certificate, "national_admin", "national", subject=admin)
    assert problem(post_raw(certificate, "/v1/revocations", raw, headers)) == (400, rule, field)
    assert events_by(certificate, admin) == 0 and request_events(certificate) == before


def test_a_malformed_idempotency_key_is_refused_before_anything_is_appended(certificate, world):
    person_id, found = a_person_with_a_certificate(certificate, world)
    admin = f"national_admin-{uuid.uuid4().hex[:8]}"
    before = request_events(certificate)
    body = {"person_id": person_id, "certificate_id": found["current"]["EU_DCC_HC1"]["certificate_id"],
            "reason": "FRAUD"}
    headers = bearer(certificate, "national_admin", "national", subject=admin) | {"Idempotency-Key": "key with spaces"}
    response = requests.post(certificate.url("/v1/revocations"), json=body, headers=headers, timeout=5)
    assert problem(response) == (400, "INV-34", "Idempotency-Key")
    assert events_by(certificate, admin) == 0 and request_events(certificate) == before


BAD_VERIFICATIONS = {
    "NUL in qr": ({"qr": "HC1:NCF\u0000"}, "control-character", "qr"),
    "empty qr": ({"qr": ""}, "string_too_short", "qr"),
    "qr a number": ({"qr": 1}, "string_type", "qr"),
    "year 242": ({"at": "0242-01-01T00:00:00Z"}, "time-range", "at"),
    "year 9999": ({"at": "9999-12-31T00:00:00Z"}, "time-range", "at"),
    "time without zone": ({"at": "2026-11-28T10:00:00"}, "timezone_aware", "at"),
    "unknown field": ({"strict": False}, 422, "strict"),
}


@pytest.mark.parametrize("case", BAD_VERIFICATIONS, ids=str)
def test_a_malformed_verification_is_refused_naming_the_field_and_appends_nothing(certificate, case):
    changes, rule, field = BAD_VERIFICATIONS[case]
    rule = "extra_forbidden" if rule == 422 else rule
    partner = f"partner-{uuid.uuid4().hex[:8]}"
    before = request_events(certificate)
    raw = json.dumps({"qr": "HC1:NCF"} | changes)
    response = post_raw(certificate, "/v1/verify", raw, bearer(certificate, "partner", "national", subject=partner))
    assert problem(response) == (422, rule, field)
    assert events_by(certificate, partner) == 0 and request_events(certificate) == before


# query -> (status, rule, field)
BAD_QUERIES = {
    "unknown parameter": ({"purpose": "CARE", "page": "2"}, 422, "extra_forbidden", "page"),
    "format on the record": ({"purpose": "CARE", "format": "EU_DCC_HC1"}, 422, "extra_forbidden", "format"),
    "unknown purpose": ({"purpose": "CURIOSITY"}, 422, "literal_error", "purpose"),
    "repeated purpose": ([("purpose", "CARE"), ("purpose", "SUPPORT")], 400, "duplicate-key", "purpose"),
}
BAD_DOCUMENT_QUERIES = {
    "unknown format": ({"purpose": "CARE", "format": "PDF417"}, 422, "literal_error", "format"),
    "NUL in format": ({"purpose": "CARE", "format": "EU_DCC_HC1\u0000"}, 400, "control-character", "format"),
}


@pytest.mark.parametrize("case", [*BAD_QUERIES, *BAD_DOCUMENT_QUERIES], ids=str)
def test_a_malformed_record_query_is_refused_naming_the_parameter_and_records_nothing(certificate, world, case):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    query, status, rule, field = (BAD_QUERIES | BAD_DOCUMENT_QUERIES)[case]
    documents = ("record",) if case in BAD_QUERIES else ("certificate.png", "certificate.pdf")
    officer = f"province_officer-{uuid.uuid4().hex[:8]}"
    before = request_events(certificate)
    for document in documents:
        response = requests.get(certificate.url(f"/v1/persons/{person_id}/{document}"), params=query,
                                headers=bearer(certificate, "province_officer", "province:79", subject=officer),
                                timeout=5)
        assert problem(response) == (status, rule, field)
    assert events_by(certificate, officer) == 0 and request_events(certificate) == before


def test_a_citizen_query_is_as_strict_as_a_staff_one(certificate, world):
    person_id, _ = a_person_with_a_certificate(certificate, world)
    response = requests.get(certificate.url(f"/v1/persons/{person_id}/record"), params={"debug": "1"},
                            headers=citizen(certificate, person_id), timeout=5)
    assert problem(response) == (422, "extra_forbidden", "debug")
