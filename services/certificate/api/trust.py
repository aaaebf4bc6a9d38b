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

from eventkit.auth import ROLES, requires
from eventkit.errors import NotFound
from eventkit.web import parse_body
from eventkit.web.openapi import documented
from services.certificate.api import models as m
from services.certificate.queries import CertificateViews
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.lists import REVOCATION_LIST, list_payload, sign_list, trust_list_document
from services.certificate.signing.livekeys import LiveKeyring, current
from services.certificate.verifier import Rejected, TrustStore, verify


class TrustMaterial:
    """The signed lists, signed once per version (the trust list per keyring version)."""

    def __init__(self, keyring: Keyring | LiveKeyring, views: CertificateViews) -> None:
        self.keyring = keyring
        self._views = views
        self._trust: dict[int, tuple[dict, str]] = {}
        self._revocations: dict[int, tuple[dict, str]] = {}

    def trust(self) -> tuple[dict, str]:
        """The trust list of the keyring as it is now, signed once per keyring version (a rotation or a
        withdrawal in the key folder is served without a restart)."""
        keyring = current(self.keyring)
        if keyring.version not in self._trust:
            document = trust_list_document(keyring, datetime.now(UTC))
            self._trust = {keyring.version: (document, sign_list(keyring, document))}
        return self._trust[keyring.version]

    def revocation(self) -> tuple[dict, str]:
        """The latest published revocation list (``RevocationListPublished``, kept by the worker's list
        publisher); before the first publication, version 0 of the current content, signed here."""
        published = self._views.published_revocation_list()
        if published is None:
            _, dcc, shc = self._views.revocation_list()
            document = {"type": REVOCATION_LIST, "version": 0, "issued_at": datetime.now(UTC).isoformat(),
                        "dcc": dcc, "shc": shc}
            return document, sign_list(current(self.keyring), document)
        version, signed = published
        if version not in self._revocations:
            self._revocations = {version: (list_payload(signed), signed)}
        return self._revocations[version]

    def store(self) -> TrustStore:
        document, _ = self.trust()
        store = TrustStore(current(self.keyring).csca)
        store.load_trust_list(document)
        store.load_revocation_list(self.revocation()[0])
        return store


def blueprint(material: TrustMaterial) -> Blueprint:
    bp = Blueprint("certificate_trust", __name__)

    @bp.get("/v1/trust-list")
    @documented("The signed, versioned trust list (document signers and SMART Health Card keys)", tags=["trust"],
                responses={200: m.SignedList})
    def trust_list():
        document, signed = material.trust()
        return jsonify({"type": "vaxtrail-trust-list", "version": document["version"], "signed": signed})

    @bp.get("/v1/revocation-list")
    @documented("The signed, versioned revocation list (revoked and suspended certificates)", tags=["trust"],
                responses={200: m.SignedList})
    def revocation_list():
        document, signed = material.revocation()
        return jsonify({"type": REVOCATION_LIST, "version": document["version"], "signed": signed})

    @bp.get("/v1/csca")
    @documented("The country signing CA certificate (PEM) that verifiers pin", tags=["trust"])
    def csca():
        pem = material.keyring.csca.public_bytes(serialization.Encoding.PEM)
        return Response(pem, mimetype="application/x-pem-file")

    @bp.get("/.well-known/jwks.json")
    @documented("SMART Health Card issuer keys (JWKS)", tags=["trust"], responses={200: m.Jwks})
    def jwks():
        keys = [k.jwk | {"kid": k.kid, "use": "sig", "alg": "ES256"} for k in material.keyring.shc_keys
                if k.status != "withdrawn"]
        return jsonify({"keys": keys})

    @bp.get("/.well-known/crl/<kid>.json")
    @documented("SMART Health Card revocation list of one key (rids)", tags=["trust"], responses={200: m.Crl},
                errors=[404])
    def crl(kid: str):
        if kid not in {k.kid for k in material.keyring.shc_keys}:
            raise NotFound(f"no SMART Health Card key {kid}", field="kid", rule="not-found")
        document, _ = material.revocation()
        return jsonify({"kid": kid, "method": "rid", "ctr": document["version"],
                        "rids": document["shc"].get(kid, [])})

    @bp.post("/v1/verify")
    @requires(*sorted(ROLES))
    @documented("Verify an HC1: or shc:/ certificate against the current trust and revocation lists",
                tags=["verification"], request=m.VerifyRequest, responses={200: m.VerifyResult}, errors=[400, 422],
                description="Answers 200 with `valid: false` and the rejection `reason` for an invalid "
                            "certificate; the same checks run offline in `python -m services.certificate.verify`.")
    def verify_certificate():
        body = parse_body(m.VerifyRequest)
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
