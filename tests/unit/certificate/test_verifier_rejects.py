"""The verifier rejects every item of CERTIFICATES.md's reject list, each with its own reason."""

from __future__ import annotations

import base64
import zlib
from dataclasses import replace
from datetime import timedelta

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from services.certificate.signing.base45 import b45encode
from services.certificate.signing.cose import sig_structure
from services.certificate.signing.keyring import (
    DCC_EKU_TEST,
    DCC_EKU_VACCINATION,
    issue_csca,
    issue_signer_certificate,
    new_key,
)
from services.certificate.signing.lists import uvci_hash
from services.certificate.signing.signer import FileSigner
from services.certificate.verifier import Rejected, verify
from services.certificate.verifier.core import TrustedSigner

from .builders import (
    NOW,
    claims,
    cose,
    dcc,
    foreign_signer,
    hc1,
    keyring,
    keys_dir,
    signed_hc1,
    store,
    trust_with,
)


def rejected(text, trust=None, at=NOW) -> str:
    with pytest.raises(Rejected) as caught:
        verify(text, trust or store(), at=at)
    return caught.value.reason


def test_a_well_formed_certificate_signed_by_the_active_dsc_is_valid():
    result = verify(signed_hc1(), store(), at=NOW)
    assert (result.format, result.certificate_id) == ("EU_DCC_HC1", "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWX")


@pytest.mark.parametrize("prefix", ["HC2:", "hc1:", ""])
def test_rejects_a_wrong_or_missing_prefix(prefix):
    assert rejected(prefix + signed_hc1()[4:]) == "PREFIX"


@pytest.mark.parametrize("body", ["abc", "ABCD", "A~B"])
def test_rejects_invalid_base45(body):
    assert rejected("HC1:" + body) == "BASE45"


def test_rejects_data_that_is_not_zlib():
    assert rejected("HC1:" + b45encode(cose(claims()))) == "ZLIB"


def test_rejects_corrupt_zlib():
    compressed = zlib.compress(cose(claims()))
    assert rejected("HC1:" + b45encode(compressed[:-10])) == "ZLIB"


def test_rejects_a_zip_bomb_without_inflating_it():
    bomb = zlib.compress(b"\x00" * 50_000_000, 9)
    assert rejected("HC1:" + b45encode(bomb)) == "ZIP_BOMB"


def test_rejects_invalid_cbor():
    assert rejected(hc1(b"\xff\xfe\xfd")) == "CBOR"


@pytest.mark.parametrize("message", [
    cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b""])),
    cbor2.dumps(cbor2.CBORTag(98, [b"", {}, b"", b""])),
    cbor2.dumps({"not": "an array"}),
    cbor2.dumps(cbor2.CBORTag(18, [{}, {}, b"", b""])),
])
def test_rejects_what_is_not_a_four_element_cose_sign1(message):
    assert rejected(hc1(message)) == "COSE_STRUCTURE"


def test_accepts_the_cwt_tag_61_around_the_cose_sign1():
    assert verify(hc1(cbor2.dumps(cbor2.CBORTag(61, cbor2.loads(cose(claims()))))), store(), at=NOW)


def test_rejects_an_algorithm_other_than_es256_or_ps256():
    assert rejected(signed_hc1(alg=-8)) == "ALG_UNSUPPORTED"


def test_rejects_an_algorithm_that_does_not_match_the_signer_key():
    assert rejected(signed_hc1(alg=-37)) == "ALG_KEY_MISMATCH"


def test_rejects_an_es256_signature_that_is_not_64_raw_bytes():
    payload = claims()
    protected = cbor2.dumps({1: -7, 4: keyring().active_dsc.kid})
    key = serialization.load_pem_private_key(next((keys_dir() / "dsc").glob("*.key.pem")).read_bytes(), None)
    der = key.sign(sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    assert rejected(hc1(cose(payload, protected=protected, signature=der))) == "SIGNATURE_LENGTH"


def test_rejects_a_missing_kid():
    assert rejected(signed_hc1(kid=None)) == "KID_MISSING"


@pytest.mark.parametrize("kid", [b"1234567", b"123456789", "a text kid"])
def test_rejects_a_kid_that_is_not_8_bytes(kid):
    assert rejected(signed_hc1(kid=kid)) == "KID_LENGTH"


def test_rejects_a_kid_not_on_the_trust_list():
    assert rejected(signed_hc1(kid=b"\x01" * 8)) == "KID_UNKNOWN"


def test_accepts_a_kid_in_the_unprotected_header():
    kid = keyring().active_dsc.kid
    assert verify(signed_hc1(kid=None, unprotected={4: kid}), store(), at=NOW)


def test_the_protected_kid_wins_over_the_unprotected_one():
    assert rejected(signed_hc1(kid=b"\x02" * 8, unprotected={4: keyring().active_dsc.kid})) == "KID_UNKNOWN"


def test_rejects_a_tampered_payload():
    message = cbor2.loads(cose(claims()))
    protected, unprotected, _, signature = message.value
    tampered = claims(dcc(dob="1990-01-01"))
    assert rejected(hc1(cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, tampered, signature])))) == \
        "SIGNATURE_INVALID"


def test_rejects_a_tampered_protected_header():
    message = cbor2.loads(cose(claims()))
    _, unprotected, payload, signature = message.value
    protected = cbor2.dumps({4: keyring().active_dsc.kid, 1: -7})  # same header, different bytes
    assert rejected(hc1(cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature])))) == \
        "SIGNATURE_INVALID"


def test_tries_every_dsc_that_shares_a_kid():
    other, _ = foreign_signer()
    trust = store()
    kid = base64.b64encode(keyring().active_dsc.kid).decode()
    trust.dsc[kid] = [other, *trust.dsc[kid]]
    assert verify(signed_hc1(), trust, at=NOW)


def test_rejects_a_dsc_whose_key_usage_excludes_vaccination():
    signer, key = foreign_signer(eku=(DCC_EKU_TEST,))
    assert rejected(signed_hc1(signer=key), trust_with(signer)) == "KEY_USAGE"


def test_accepts_a_dsc_without_dcc_key_usage_as_unrestricted():
    signer, key = foreign_signer(eku=None)
    assert verify(signed_hc1(signer=key), trust_with(signer), at=NOW)


def test_accepts_a_dsc_with_the_vaccination_key_usage():
    signer, key = foreign_signer(eku=(DCC_EKU_TEST, DCC_EKU_VACCINATION))
    assert verify(signed_hc1(signer=key), trust_with(signer), at=NOW)


def test_rejects_a_dsc_not_issued_by_the_country_signing_ca():
    rogue_key = new_key()
    rogue = issue_csca(rogue_key, "VN", now=NOW - timedelta(days=3))  # same name, another key
    signer, key = foreign_signer(issuer=(rogue_key, rogue))
    assert rejected(signed_hc1(signer=key), trust_with(signer)) == "DSC_UNTRUSTED"


def test_rejects_a_certificate_whose_dsc_expired_at_the_verification_time():
    signer, key = foreign_signer(not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=1))
    text = signed_hc1(claims(iat=NOW - timedelta(days=700), exp=NOW - timedelta(days=2)), signer=key)
    assert rejected(text, trust_with(signer)) == "DSC_EXPIRED"


def test_rejects_a_certificate_whose_dsc_is_not_yet_valid():
    signer, key = foreign_signer(not_before=NOW + timedelta(days=1), not_after=NOW + timedelta(days=700))
    assert rejected(signed_hc1(signer=key), trust_with(signer)) == "DSC_NOT_YET_VALID"


def test_rejects_a_certificate_whose_dsc_was_withdrawn_before_the_verification_time():
    signer, key = foreign_signer()
    withdrawn = replace(signer, status="withdrawn", withdrawn_at=NOW - timedelta(minutes=1))
    assert rejected(signed_hc1(signer=key), trust_with(withdrawn)) == "DSC_WITHDRAWN"
    assert verify(signed_hc1(signer=key), trust_with(withdrawn), at=NOW - timedelta(minutes=2))


def test_rejects_an_iat_in_the_future():
    assert rejected(signed_hc1(claims(iat=NOW + timedelta(minutes=5)))) == "IAT_FUTURE"


def test_rejects_a_passed_exp():
    assert rejected(signed_hc1(claims(iat=NOW - timedelta(days=10), exp=NOW - timedelta(seconds=1)))) == "EXPIRED"


def test_rejects_an_exp_beyond_the_dsc_not_after():
    dsc_end = keyring().active_dsc.certificate.not_valid_after_utc
    assert rejected(signed_hc1(claims(exp=dsc_end + timedelta(days=1)))) == "EXP_BEYOND_DSC"


def test_rejects_an_iat_before_the_dsc_not_before():
    dsc_start = keyring().active_dsc.certificate.not_valid_before_utc
    assert rejected(signed_hc1(claims(iat=dsc_start - timedelta(days=1)))) == "IAT_BEFORE_DSC"


@pytest.mark.parametrize("payload", [
    dcc(nam={"fn": "Nguyễn", "fnt": "Nguyen"}),
    dcc(dob="17/05/1980"),
    dcc(ver="9"),
    dcc(v=[dcc()["v"][0] | {"ci": "URN:UVCI:01:VN:" + "A" * 66}]),  # 81 characters: the schema's maxLength is 80
    dcc(v=[dcc()["v"][0] | {"dn": "2"}]),
])
def test_rejects_a_payload_failing_the_schema(payload):
    assert rejected(signed_hc1(claims(payload))) == "SCHEMA"


@pytest.mark.parametrize("payload", [
    dcc(v=[]),
    dcc(v=[dcc()["v"][0], dcc()["v"][0]]),
    dcc(t=[{"tg": "840539006"}]),
])
def test_rejects_zero_or_several_entries(payload):
    assert rejected(signed_hc1(claims(payload))) == "ENTRY_COUNT"


def test_rejects_a_revoked_uvci():
    kid = base64.b64encode(keyring().active_dsc.kid).decode()
    trust = store(revoked_dcc={kid: [uvci_hash("URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWX")]})
    assert rejected(signed_hc1(), trust) == "REVOKED"


def test_accepts_ps256_from_an_rsa_document_signer_and_refuses_es256_claimed_for_it():
    from cryptography.hazmat.primitives.asymmetric import rsa

    ring = keyring()
    csca_key = serialization.load_pem_private_key((keys_dir() / "csca.key.pem").read_bytes(), None)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_signer_certificate(csca_key, ring.csca, rsa_key.public_key(), "RSA DSC",
                                    not_before=NOW - timedelta(days=2), not_after=NOW + timedelta(days=700))
    signer = TrustedSigner(base64.b64encode(ring.active_dsc.kid).decode(), "active", None, certificate=cert)
    assert verify(signed_hc1(alg=-37, signer=FileSigner(rsa_key)), trust_with(signer), at=NOW)
    es256_shaped = signed_hc1(alg=-7, signature=bytes(64))  # claims ES256 for the RSA signer's kid
    assert rejected(es256_shaped, trust_with(signer)) == "ALG_KEY_MISMATCH"
