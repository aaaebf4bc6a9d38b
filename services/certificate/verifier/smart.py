"""SMART Health Card verification (``shc:/`` numeric QR -> JWS ES256 -> DEFLATE -> FHIR bundle)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from services.certificate.signing.jws import JwsError, parse_compact
from services.certificate.signing.signer import verify_signature
from services.certificate.verifier.core import Rejected, TrustStore, Verified, withdrawn
from services.certificate.verifier.dcc import inflate

PREFIX = "shc:/"
HEALTH_CARD = "https://smarthealth.cards#health-card"


def from_numeric(text: str) -> str:
    digits = text[len(PREFIX):]
    if "/" in digits:
        raise Rejected("NUMERIC", "chunked SMART Health Card QR codes are not accepted")
    if not digits.isdigit() or len(digits) % 2:
        raise Rejected("NUMERIC", "shc:/ must be followed by an even number of digits")
    values = [int(digits[i:i + 2]) for i in range(0, len(digits), 2)]
    if any(v > 77 for v in values):
        raise Rejected("NUMERIC", "a digit pair above 77 is not a JWS character")
    return "".join(chr(v + 45) for v in values)


def _bundle_entries(claims: Mapping) -> tuple[dict, list[dict]]:
    vc = claims.get("vc")
    if not isinstance(vc, Mapping) or HEALTH_CARD not in (vc.get("type") or []):
        raise Rejected("SCHEMA", "vc.type must include the health-card type")
    bundle = (vc.get("credentialSubject") or {}).get("fhirBundle")
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise Rejected("SCHEMA", "credentialSubject.fhirBundle must be a FHIR Bundle")
    resources = [e.get("resource", {}) for e in bundle.get("entry", []) if isinstance(e, Mapping)]
    patients = [r for r in resources if r.get("resourceType") == "Patient"]
    immunizations = [r for r in resources if r.get("resourceType") == "Immunization"]
    if len(patients) != 1 or not immunizations:
        raise Rejected("ENTRY_COUNT", f"{len(patients)} patients and {len(immunizations)} immunizations")
    return patients[0], immunizations


def verify_shc(text: str, store: TrustStore, *, at: datetime) -> Verified:
    if not text.startswith(PREFIX):
        raise Rejected("PREFIX", "a SMART Health Card QR starts with 'shc:/'")
    try:
        header, compressed, signing_input, signature = parse_compact(from_numeric(text))
    except JwsError as exc:
        raise Rejected("JWS_STRUCTURE", str(exc)) from None
    if header.get("alg") != "ES256":
        raise Rejected("ALG_UNSUPPORTED", f"alg {header.get('alg')!r}; SMART Health Cards use ES256")
    kid = header.get("kid")
    if not kid:
        raise Rejected("KID_MISSING")
    signer = store.shc.get(kid)
    if signer is None:
        raise Rejected("KID_UNKNOWN", f"kid {kid} is not on trust list v{store.trust_list_version}")
    if len(signature) != 64:
        raise Rejected("SIGNATURE_LENGTH", f"ES256 signature is {len(signature)} bytes")
    if not verify_signature(signer.public_key, "ES256", signing_input, signature):
        raise Rejected("SIGNATURE_INVALID")
    if withdrawn(signer, at):
        raise Rejected("DSC_WITHDRAWN", f"SMART Health Card key withdrawn at {signer.withdrawn_at}")
    if header.get("zip") != "DEF":
        raise Rejected("ZLIB", "SMART Health Card payloads are DEFLATE-compressed (zip: DEF)")
    try:
        claims = json.loads(inflate(compressed, wbits=-15))
    except ValueError:
        raise Rejected("SCHEMA", "the payload is not JSON") from None
    if not isinstance(claims, Mapping) or not isinstance(claims.get("nbf"), int | float):
        raise Rejected("SCHEMA", "nbf is required")
    issued = datetime.fromtimestamp(claims["nbf"], UTC)
    expires = datetime.fromtimestamp(claims["exp"], UTC) if isinstance(claims.get("exp"), int | float) else None
    if issued > at:
        raise Rejected("IAT_FUTURE", f"not before {issued.isoformat()}")
    if expires is not None and expires < at:
        raise Rejected("EXPIRED", f"expired {expires.isoformat()}")
    patient, immunizations = _bundle_entries(claims)
    rid = claims["vc"].get("rid", "")
    if rid and rid in store.revoked_shc.get(kid, set()):
        raise Rejected("REVOKED", f"rid {rid} is on the CRL of {kid}")
    return Verified("SMART_HEALTH_CARD", rid, kid, issued, expires,
                    {"name": patient.get("name"), "birthDate": patient.get("birthDate")}, immunizations)
