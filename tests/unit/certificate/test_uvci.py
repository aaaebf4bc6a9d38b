"""The UVCI check character is the eHealth Network guideline's Luhn mod N (Volume 1, UVCI, Annex 2)."""

from __future__ import annotations

import pytest

from services.certificate.domain import uvci

# Each was issued by the named country and is in eu-digital-green-certificates/dgc-testdata (Apache-2.0).
EU_TEST_DATA = [
    "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",  # AT/2DCode/raw/1.json, common/2DCode/raw/CO1.json
    "URN:UVCI:01:DK:0EF88044F7935DF2B4A938A38C14C97C#C",  # DK/2DCode/raw/5.json
    "URN:UVCI:01:FR:P4LU2647E8HN#/",                      # FR/2DCode/raw/DCC_Test_0014.json
    "URN:UVCI:01:GR:7UXL2ZTSS6KUZAF2XAAA3A4C4I#E",        # GR/2DCode/raw/1.json
    "URN:UVCI:01:SI:C5A831C1889D43AEE053#I",              # SI/2DCode/raw/VAC.json
]


def test_the_guideline_worked_example_verifies_as_written():
    assert uvci.check_character("URN:UVCI:01:NL:187/37512422923") == "Z"
    assert uvci.is_valid("URN:UVCI:01:NL:187/37512422923#Z")
    assert not uvci.is_valid("URN:UVCI:01:NL:187/37512422923#K")  # what VaxTrail computed before


def test_the_character_set_is_the_guideline_one_in_its_order():
    assert uvci.CHARSET == "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"


@pytest.mark.parametrize("text", EU_TEST_DATA)
def test_member_state_uvcis_from_the_eu_test_data_verify(text):
    assert uvci.is_valid(text)


@pytest.mark.parametrize("text", [
    "URN:UVCI:01:NL:187/37512422923#Y",     # another check character
    "URN:UVCI:01:NL:187/37512422932#Z",     # two digits swapped
    "URN:UVCI:01:NL:187/37512422923",       # no check character
    "URN:UVCI:01:NL:187/37512422923#ZZ",    # two
    "urn:uvci:01:NL:187/37512422923#Z",     # lower case is not in the character set
])
def test_a_wrong_or_missing_check_character_does_not_verify(text):
    assert not uvci.is_valid(text)


def test_derived_uvcis_carry_the_guideline_check_character():
    derived = uvci.derive("VN", ["EU_DCC_HC1", "P-0001", "reg-1", "D-1@ev-D-1"])
    body, check = derived.split("#")
    assert body.startswith("URN:UVCI:01:VN:") and check == uvci.check_character(body)
    assert uvci.body(derived) == body and uvci.body(body) == body
