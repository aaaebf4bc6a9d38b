"""EU DCC verification: every item of CERTIFICATES.md's reject list, in the order a decoder meets them."""

from __future__ import annotations

import base64
import math
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime

import cbor2

from eventkit import valuesets
from services.certificate.signing.base45 import Base45Error, b45decode
from services.certificate.signing.cose import COSE_SIGN1_TAG, CWT_TAG, HEADER_ALG, HEADER_KID, sig_structure
from services.certificate.signing.keyring import DCC_EKU_KINDS
from services.certificate.signing.lists import uvci_hash
from services.certificate.signing.signer import ES256, PS256, verify_signature
from services.certificate.verifier.core import Rejected, TrustedSigner, TrustStore, Verified, withdrawn

PREFIX = "HC1:"
MAX_INFLATED = 64 * 1024  # a DCC is ~300 bytes of CBOR; anything near this is an attack
ALGORITHMS = {-7: ES256, -37: PS256}
_ICAO = re.compile(r"^[A-Z<]{0,80}$")  # the schema's ^[A-Z<]*$ (maxLength 80): an empty name is valid
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION = re.compile(r"^1\.\d+\.\d+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# cbor2 decodes a CBOR map to a dict and an array to a list, except inside a tag or as a map key (FrozenDict,
# tuple): the COSE message inside tag 18 is checked as such (Mapping); the protected header and the CWT
# claims are decoded from their own byte strings, where a tagged map is a CBORTag and fails as before. So
# those checks use dict and list: isinstance(x, Mapping) is an ABC check, a dozen per certificate.


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
    if not isinstance(protected, dict):
        raise Rejected("COSE_STRUCTURE", "the protected header is not a map")
    return protected_raw, protected, unprotected, payload, signature


def _kid(protected: dict, unprotected) -> bytes:
    kid = protected.get(HEADER_KID, unprotected.get(HEADER_KID))
    if kid is None:
        raise Rejected("KID_MISSING")
    if not isinstance(kid, bytes) or len(kid) != 8:
        raise Rejected("KID_LENGTH", f"kid must be 8 bytes, got {len(kid) if isinstance(kid, bytes) else type(kid).__name__}")
    return kid


def _signer(candidates: list[TrustedSigner], algorithm: str, to_be_signed: bytes, signature: bytes) -> TrustedSigner:
    matching = [c for c in candidates if c.algorithm == algorithm]
    if not matching:
        raise Rejected("ALG_KEY_MISMATCH", f"{algorithm} does not fit the key of any signer with this kid")
    for candidate in matching:
        if verify_signature(candidate.public_key, algorithm, to_be_signed, signature):
            return candidate
    raise Rejected("SIGNATURE_INVALID")


def _check_signer(signer: TrustedSigner, store: TrustStore, at: datetime) -> None:
    if not store.issued_by_anchor(signer.certificate):
        raise Rejected("DSC_UNTRUSTED")
    if withdrawn(signer, at):
        raise Rejected("DSC_WITHDRAWN", f"withdrawn at {signer.withdrawn_at}")
    if at < signer.valid_from:
        raise Rejected("DSC_NOT_YET_VALID", f"valid from {signer.valid_from.isoformat()}")
    if at > signer.valid_until:
        raise Rejected("DSC_EXPIRED", f"expired {signer.valid_until.isoformat()}")
    usages = signer.extended_key_usages
    if usages is None:
        raise Rejected("DSC_MALFORMED", "the signer certificate's extensions are not valid DER")
    kinds = {DCC_EKU_KINDS[oid] for oid in usages if oid in DCC_EKU_KINDS}
    if kinds and "vaccination" not in kinds:
        raise Rejected("KEY_USAGE", f"the signer may sign only {' and '.join(sorted(kinds))} certificates")


def numeric_date(value: object, claim: str) -> datetime:
    """An RFC 8392 NumericDate: seconds since the epoch, an integer **or a floating-point number**."""
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            (isinstance(value, float) and not math.isfinite(value)):
        raise Rejected("SCHEMA", f"CWT {claim} must be a NumericDate (integer or floating-point seconds)")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise Rejected("SCHEMA", f"CWT {claim} is out of range") from None


def _times(claims: dict, signer: TrustedSigner, at: datetime) -> tuple[datetime, datetime]:
    issued, expires = numeric_date(claims.get(6), "iat (6)"), numeric_date(claims.get(4), "exp (4)")
    if issued > at:
        raise Rejected("IAT_FUTURE", f"issued {issued.isoformat()}")
    if expires < at:
        raise Rejected("EXPIRED", f"expired {expires.isoformat()}")
    if expires > signer.valid_until:
        raise Rejected("EXP_BEYOND_DSC", "exp is after the signer certificate's notAfter")
    if issued < signer.valid_from:
        raise Rejected("IAT_BEFORE_DSC", "iat is before the signer certificate's notBefore")
    return issued, expires


def check_dcc_schema(hcert: object) -> dict:
    """The DCC 1.3 vaccination payload, or SCHEMA / ENTRY_COUNT."""
    if not isinstance(hcert, dict):
        raise Rejected("SCHEMA", "hcert claim -260 must hold {1: payload}")
    dcc = hcert.get(1)
    if not isinstance(dcc, dict):
        raise Rejected("SCHEMA", "the DCC payload is not a map")
    if not isinstance(dcc.get("ver"), str) or not _VERSION.match(dcc["ver"]):
        raise Rejected("SCHEMA", "ver must be a 1.x.y schema version")
    nam = dcc.get("nam")
    if not isinstance(nam, dict) or not ("fnt" in nam or "gnt" in nam):
        raise Rejected("SCHEMA", "nam must hold fnt, gnt or both")
    for key in ("fnt", "gnt"):
        if key in nam and (not isinstance(nam[key], str) or not _ICAO.match(nam[key])):
            raise Rejected("SCHEMA", f"nam.{key} must be an ICAO transliteration ^[A-Z<]*$ of at most 80")
    if not isinstance(dcc.get("dob"), str) or (dcc["dob"] and not _DATE.match(dcc["dob"])):
        raise Rejected("SCHEMA", "dob must be YYYY, YYYY-MM or YYYY-MM-DD")
    groups = [key for key in ("v", "t", "r") if key in dcc]
    entries = dcc.get("v")
    if groups != ["v"] or not isinstance(entries, list) or len(entries) != 1:
        count = sum(len(dcc[g]) if isinstance(dcc[g], list) else 1 for g in groups)
        raise Rejected("ENTRY_COUNT", f"exactly one vaccination entry is required, found {count}")
    _check_entry(entries[0])
    return dcc  # decoded for this verification alone: the result may hold its parts


def _check_entry(entry: object) -> None:
    if not isinstance(entry, dict):
        raise Rejected("SCHEMA", "a vaccination entry must be a map")
    for key in ("tg", "vp", "mp", "ma", "dt", "co", "is"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise Rejected("SCHEMA", f"v[0].{key} must be a non-empty string")
    if not isinstance(entry.get("ci"), str) or len(entry["ci"]) > 80 or len(entry["is"]) > 80:
        raise Rejected("SCHEMA", "v[0].ci and v[0].is must be strings of at most 80 characters")
    for key in ("dn", "sd"):
        if not isinstance(entry.get(key), int) or not 1 <= entry[key] <= 9:
            raise Rejected("SCHEMA", f"v[0].{key} must be an integer 1-9")
    if not _FULL_DATE.match(entry["dt"]) or not _COUNTRY.match(entry["co"]):
        raise Rejected("SCHEMA", "v[0].dt must be YYYY-MM-DD and v[0].co a country code")
    for key in ("tg", "vp", "mp", "ma"):
        if entry[key] not in valuesets.codes(key):
            raise Rejected("VALUE_SET", f"v[0].{key} {entry[key]!r} is not in the EU value set "
                                        f"{valuesets.value_set(key)['valueSetId']}")


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
    _check_signer(signer, store, at)
    claims = _cbor(payload, "the CWT payload")
    if not isinstance(claims, dict):
        raise Rejected("SCHEMA", "the CWT payload is not a map")
    issued, expires = _times(claims, signer, at)
    dcc = check_dcc_schema(claims.get(-260))
    entry = dcc["v"][0]
    ci = entry["ci"]
    revoked = store.revoked_dcc.get(kid_text)
    if revoked and uvci_hash(ci) in revoked:
        raise Rejected("REVOKED", f"{ci} is on revocation list v{store.revocation_list_version}")
    return Verified("EU_DCC_HC1", ci, kid_text, issued, expires, {"nam": dcc["nam"], "dob": dcc["dob"]}, [entry])
