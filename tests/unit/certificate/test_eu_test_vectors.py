"""The EU's own DCC test vectors (eu-digital-green-certificates/dgc-testdata, a selection shipped under
``dgc-testdata/`` with its licence) through the offline verifier: built to the specifications, not to our tests.

Each file is verified at its ``TESTCTX.VALIDATIONCLOCK`` (no zone = UTC), trusting its
``TESTCTX.CERTIFICATE`` as the document signer (the test data has no CSCA: the DSC is the trust anchor).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from services.certificate.signing.keyring import dcc_kid
from services.certificate.verifier import Rejected, TrustStore, verify
from services.certificate.verifier.core import TrustedSigner

VECTORS = Path(__file__).parent / "dgc-testdata"

# The EU expects every check of these to pass; so does VaxTrail.
VALID = [
    "AT/2DCode/raw/1.json",                      # UVCI with the guideline's check character (#B)
    "CH/2DCode/raw/1.json",                      # urn:uvci: in lower case
    "DE/2DCode/raw/1.json",                      # URN:UVCI:01DE/IZ12345A/...: '/' separators
    "DK/2DCode/raw/5.json",
    "ES/2DCode/raw/701.json",                    # no URN:UVCI: prefix
    "FR/2DCode/raw/DGC_QrCode_00001_Raw.json",   # a check character that is not Luhn mod N
    "GR/2DCode/raw/1.json",
    "LU/2DCode/raw/INCERT_R_DCC_Vaccination.json",  # 01/LU/...#49
    "NL/2DCode/raw/072-NL-vaccination.json",
    "PT/1.3.0/2DCode/raw/1.json",
    "SE/2DCode/raw/1.json",
    "SK/2DCode/raw/1.json",
    "UA/2DCode/raw/1.json",
    "common/2DCode/raw/CO1.json",                # RSA 2048 signer (PS256)
    "common/2DCode/raw/CO28.json",               # CWT tag 61 around COSE_Sign1
]

# The EU expects a check to fail (an EXPECTED... flag is false); VaxTrail rejects with this reason.
EU_REJECTS = {
    "PL/1.3.0/2DCode/raw/6.json": ("EXPECTEDVERIFY", "KID_UNKNOWN"),         # signed by another key
    "PL/1.3.0/2DCode/raw/9.json": ("EXPECTEDSCHEMAVALIDATION", "VALUE_SET"),  # ma ORG-99999999
    "NL/2DCode/raw/078-NL-vaccination.json": ("EXPECTEDSCHEMAVALIDATION", "SCHEMA"),  # vp empty
    "common/2DCode/raw/DGC2.json": ("EXPECTEDSCHEMAVALIDATION", "ENTRY_COUNT"),  # three entries
}

# The EU expects these to pass; VaxTrail's rules are stricter (docs/services/certificate.md says why).
STRICTER = {
    # BasicConstraints with cA FALSE encoded although it is the DEFAULT: not DER (X.690 11.5), so the
    # extensions, EKU included, cannot be read - a rejection with its reason, never an exception.
    "FI/2DCode/raw/1.json": "DSC_MALFORMED",
    # exp after the DSC's notAfter (CERTIFICATES.md: a certificate must not outlive its signer).
    "HU/2DCode/raw/1.json": "EXP_BEYOND_DSC",
}


class DirectTrust(TrustStore):
    """The test data's trust: its DSC itself (no CSCA in dgc-testdata)."""

    def issued_by_anchor(self, certificate: x509.Certificate) -> bool:
        return certificate is self.anchor


def load(name: str) -> tuple[dict, TrustStore, datetime]:
    vector = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    context = vector["TESTCTX"]
    dsc = x509.load_der_x509_certificate(base64.b64decode(context["CERTIFICATE"]))
    kid = base64.b64encode(dcc_kid(dsc)).decode()
    trust = DirectTrust(dsc)
    trust.dsc[kid] = [TrustedSigner(kid, "active", None, certificate=dsc)]
    at = datetime.fromisoformat(context["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    return vector, trust, at if at.tzinfo else at.replace(tzinfo=UTC)


def expectations(vector: dict) -> dict[str, bool]:
    return {k: v for k, v in vector["EXPECTEDRESULTS"].items() if isinstance(v, bool)}


@pytest.mark.parametrize("name", VALID)
def test_an_eu_vector_expected_valid_is_valid(name):
    vector, trust, at = load(name)
    assert all(expectations(vector).values())
    result = verify(vector["PREFIX"], trust, at=at)
    assert result.certificate_id == vector["JSON"]["v"][0]["ci"]
    assert result.holder["nam"] == vector["JSON"]["nam"] and result.holder["dob"] == vector["JSON"]["dob"]


@pytest.mark.parametrize("name", sorted(EU_REJECTS))
def test_an_eu_vector_expected_to_fail_is_rejected_with_its_reason(name):
    vector, trust, at = load(name)
    flag, reason = EU_REJECTS[name]
    assert expectations(vector)[flag] is False
    with pytest.raises(Rejected) as caught:
        verify(vector["PREFIX"], trust, at=at)
    assert caught.value.reason == reason


@pytest.mark.parametrize("name", sorted(STRICTER))
def test_where_vaxtrail_is_stricter_than_an_eu_vector_it_says_why(name):
    vector, trust, at = load(name)
    assert all(expectations(vector).values())
    with pytest.raises(Rejected) as caught:
        verify(vector["PREFIX"], trust, at=at)
    assert caught.value.reason == STRICTER[name]


def test_every_shipped_vector_is_listed():
    shipped = {str(p.relative_to(VECTORS)) for p in VECTORS.rglob("*.json")}
    assert shipped == set(VALID) | set(EU_REJECTS) | set(STRICTER)
