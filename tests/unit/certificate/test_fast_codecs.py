"""The verifier's fast paths give exactly what the plain algorithms give: Base45, DER signatures, UVCI checks."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from services.certificate.domain import uvci
from services.certificate.signing.base45 import ALPHABET, Base45Error, b45decode, b45encode
from services.certificate.signing.signer import der_signature


def plain_b45decode(text: str) -> bytes:
    """RFC 9285 as written: one triple at a time."""
    values = [ALPHABET.index(c) for c in text]
    out = []
    for i in range(0, len(values) - len(values) % 3, 3):
        n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025
        if n > 0xFFFF:
            raise Base45Error("triple")
        out += [n >> 8, n & 0xFF]
    if len(values) % 3 == 2:
        n = values[-2] + values[-1] * 45
        if n > 0xFF:
            raise Base45Error("pair")
        out.append(n)
    return bytes(out)


@pytest.mark.parametrize(("text", "data"), [("BB8", b"AB"), ("%69 VD92EX0", b"Hello!!"), ("UJCLQE7W581", b"base-45"),
                                            ("QED8WEX0", b"ietf!"), ("", b"")])
def test_base45_decodes_the_rfc_9285_examples(text, data):
    assert b45decode(text) == data


@settings(deadline=None)
@given(st.binary(max_size=600))
def test_base45_round_trips_any_bytes(data):
    assert b45decode(b45encode(data)) == data


@settings(deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60).filter(lambda t: len(t) % 3 != 1))
def test_base45_decodes_any_text_of_its_alphabet_as_the_plain_algorithm_does(text):
    try:
        expected = plain_b45decode(text)
    except Base45Error:
        with pytest.raises(Base45Error):
            b45decode(text)
    else:
        assert b45decode(text) == expected


@pytest.mark.parametrize("text", ["GGW", ":::", "ZZZ0", "A", "AAAA", "ab", "GG", "AÉB"])
def test_base45_refuses_what_is_not_base45(text):
    with pytest.raises(Base45Error):
        b45decode(text)


@settings(deadline=None)
@given(st.binary(min_size=64, max_size=64) | st.sampled_from([bytes(64), b"\xff" * 64, bytes(31) + b"\x80" + bytes(32)]))
def test_a_jose_signature_becomes_the_der_encode_dss_signature_writes(signature):
    assert der_signature(signature) == encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                                            int.from_bytes(signature[32:], "big"))


def plain_check_character(text: str) -> str:
    n, factor, total = len(uvci.CHARSET), 2, 0
    for char in reversed(text):
        addend = factor * uvci.CHARSET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return uvci.CHARSET[(n - total % n) % n]


@settings(deadline=None)
@given(st.text(alphabet=uvci.CHARSET, max_size=60))
def test_the_uvci_check_character_is_luhn_mod_n(text):
    assert uvci.check_character(text) == plain_check_character(text)


def test_a_character_outside_the_uvci_alphabet_is_refused():
    with pytest.raises(ValueError, match="'#' cannot appear"):
        uvci.check_character("URN:UVCI:01:VN:AB#")
