"""Signed, versioned lists: the trust list (which signers to trust) and the revocation list.

Each list is a compact JWS (ES256) whose header carries the list signer's certificate (``x5c``); the
list signer is certified by the country signing CA, which is the one thing a verifier pins. So a
verifier holding only ``csca.cert.pem`` can check any list it downloads, offline, at any time.

Trust list payload::

    {"type": "vaxtrail-trust-list", "version": 7, "country": "VN", "issued_at": "...",
     "dsc": [{"kid": "<base64 8 bytes>", "certificate": "<base64 DER>", "status": "active|retired|withdrawn",
              "withdrawn_at": null | "..."}],
     "shc": [{"kid": "<JWK thumbprint>", "jwk": {...}, "status": "...", "withdrawn_at": null | "..."}]}

Revocation list payload (EU DCC style: SHA-256(UVCI)[:16] grouped by kid; SMART Health Card rids by kid)::

    {"type": "vaxtrail-revocation-list", "version": 12, "issued_at": "...",
     "dcc": {"<kid base64>": ["<base64 hash>", ...]}, "shc": {"<kid>": ["<rid>", ...]}}
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from services.certificate.signing.jws import JwsError, parse_compact, sign_compact
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.signer import verify_signature

TRUST_LIST = "vaxtrail-trust-list"
REVOCATION_LIST = "vaxtrail-revocation-list"


class ListError(ValueError):
    """A signed list that does not verify against the pinned CSCA."""


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def sign_list(keyring: Keyring, document: dict) -> str:
    der = keyring.list_signer_certificate.public_bytes(serialization.Encoding.DER)
    return sign_compact(keyring.list_signer, {"typ": "JWT", "x5c": [base64.b64encode(der).decode()]},
                        _canonical(document))


def entries_hash(document: dict) -> bytes:
    return hashlib.sha256(_canonical(document)).digest()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def trust_list_document(keyring: Keyring, issued_at: datetime) -> dict:
    return {
        "type": TRUST_LIST,
        "version": keyring.version,
        "country": keyring.country,
        "issued_at": issued_at.isoformat(),
        "dsc": [{"kid": base64.b64encode(d.kid).decode(),
                 "certificate": base64.b64encode(d.certificate.public_bytes(serialization.Encoding.DER)).decode(),
                 "status": d.status, "withdrawn_at": _iso(d.withdrawn_at)} for d in keyring.dscs],
        "shc": [{"kid": k.kid, "jwk": k.jwk, "status": k.status, "withdrawn_at": _iso(k.withdrawn_at)}
                for k in keyring.shc_keys],
    }


def uvci_hash(uvci: str) -> str:
    """The revocation-list entry of a UVCI: base64 of SHA-256(UVCI)[:16]."""
    return base64.b64encode(hashlib.sha256(uvci.encode()).digest()[:16]).decode()


def certificate_issued_by(certificate: x509.Certificate, anchor: x509.Certificate) -> bool:
    if certificate.issuer != anchor.subject:
        return False
    public_key = anchor.public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes,
                              ec.ECDSA(certificate.signature_hash_algorithm))
        else:
            certificate.verify_directly_issued_by(anchor)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def list_payload(signed: str) -> dict:
    """The payload of a list this service signed, unchecked (it reads back its own kept lists)."""
    return json.loads(parse_compact(signed)[1])


def open_list(signed: str, anchor: x509.Certificate, *, expected_type: str, at: datetime) -> dict:
    """The payload of a signed list, after checking its signer chains to ``anchor`` and is valid at ``at``."""
    try:
        header, payload, signing_input, signature = parse_compact(signed)
    except JwsError as exc:
        raise ListError(str(exc)) from None
    chain = header.get("x5c")
    if header.get("alg") != "ES256" or not isinstance(chain, list) or not chain:
        raise ListError("a signed list needs alg ES256 and the list signer certificate in x5c")
    try:
        signer_cert = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
    except ValueError as exc:
        raise ListError(f"unreadable list signer certificate: {exc}") from None
    if not certificate_issued_by(signer_cert, anchor):
        raise ListError("the list signer is not certified by the pinned country signing CA")
    if not signer_cert.not_valid_before_utc <= at <= signer_cert.not_valid_after_utc:
        raise ListError("the list signer certificate is not valid at the verification time")
    if not verify_signature(signer_cert.public_key(), "ES256", signing_input, signature):
        raise ListError("the list signature does not verify")
    document = json.loads(payload)
    if not isinstance(document, dict) or document.get("type") != expected_type:
        raise ListError(f"not a {expected_type}")
    return document
