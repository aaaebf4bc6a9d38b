"""Signing a decided certificate: :class:`CertificateFactory` turns an IssueRequest into the QR string
and the ``CertificateIssued`` event that records it (key id, validity, payload hash).

The DCC's ``exp`` never exceeds the signing DSC's ``notAfter`` (a verifier would reject it).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from services.certificate.domain.certificates import EU_DCC, CertificateIssued, IssueRequest
from services.certificate.formats import hcert, shc
from services.certificate.signing.keyring import Keyring
from services.certificate.signing.livekeys import LiveKeyring, current


@dataclass(frozen=True)
class Signed:
    event: CertificateIssued
    text: str  # the QR content: "HC1:..." or "shc:/..."


class CertificateFactory:
    def __init__(self, keyring: Keyring | LiveKeyring, *, issuer_name: str, shc_issuer_url: str) -> None:
        self._keyring = keyring
        self._issuer_name = issuer_name
        self._shc_issuer_url = shc_issuer_url

    def sign(self, request: IssueRequest) -> Signed:
        keyring = current(self._keyring)  # a LiveKeyring: the active keys after a rotation, no restart
        if request.format == EU_DCC:
            dsc = keyring.active_dsc
            expires = min(request.expires_at, dsc.certificate.not_valid_after_utc)
            claims = hcert.cwt_claims(keyring.country, hcert.dcc_payload(request, self._issuer_name),
                                      request.issued_at, expires)
            return Signed(self._event(request, base64.b64encode(dsc.kid).decode(), expires, claims),
                          hcert.encode_hc1(dsc, claims))
        key = keyring.active_shc
        payload = shc.shc_payload(request, self._shc_issuer_url, request.issued_at, request.expires_at)
        return Signed(self._event(request, key.kid, request.expires_at, payload),
                      shc.to_numeric(shc.encode_jws(key, payload)))

    @staticmethod
    def _event(request: IssueRequest, key_id: str, expires, payload: bytes) -> CertificateIssued:
        return CertificateIssued(
            certificate_id=request.certificate_id, person_id=request.record.person_id, level=request.level.value,
            dose_ids=tuple(d.dose_id for d in request.doses), format=request.format, key_id=key_id,
            issued_at=request.issued_at, expires_at=expires, payload_hash=hashlib.sha256(payload).digest(),
            dose_revisions=tuple(d.revision for d in request.doses),
            person_revision=request.record.person.revision,
        )
