"""SMART Health Card: FHIR bundle in a JWS (ES256, ``zip: DEF``), shown as an ``shc:/`` numeric QR.

Payload: ``iss`` (the issuer base URL; keys at ``<iss>/.well-known/jwks.json``), ``nbf``, ``exp``, and
``vc`` with the health-card types, the FHIR R4 bundle (Patient + one Immunization per valid dose) and
``rid`` (revocation id: base64url of SHA-256(certificate id)[:8], listed in ``/.well-known/crl/<kid>.json``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime

from services.certificate.domain.certificates import IssueRequest
from services.certificate.formats.names import split_name
from services.certificate.signing.jws import sign_compact
from services.certificate.signing.keyring import HealthCardKey
from services.certificate.signing.signer import b64url

PREFIX = "shc:/"
TYPES = ["https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization",
         "https://smarthealth.cards#covid19"]
CVX = "http://hl7.org/fhir/sid/cvx"


def revocation_id(certificate_id: str) -> str:
    return b64url(hashlib.sha256(certificate_id.encode()).digest()[:8])


def fhir_bundle(request: IssueRequest) -> dict:
    person = request.record.person
    family, given = split_name(person)
    patient = {"resourceType": "Patient", "name": [{"family": family, "given": given.split() or [family]}],
               "birthDate": person.date_of_birth}
    entries = [{"fullUrl": "resource:0", "resource": patient}]
    for i, dose in enumerate(request.doses, start=1):
        immunization = {"resourceType": "Immunization", "status": "completed",
                        "vaccineCode": {"coding": [{"system": CVX, "code": dose.product.cvx}]},
                        "patient": {"reference": "resource:0"},
                        "occurrenceDateTime": dose.administered_on.isoformat(),
                        "lotNumber": dose.lot_number or "unknown",
                        "performer": [{"actor": {"display": dose.centre or dose.country}}]}
        entries.append({"fullUrl": f"resource:{i}", "resource": immunization})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def shc_payload(request: IssueRequest, issuer_url: str, issued_at: datetime, expires_at: datetime) -> bytes:
    claims = {"iss": issuer_url, "nbf": int(issued_at.timestamp()), "exp": int(expires_at.timestamp()),
              "vc": {"type": TYPES, "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": fhir_bundle(request)},
                     "rid": revocation_id(request.certificate_id)}}
    return json.dumps(claims, separators=(",", ":")).encode()


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def encode_jws(key: HealthCardKey, payload: bytes) -> str:
    return sign_compact(key.signer, {"zip": "DEF", "kid": key.kid}, deflate_raw(payload))


def to_numeric(jws: str) -> str:
    """``shc:/`` + two digits per character (code point - 45)."""
    return PREFIX + "".join(f"{ord(c) - 45:02d}" for c in jws)
