"""EU DCC verification: every item of CERTIFICATES.md's reject list, in the order a decoder meets them."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime

import cbor2
from cryptography import x509

from services.certificate.domain import uvci as uvci_rules
from services.certificate.signing.base45 import Base45Error, b45decode
from services.certificate.signing.cose import COSE_SIGN1_TAG, CWT_TAG, HEADER_ALG, HEADER_KID, sig_structure
from services.certificate.signing.keyring import DCC_EKU_VACCINATION, DCC_EKUS
from services.certificate.signing.lists import uvci_hash
from services.certificate.signing.signer import ES256, PS256, algorithm_of, verify_signature
from services.certificate.verifier.core import Rejected, TrustedSigner, TrustStore, Verified, withdrawn

PREFIX = "HC1:"
MAX_INFLATED = 64 * 1024  # a DCC is ~300 bytes of CBOR; anything near this is an attack
ALGORITHMS = {-7: ES256, -37: PS256}
_ICAO = re.compile(r"^[A-Z<]{1,80}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UVCI = re.compile(r"^URN:UVCI:[0-9]{2}:[A-Z]{2}:[A-Z0-9/:]+(#[A-Z0-9/:])?$")


def inflate(data: bytes, *, wbits: int = zlib.MAX_WBITS, cap: int = MAX_INFLATED) -> bytes:
    """zlib / raw DEFLATE with an output cap: ZLIB when corrupt, ZIP_BOMB when it would exceed ``cap``."""
    try:
        decompressor = zlib.decompressobj(wbits)
        out = decompressor.decompress(data, cap + 1)
    except zlib.error as exc:
        raise Rejected("ZLIB", f"not compressed data: {exc}") from None
    if len(out) > cap:
        raise Rejected("ZIP_BOMB", f"inflates past {cap} bytes")
    if not decompressor.eof:
        raise Rejected("ZLIB", "truncated compressed data")
    return out


def _cbor(data: bytes, what: str):
    try:
        return cbor2.loads(data)
    except Exception as exc:  # noqa: BLE001 - cbor2 raises several types for malformed input
        raise Rejected("CBOR", f"{what} is not valid CBOR: {exc}") from None


def _cose_parts(data: bytes):
    message = _cbor(data, "the message")
    if isinstance(message, cbor2.CBORTag) and message.tag == CWT_TAG:
        message = message.value
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise Rejected("COSE_STRUCTURE", f"CBOR tag {message.tag} is not COSE_Sign1 (18)")
        message = message.value
    if not isinstance(message, list | tuple) or len(message) != 4:
        raise Rejected("COSE_STRUCTURE", "COSE_Sign1 must be an array of 4 elements")
    protected_raw, unprotected, payload, signature = message
    if not (isinstance(protected_raw, bytes) and isinstance(unprotected, Mapping)
            and isinstance(payload, bytes) and isinstance(signature, bytes)):
        raise Rejected("COSE_STRUCTURE", "COSE_Sign1 element types must be bstr, map, bstr, bstr")
    protected = _cbor(protected_raw, "the protected header") if protected_raw else {}
    if not isinstance(protected, Mapping):
        raise Rejected("COSE_STRUCTURE", "the protected header is not a map")
    return protected_raw, protected, unprotected, payload, signature


def _kid(protected: Mapping, unprotected: Mapping) -> bytes:
    kid = protected.get(HEADER_KID, unprotected.get(HEADER_KID))
    if kid is None:
        raise Rejected("KID_MISSING")
    if not isinstance(kid, bytes) or len(kid) != 8:
        raise Rejected("KID_LENGTH", f"kid must be 8 bytes, got {len(kid) if isinstance(kid, bytes) else type(kid).__name__}")
    return kid


def _signer(candidates: list[TrustedSigner], algorithm: str, to_be_signed: bytes, signature: bytes) -> TrustedSigner:
    matching = [c for c in candidates if algorithm_of(c.certificate.public_key()) == algorithm]
    if not matching:
        raise Rejected("ALG_KEY_MISMATCH", f"{algorithm} does not fit the key of any signer with this kid")
    for candidate in matching:
        if verify_signature(candidate.certificate.public_key(), algorithm, to_be_signed, signature):
            return candidate
    raise Rejected("SIGNATURE_INVALID")


def _check_signer(signer: TrustedSigner, store: TrustStore, at: datetime) -> x509.Certificate:
    cert = signer.certificate
    if not store.issued_by_anchor(cert):
        raise Rejected("DSC_UNTRUSTED")
    if withdrawn(signer, at):
        raise Rejected("DSC_WITHDRAWN", f"withdrawn at {signer.withdrawn_at}")
    if at < cert.not_valid_before_utc:
        raise Rejected("DSC_NOT_YET_VALID", f"valid from {cert.not_valid_before_utc.isoformat()}")
    if at > cert.not_valid_after_utc:
        raise Rejected("DSC_EXPIRED", f"expired {cert.not_valid_after_utc.isoformat()}")
    try:
        usages = set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        usages = set()
    dcc_usages = usages & DCC_EKUS
    if dcc_usages and DCC_EKU_VACCINATION not in dcc_usages:
        raise Rejected("KEY_USAGE", "the signer may sign only test or recovery certificates")
    return cert


def _times(claims: Mapping, cert: x509.Certificate, at: datetime) -> tuple[datetime, datetime]:
    iat, exp = claims.get(6), claims.get(4)
    if not isinstance(iat, int) or not isinstance(exp, int):
        raise Rejected("SCHEMA", "CWT iat (6) and exp (4) must be integers")
    issued, expires = datetime.fromtimestamp(iat, UTC), datetime.fromtimestamp(exp, UTC)
    if issued > at:
        raise Rejected("IAT_FUTURE", f"issued {issued.isoformat()}")
    if expires < at:
        raise Rejected("EXPIRED", f"expired {expires.isoformat()}")
    if expires > cert.not_valid_after_utc:
        raise Rejected("EXP_BEYOND_DSC", "exp is after the signer certificate's notAfter")
    if issued < cert.not_valid_before_utc:
        raise Rejected("IAT_BEFORE_DSC", "iat is before the signer certificate's notBefore")
    return issued, expires


def check_dcc_schema(hcert: object) -> dict:
    """The DCC 1.3 vaccination payload, or SCHEMA / ENTRY_COUNT."""
    if not isinstance(hcert, Mapping):
        raise Rejected("SCHEMA", "hcert claim -260 must hold {1: payload}")
    dcc = hcert.get(1)
    if not isinstance(dcc, Mapping):
        raise Rejected("SCHEMA", "the DCC payload is not a map")
    if not isinstance(dcc.get("ver"), str) or not re.match(r"^1\.\d+\.\d+$", dcc["ver"]):
        raise Rejected("SCHEMA", "ver must be a 1.x.y schema version")
    nam = dcc.get("nam")
    if not isinstance(nam, Mapping) or not isinstance(nam.get("fnt"), str) or not _ICAO.match(nam["fnt"]):
        raise Rejected("SCHEMA", "nam.fnt must be an ICAO transliteration ^[A-Z<]*$")
    if "gnt" in nam and (not isinstance(nam["gnt"], str) or not _ICAO.match(nam["gnt"])):
        raise Rejected("SCHEMA", "nam.gnt must be an ICAO transliteration ^[A-Z<]*$")
    if not isinstance(dcc.get("dob"), str) or (dcc["dob"] and not _DATE.match(dcc["dob"])):
        raise Rejected("SCHEMA", "dob must be YYYY, YYYY-MM or YYYY-MM-DD")
    groups = [key for key in ("v", "t", "r") if key in dcc]
    entries = dcc.get("v")
    if groups != ["v"] or not isinstance(entries, list | tuple) or len(entries) != 1:
        count = sum(len(dcc[g]) if isinstance(dcc[g], list | tuple) else 1 for g in groups)
        raise Rejected("ENTRY_COUNT", f"exactly one vaccination entry is required, found {count}")
    _check_entry(entries[0])
    return dict(dcc)


def _check_entry(entry: object) -> None:
    if not isinstance(entry, Mapping):
        raise Rejected("SCHEMA", "a vaccination entry must be a map")
    for key in ("tg", "vp", "mp", "ma", "dt", "co", "is", "ci"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise Rejected("SCHEMA", f"v[0].{key} must be a non-empty string")
    for key in ("dn", "sd"):
        if not isinstance(entry.get(key), int) or not 1 <= entry[key] <= 9:
            raise Rejected("SCHEMA", f"v[0].{key} must be an integer 1-9")
    if entry["tg"] != "840539006":
        raise Rejected("SCHEMA", "v[0].tg must be COVID-19 (840539006)")
    if not _FULL_DATE.match(entry["dt"]) or not re.match(r"^[A-Z]{2}$", entry["co"]):
        raise Rejected("SCHEMA", "v[0].dt must be YYYY-MM-DD and v[0].co a country code")
    ci = entry["ci"]
    if len(ci) > 80 or not _UVCI.match(ci) or ("#" in ci and not uvci_rules.is_valid(ci)):
        raise Rejected("SCHEMA", "v[0].ci is not a UVCI with a valid check character")


def verify_hc1(text: object, store: TrustStore, *, at: datetime) -> Verified:
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise Rejected("PREFIX", "an EU DCC starts with 'HC1:'")
    try:
        compressed = b45decode(text[len(PREFIX):])
    except Base45Error as exc:
        raise Rejected("BASE45", str(exc)) from None
    protected_raw, protected, unprotected, payload, signature = _cose_parts(inflate(compressed))
    algorithm = ALGORITHMS.get(protected.get(HEADER_ALG))
    if algorithm is None:
        raise Rejected("ALG_UNSUPPORTED", f"alg {protected.get(HEADER_ALG)!r} is neither ES256 nor PS256")
    kid = _kid(protected, unprotected)
    kid_text = base64.b64encode(kid).decode()
    candidates = store.dsc.get(kid_text)
    if not candidates:
        raise Rejected("KID_UNKNOWN", f"kid {kid_text} is not on trust list v{store.trust_list_version}")
    if algorithm == ES256 and len(signature) != 64:
        raise Rejected("SIGNATURE_LENGTH", f"ES256 signature is {len(signature)} bytes")
    signer = _signer(candidates, algorithm, sig_structure(protected_raw, payload), signature)
    cert = _check_signer(signer, store, at)
    claims = _cbor(payload, "the CWT payload")
    if not isinstance(claims, Mapping):
        raise Rejected("SCHEMA", "the CWT payload is not a map")
    issued, expires = _times(claims, cert, at)
    dcc = check_dcc_schema(claims.get(-260))
    ci = dcc["v"][0]["ci"]
    if uvci_hash(ci) in store.revoked_dcc.get(kid_text, set()):
        raise Rejected("REVOKED", f"{ci} is on revocation list v{store.revocation_list_version}")
    return Verified("EU_DCC_HC1", ci, kid_text, issued, expires, {"nam": dict(dcc["nam"]), "dob": dcc["dob"]},
                    [dict(dcc["v"][0])])
