"""Verification results, reasons and the trust store built from the signed lists."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from cryptography import x509

from services.certificate.signing.lists import (
    REVOCATION_LIST,
    TRUST_LIST,
    ListError,
    certificate_issued_by,
    open_list,
)
from services.certificate.signing.signer import algorithm_of, public_key_from_jwk

REASONS: dict[str, str] = {
    "PREFIX": "wrong or missing prefix (HC1: / shc:/)",
    "BASE45": "invalid Base45",
    "NUMERIC": "invalid shc:/ numeric encoding",
    "ZLIB": "not zlib / DEFLATE data, or corrupt",
    "ZIP_BOMB": "inflates past the size cap",
    "CBOR": "invalid CBOR",
    "COSE_STRUCTURE": "not a 4-element COSE_Sign1",
    "JWS_STRUCTURE": "not a compact JWS",
    "ALG_UNSUPPORTED": "algorithm other than ES256 / PS256",
    "ALG_KEY_MISMATCH": "algorithm does not match the signer's key",
    "SIGNATURE_LENGTH": "ES256 signature not exactly 64 bytes",
    "KID_MISSING": "no key id",
    "KID_LENGTH": "key id not 8 bytes",
    "KID_UNKNOWN": "key id not on the trust list",
    "SIGNATURE_INVALID": "signature invalid against every signer with that key id",
    "DSC_UNTRUSTED": "signer certificate not issued by the country signing CA",
    "DSC_EXPIRED": "signer certificate expired at the verification time",
    "DSC_NOT_YET_VALID": "signer certificate not yet valid at the verification time",
    "DSC_WITHDRAWN": "signer withdrawn from the trust list at the verification time",
    "IAT_FUTURE": "issued in the future",
    "EXPIRED": "certificate expired",
    "EXP_BEYOND_DSC": "expiry beyond the signer certificate's notAfter",
    "IAT_BEFORE_DSC": "issued before the signer certificate's notBefore",
    "KEY_USAGE": "signer's key usage excludes vaccination certificates",
    "DSC_MALFORMED": "signer certificate's extensions cannot be parsed",
    "SCHEMA": "payload fails the schema",
    "VALUE_SET": "a coded value outside the EU value sets",
    "ENTRY_COUNT": "zero or several certificate entries",
    "REVOKED": "certificate revoked (or suspended)",
}


class Rejected(Exception):
    """The certificate is not valid; ``reason`` is a key of :data:`REASONS`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail or REASONS[reason]}")
        self.reason = reason
        self.detail = detail or REASONS[reason]


@dataclass(frozen=True)
class Verified:
    format: str
    certificate_id: str
    key_id: str
    issued_at: datetime
    expires_at: datetime | None
    holder: dict
    entries: list[dict]


@dataclass(frozen=True)
class TrustedSigner:
    """A signer of the trust list. What a verification asks of its certificate (key, algorithm, validity,
    key usage) is worked out once, on first use, and kept with it: the trust list changes, a signer does not."""

    key_id: str
    status: str
    withdrawn_at: datetime | None
    certificate: x509.Certificate | None = None
    jwk: dict | None = None

    @cached_property
    def public_key(self):
        return self.certificate.public_key() if self.certificate is not None else public_key_from_jwk(self.jwk)

    @cached_property
    def algorithm(self) -> str:
        return algorithm_of(self.public_key)

    @cached_property
    def valid_from(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @cached_property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @cached_property
    def extended_key_usages(self) -> frozenset | None:
        """The certificate's extended key usage OIDs (empty without the extension); None when its extensions
        cannot be parsed (an empty EKU sequence, a DER-encoded default value...): a verifier rejects it."""
        try:
            extensions = self.certificate.extensions
        except ValueError:
            return None
        try:
            return frozenset(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        except x509.ExtensionNotFound:
            return frozenset()


@dataclass
class TrustStore:
    """What a verifier trusts: signers by key id (from the trust list) and revoked entries by key id."""

    anchor: x509.Certificate
    dsc: dict[str, list[TrustedSigner]] = field(default_factory=dict)
    shc: dict[str, TrustedSigner] = field(default_factory=dict)
    revoked_dcc: dict[str, set[str]] = field(default_factory=dict)
    revoked_shc: dict[str, set[str]] = field(default_factory=dict)
    trust_list_version: int = 0
    revocation_list_version: int = 0
    _chains: dict = field(default_factory=dict, repr=False)

    def issued_by_anchor(self, certificate: x509.Certificate) -> bool:
        """Whether the CSCA issued ``certificate`` (checked once per certificate: it is an ECDSA verify)."""
        key = id(certificate)  # the store holds its certificates for its whole life, so ids stay unique
        if key not in self._chains:
            self._chains[key] = certificate_issued_by(certificate, self.anchor)
        return self._chains[key]

    @classmethod
    def from_signed(cls, anchor: x509.Certificate, trust_list: str, revocation_list: str | None, *,
                    at: datetime) -> TrustStore:
        """Open and check both signed lists (raises ListError when either does not verify)."""
        store = cls(anchor)
        store.load_trust_list(open_list(trust_list, anchor, expected_type=TRUST_LIST, at=at))
        if revocation_list is not None:
            store.load_revocation_list(open_list(revocation_list, anchor, expected_type=REVOCATION_LIST, at=at))
        return store

    def load_trust_list(self, document: dict) -> None:
        self.trust_list_version = int(document["version"])
        for entry in document.get("dsc", []):
            cert = x509.load_der_x509_certificate(base64.b64decode(entry["certificate"]))
            self.dsc.setdefault(entry["kid"], []).append(
                TrustedSigner(entry["kid"], entry["status"], _when(entry.get("withdrawn_at")), certificate=cert))
        for entry in document.get("shc", []):
            self.shc[entry["kid"]] = TrustedSigner(entry["kid"], entry["status"], _when(entry.get("withdrawn_at")),
                                                   jwk=entry["jwk"])

    def load_revocation_list(self, document: dict) -> None:
        self.revocation_list_version = int(document["version"])
        self.revoked_dcc = {kid: set(hashes) for kid, hashes in document.get("dcc", {}).items()}
        self.revoked_shc = {kid: set(rids) for kid, rids in document.get("shc", {}).items()}


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def withdrawn(signer: TrustedSigner, at: datetime) -> bool:
    if signer.status != "withdrawn":
        return False
    return signer.withdrawn_at is None or signer.withdrawn_at <= at


__all__ = ["REASONS", "ListError", "Rejected", "TrustStore", "Verified"]
