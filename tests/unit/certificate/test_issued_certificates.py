"""Certificates made from a canonical record: both formats verify, and the SMART Health Card reject list."""

from __future__ import annotations

import io
import json
import zlib
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from services.certificate.formats import shc
from services.certificate.formats.documents import signed_facts
from services.certificate.formats.images import certificate_pdf, qr_png
from services.certificate.signing.jws import sign_compact
from services.certificate.signing.keyring import new_key
from services.certificate.signing.signer import FileSigner, b64url
from services.certificate.verifier import Rejected, verify
from services.certificate.verifier.dcc import inflate
from services.certificate.verifier.smart import from_numeric

from .builders import NOW, TWO_AZ, keyring, record, store
from .builders import issue_for as issue


def test_a_complete_series_yields_an_hc1_and_a_smart_health_card_that_verify():
    texts = issue(record(*TWO_AZ))
    dcc = verify(texts["EU_DCC_HC1"], store(), at=NOW)
    assert dcc.entries[0]["dn"] == 2 and dcc.entries[0]["sd"] == 2 and dcc.entries[0]["mp"] == "EU/1/21/1529"
    assert dcc.holder["nam"]["fnt"] == "NGUYEN" and dcc.holder["nam"]["gnt"] == "VAN<AN"
    assert dcc.certificate_id.startswith("URN:UVCI:01:VN:") and "#" in dcc.certificate_id
    card = verify(texts["SMART_HEALTH_CARD"], store(), at=NOW)
    assert [i["lotNumber"] for i in card.entries] == ["ABV5300", "ABV5301"]


def test_an_hc1_is_about_the_size_of_a_vietnamese_dcc_and_fits_its_qr():
    text = issue(record(*TWO_AZ))["EU_DCC_HC1"]
    assert 500 <= len(text) <= 650


def test_the_certificate_expires_twelve_months_after_issue():
    text = issue(record(*TWO_AZ))["EU_DCC_HC1"]
    facts = signed_facts(text)
    assert facts.expires_at - facts.issued_at == timedelta(days=365)
    assert verify(text, store(), at=NOW + timedelta(days=364))
    with pytest.raises(Rejected) as caught:
        verify(text, store(), at=NOW + timedelta(days=366))
    assert caught.value.reason == "EXPIRED"


@pytest.mark.parametrize("fmt", ["EU_DCC_HC1", "SMART_HEALTH_CARD"])
def test_the_qr_png_decodes_back_to_the_string_the_verifier_accepts(fmt):
    text = issue(record(*TWO_AZ))[fmt]
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(text))))]
    assert decoded == [text]
    assert verify(decoded[0], store(), at=NOW)


def test_the_printable_pdf_is_a_pdf_with_the_qr():
    pdf = certificate_pdf("COVID-19 vaccination certificate", [("Name", "Nguyễn Văn An")], "HC1:ABC")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


# -- SMART Health Card reject list -------------------------------------------------------------------------
def _card(payload: dict | bytes, *, header: dict | None = None, signer=None, compress=True) -> str:
    key = keyring().active_shc
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    body = shc.deflate_raw(raw) if compress else raw
    return shc.to_numeric(sign_compact(signer or key.signer, header or {"zip": "DEF", "kid": key.kid}, body))


def _claims(**changes) -> dict:
    text = issue(record(*TWO_AZ))["SMART_HEALTH_CARD"]
    return json.loads(signed_facts(text).payload) | changes


def rejected(text: str, trust=None, at=NOW) -> str:
    with pytest.raises(Rejected) as caught:
        verify(text, trust or store(), at=at)
    return caught.value.reason


def test_a_hand_made_card_signed_by_the_issuer_key_is_valid():
    assert verify(_card(_claims()), store(), at=NOW)


@pytest.mark.parametrize("text", ["shc:/1/2/5676", "shc:/567", "shc:/99", "shc:/56a7"])
def test_rejects_a_malformed_numeric_qr(text):
    assert rejected(text) == "NUMERIC"


def test_rejects_a_card_that_is_not_a_compact_jws():
    assert rejected(shc.to_numeric("only.two")) == "JWS_STRUCTURE"


def test_rejects_a_card_with_another_algorithm():
    header = b64url(json.dumps({"alg": "HS256", "kid": keyring().active_shc.kid}).encode())
    assert rejected(shc.to_numeric(f"{header}.{b64url(b'x')}.{b64url(b'y' * 32)}")) == "ALG_UNSUPPORTED"


def test_rejects_a_card_without_kid_or_with_an_unknown_kid():
    assert rejected(_card(_claims(), header={"zip": "DEF"})) == "KID_MISSING"
    assert rejected(_card(_claims(), header={"zip": "DEF", "kid": "not-a-known-thumbprint"})) == "KID_UNKNOWN"


def test_rejects_a_card_signed_by_another_key():
    assert rejected(_card(_claims(), signer=FileSigner(new_key()))) == "SIGNATURE_INVALID"


def test_rejects_a_tampered_card_payload():
    header, _, signature = from_numeric(_card(_claims())).split(".")
    forged = b64url(shc.deflate_raw(json.dumps(_claims(iss="https://forged.example")).encode()))
    assert rejected(shc.to_numeric(f"{header}.{forged}.{signature}")) == "SIGNATURE_INVALID"


def test_rejects_a_card_zip_bomb():
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bomb.compress(b" " * 20_000_000) + bomb.flush()
    key = keyring().active_shc
    text = shc.to_numeric(sign_compact(key.signer, {"zip": "DEF", "kid": key.kid}, payload))
    assert rejected(text) == "ZIP_BOMB"
    with pytest.raises(Rejected):
        inflate(payload, wbits=-15)


def test_rejects_an_expired_card_and_one_not_yet_valid():
    assert rejected(_card(_claims(exp=int((NOW - timedelta(days=1)).timestamp())))) == "EXPIRED"
    assert rejected(_card(_claims(nbf=int((NOW + timedelta(hours=1)).timestamp())))) == "IAT_FUTURE"


def test_rejects_a_card_without_the_health_card_type_or_patient():
    claims = _claims()
    claims["vc"]["type"] = ["https://example.org#other"]
    assert rejected(_card(claims)) == "SCHEMA"
    claims = _claims()
    claims["vc"]["credentialSubject"]["fhirBundle"]["entry"] = claims["vc"]["credentialSubject"]["fhirBundle"][
        "entry"][1:]
    assert rejected(_card(claims)) == "ENTRY_COUNT"


def test_rejects_a_card_whose_rid_is_on_the_crl():
    claims = _claims()
    key = keyring().active_shc
    assert rejected(_card(claims), store(revoked_shc={key.kid: [claims["vc"]["rid"]]})) == "REVOKED"
