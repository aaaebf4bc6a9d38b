"""EU DCC conformance of the verifier: what the EU specifications accept is valid, what they exclude is
rejected with its reason (issue 17, item 6). Built to the specifications - the DCC JSON schema 1.3, RFC 8392,
the eHealth Network DSC key-usage OIDs and the EU value sets - not to VaxTrail's own certificates."""

from __future__ import annotations

from datetime import timedelta

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID

from eventkit import valuesets
from eventkit.product_codes import known_products
from services.certificate.signing.keyring import DCC_EKU_KINDS, new_key
from services.certificate.signing.signer import FileSigner
from services.certificate.verifier import Rejected, verify

from .builders import (
    NOW,
    claims,
    csca_key,
    dcc,
    foreign_signer,
    keyring,
    signed_hc1,
    signer_for,
    store,
    trust_with,
)


def rejected(text, trust=None) -> Rejected:
    with pytest.raises(Rejected) as caught:
        verify(text, trust or store(), at=NOW)
    return caught.value


def entry(**changes) -> dict:
    return dcc(v=[dcc()["v"][0] | changes])


# -- ci: every form the EU schema accepts (a string of at most 80), issued only in the canonical form -------
@pytest.mark.parametrize("ci", [
    "urn:uvci:01:AT:10807843F94AEE0EE5093FBC254BD813P",     # lower-case prefix (AT, dgc-testdata)
    "URN:UVCI:01:NL:187/37512422923#Z",                    # the guideline's example
    "URN:UVCI:01/PT/MS/TRC01234567890123456#1",            # / separators (PT)
    "URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W",     # no separator after the version (DE)
    "01BEVLJW3CJZHUI5DLTUTS7WBHYN#B",                      # no prefix (BE)
    "URN:UVCI:01:FI:AELZ0DC71KA2SJWUETRTAFEL2##",          # a check character that is not Luhn mod N (FI)
    "URN:UVCI:03:XX:ABC/DEF",                              # another option, no check character
    "urn:uvci:01:IE:1eb24cba367a40e0ae559013ad87523c#D",   # lower case opaque part (IE)
    "X" * 80,
])
def test_a_foreign_ci_the_eu_schema_accepts_is_valid(ci):
    result = verify(signed_hc1(claims(entry(ci=ci))), store(), at=NOW)
    assert result.certificate_id == ci


def test_a_ci_longer_than_80_characters_fails_the_schema():
    assert rejected(signed_hc1(claims(entry(ci="URN:UVCI:01:VN:" + "A" * 66)))).reason == "SCHEMA"


# -- CWT iat / exp: an RFC 8392 NumericDate may be floating-point --------------------------------------------
def _cwt(iat, exp) -> bytes:
    return cbor2.dumps({1: "VN", 6: iat, 4: exp, -260: {1: dcc()}})


def test_floating_point_iat_and_exp_are_valid_numeric_dates():
    iat, exp = (NOW - timedelta(hours=1)).timestamp() + 0.25, (NOW + timedelta(days=300)).timestamp() + 0.5
    result = verify(signed_hc1(_cwt(iat, exp)), store(), at=NOW)
    assert (result.issued_at.timestamp(), result.expires_at.timestamp()) == (iat, exp)


def test_a_floating_point_exp_that_has_passed_is_expired():
    passed = signed_hc1(_cwt((NOW - timedelta(days=2)).timestamp() + 0.5, NOW.timestamp() - 0.5))
    assert rejected(passed).reason == "EXPIRED"


@pytest.mark.parametrize("iat", [True, "1764320400", float("nan"), float("inf"), 1e300, None])
def test_an_iat_that_is_not_a_numeric_date_fails_the_schema(iat):
    assert rejected(signed_hc1(_cwt(iat, int((NOW + timedelta(days=300)).timestamp())))).reason == "SCHEMA"


# -- DSC extended key usage: both OID arcs restrict the certificate types ------------------------------------
OIDS = {(oid.dotted_string.split(".2021.")[0], kind): oid for oid, kind in DCC_EKU_KINDS.items()}
ARCS = ("1.3.6.1.4.1.1847", "1.3.6.1.4.1.0.1847")


@pytest.mark.parametrize("arc", ARCS)
@pytest.mark.parametrize("kinds", [("test",), ("recovery",), ("test", "recovery")])
def test_a_signer_limited_to_other_certificate_types_never_validates_a_vaccination_certificate(arc, kinds):
    signer, key = foreign_signer(eku=tuple(OIDS[arc, kind] for kind in kinds))
    failure = rejected(signed_hc1(signer=key), trust_with(signer))
    assert failure.reason == "KEY_USAGE" and all(kind in failure.detail for kind in kinds)


@pytest.mark.parametrize("arc", ARCS)
def test_a_signer_allowed_vaccination_certificates_under_either_arc_validates_them(arc):
    signer, key = foreign_signer(eku=(OIDS[arc, "test"], OIDS[arc, "vaccination"]))
    assert verify(signed_hc1(signer=key), trust_with(signer), at=NOW)


def test_a_test_only_oid_on_one_arc_and_vaccination_on_the_other_allow_vaccination():
    signer, key = foreign_signer(eku=(OIDS[ARCS[0], "test"], OIDS[ARCS[1], "vaccination"]))
    assert verify(signed_hc1(signer=key), trust_with(signer), at=NOW)


# -- a DSC with malformed extensions is a rejection, never an exception ---------------------------------------
def _signer_with_raw_extension(oid, value: bytes):
    key = new_key()
    ring = keyring()
    certificate = (
        x509.CertificateBuilder().subject_name(ring.csca.subject).issuer_name(ring.csca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=2)).not_valid_after(NOW + timedelta(days=700))
        .add_extension(x509.UnrecognizedExtension(oid, value), critical=False)
        .sign(csca_key(), hashes.SHA256())
    )
    return signer_for(certificate), FileSigner(key)


@pytest.mark.parametrize("oid,value", [
    (ExtensionOID.EXTENDED_KEY_USAGE, b"\x30\x00"),               # EKU: SEQUENCE SIZE (1..MAX), here empty
    (ExtensionOID.BASIC_CONSTRAINTS, b"\x30\x03\x01\x01\x00"),   # cA FALSE encoded although it is the DEFAULT
], ids=["empty EKU sequence", "BasicConstraints with an encoded default"])
def test_a_document_signer_with_malformed_extensions_is_rejected_with_a_reason(oid, value):
    signer, key = _signer_with_raw_extension(oid, value)
    failure = rejected(signed_hc1(signer=key), trust_with(signer))
    assert failure.reason == "DSC_MALFORMED" and "extensions" in failure.detail


# -- names: ^[A-Z<]*$, fnt or gnt ----------------------------------------------------------------------------
@pytest.mark.parametrize("nam", [
    {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "", "gnt": ""},       # an empty standardised given name
    {"gn": "An", "gnt": "AN"},                                   # a given name only (schema 1.3.2)
    {"fnt": "", "gnt": "AN"},
], ids=["empty gnt", "gnt only", "empty fnt"])
def test_standardised_names_the_schema_accepts_are_valid(nam):
    assert verify(signed_hc1(claims(dcc(nam=nam))), store(), at=NOW).holder["nam"] == nam


@pytest.mark.parametrize("nam", [{"fn": "Nguyễn", "gn": "An"}, {"fnt": "NGUYEN", "gnt": "An"},
                                 {"fnt": "N" * 81}])
def test_names_the_schema_excludes_are_rejected(nam):
    assert rejected(signed_hc1(claims(dcc(nam=nam)))).reason == "SCHEMA"


# -- value sets ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field,value", [
    ("ma", "ORG-100000000"), ("ma", "Vaxtrail-Labs"), ("mp", "EU/1/99/9999"), ("vp", "1234567"),
    ("tg", "000000000"),
])
def test_a_code_outside_the_eu_value_sets_is_rejected_with_its_reason(field, value):
    failure = rejected(signed_hc1(claims(entry(**{field: value}))))
    assert failure.reason == "VALUE_SET"
    assert field in failure.detail and value in failure.detail
    assert valuesets.value_set(field)["valueSetId"] in failure.detail


@pytest.mark.parametrize("field,value", [("ma", "Sinovac-Biotech"), ("mp", "Covishield"), ("vp", "1119349007"),
                                         ("mp", "EU/1/20/1507")])
def test_codes_inside_the_eu_value_sets_are_valid(field, value):
    assert verify(signed_hc1(claims(entry(**{field: value}))), store(), at=NOW)


def test_every_product_vaxtrail_issues_is_coded_inside_the_eu_value_sets():
    for codes in known_products():
        assert codes.vp in valuesets.codes("vp") and codes.mp in valuesets.codes("mp")
        assert codes.ma in valuesets.codes("ma"), codes.display


def test_the_shipped_value_sets_are_the_named_eu_release():
    assert valuesets.VERSION.startswith("eu-dcc-valuesets 2.12.0")
    assert {valuesets.value_set(f)["valueSetId"] for f in valuesets.FILES} == {
        "disease-agent-targeted", "sct-vaccines-covid-19", "vaccines-covid-19-names", "vaccines-covid-19-auth-holders"}
