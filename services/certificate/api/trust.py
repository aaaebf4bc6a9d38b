"""Public trust material and verification.

Stable URLs a verifier app syncs from (no token: they hold no personal data):

- ``GET /v1/trust-list``            signed, versioned trust list (DSCs + SHC keys), JWS signed by the list signer
- ``GET /v1/revocation-list``       signed, versioned revocation list (UVCI hashes by kid; SHC rids by kid)
- ``GET /v1/csca``                  the country signing CA certificate (PEM) to pin
- ``GET /.well-known/jwks.json``    SMART Health Card issuer keys
- ``GET /.well-known/crl/<kid>.json``  SMART Health Card revocation list of one key

``POST /v1/verify`` (any authenticated role) verifies a QR string against the current lists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, jsonify
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eventkit.auth import ROLES, requires
from eventkit.errors import NotFound
from eventkit.web import parse_body
from eventkit.web.openapi import documented
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.lists import REVOCATION_LIST, sign_list, trust_list_document
from services.certificate.verifier import Rejected, TrustStore, verify
from services.certificate.views import CertificateViews


class SignedList(BaseModel):
    type: str
    version: int
    signed: str = Field(description="compact JWS (ES256, x5c = list signer certificate issued by the CSCA)")


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qr: str = Field(min_length=1, max_length=8000, description="an HC1: or shc:/ string as read from the QR")
    at: AwareDatetime | None = Field(default=None, description="verification time (default: now)")


class VerifyResult(BaseModel):
    valid: bool
    reason: str | None = Field(default=None, description="rejection reason code when invalid")
    detail: str | None = None
    format: str | None = None
    certificate_id: str | None = None
    key_id: str | None = None
    holder: dict | None = None
    entries: list[dict] | None = None
    trust_list_version: int
    revocation_list_version: int


class Jwks(BaseModel):
    keys: list[dict]


class Crl(BaseModel):
    kid: str
    method: str
    ctr: int
    rids: list[str]


class TrustMaterial:
    """The signed lists, signed once per version (the trust list per keyring version)."""

    def __init__(self, keyring: Keyring, views: CertificateViews) -> None:
        self.keyring = keyring
        self._views = views
        self.trust_document = trust_list_document(keyring, datetime.now(UTC))
        self.trust_signed = sign_list(keyring, self.trust_document)
        self._revocations: dict[int, tuple[dict, str]] = {}

    def revocation(self) -> tuple[dict, str]:
        version, dcc, shc = self._views.revocation_list()
        if version not in self._revocations:
            document = {"type": REVOCATION_LIST, "version": version, "issued_at": datetime.now(UTC).isoformat(),
                        "dcc": dcc, "shc": shc}
            self._revocations = {version: (document, sign_list(self.keyring, document))}
        return self._revocations[version]

    def store(self) -> TrustStore:
        store = TrustStore(self.keyring.csca)
        store.load_trust_list(self.trust_document)
        store.load_revocation_list(self.revocation()[0])
        return store


def blueprint(material: TrustMaterial) -> Blueprint:
    bp = Blueprint("certificate_trust", __name__)

    @bp.get("/v1/trust-list")
    @documented("The signed, versioned trust list (document signers and SMART Health Card keys)", tags=["trust"],
                responses={200: SignedList})
    def trust_list():
        return jsonify({"type": "vaxtrail-trust-list", "version": material.trust_document["version"],
                        "signed": material.trust_signed})

    @bp.get("/v1/revocation-list")
    @documented("The signed, versioned revocation list (revoked and suspended certificates)", tags=["trust"],
                responses={200: SignedList})
    def revocation_list():
        document, signed = material.revocation()
        return jsonify({"type": REVOCATION_LIST, "version": document["version"], "signed": signed})

    @bp.get("/v1/csca")
    @documented("The country signing CA certificate (PEM) that verifiers pin", tags=["trust"])
    def csca():
        pem = material.keyring.csca.public_bytes(serialization.Encoding.PEM)
        return Response(pem, mimetype="application/x-pem-file")

    @bp.get("/.well-known/jwks.json")
    @documented("SMART Health Card issuer keys (JWKS)", tags=["trust"], responses={200: Jwks})
    def jwks():
        keys = [k.jwk | {"kid": k.kid, "use": "sig", "alg": "ES256"} for k in material.keyring.shc_keys
                if k.status != "withdrawn"]
        return jsonify({"keys": keys})

    @bp.get("/.well-known/crl/<kid>.json")
    @documented("SMART Health Card revocation list of one key (rids)", tags=["trust"], responses={200: Crl},
                errors=[404])
    def crl(kid: str):
        if kid not in {k.kid for k in material.keyring.shc_keys}:
            raise NotFound(f"no SMART Health Card key {kid}", field="kid")
        document, _ = material.revocation()
        return jsonify({"kid": kid, "method": "rid", "ctr": document["version"],
                        "rids": document["shc"].get(kid, [])})

    @bp.post("/v1/verify")
    @requires(*sorted(ROLES))
    @documented("Verify an HC1: or shc:/ certificate against the current trust and revocation lists",
                tags=["verification"], request=VerifyRequest, responses={200: VerifyResult},
                description="Answers 200 with `valid: false` and the rejection `reason` for an invalid "
                            "certificate; the same checks run offline in `python -m services.certificate.verify`.")
    def verify_certificate():
        body = parse_body(VerifyRequest)
        store = material.store()
        versions = {"trust_list_version": store.trust_list_version,
                    "revocation_list_version": store.revocation_list_version}
        try:
            result = verify(body.qr, store, at=body.at or datetime.now(UTC))
        except Rejected as rejected:
            return jsonify({"valid": False, "reason": rejected.reason, "detail": rejected.detail} | versions)
        return jsonify({"valid": True, "format": result.format, "certificate_id": result.certificate_id,
                        "key_id": result.key_id, "holder": result.holder, "entries": result.entries} | versions)

    return bp
