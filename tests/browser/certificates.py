"""Certificates made wrong on purpose, from real ones, for the verifier page's agreement test.

- *tampered*: bytes changed after signing and re-encoded, so only the intended part changes (the signature no
  longer fits, or a header names another key);
- *re-signed*: the payload or header changed and signed again **with the service's own keys** (its key folder),
  so the signature is good and the checks after it - times, schema, value sets, entry count - are reached;
- *garbage*: every way the outer encodings can be wrong.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta

import cbor2

from services.certificate.formats.shc import deflate_raw
from services.certificate.signing.base45 import b45decode, b45encode
from services.certificate.signing.jws import parse_compact, sign_compact
from services.certificate.signing.keyring import Keyring

SHC = "shc:/"


# -- HC1 ------------------------------------------------------------------------------------------------------------
def cose_parts(hc1: str) -> list:
    return list(cbor2.loads(zlib.decompress(b45decode(hc1[4:]))).value)


def hc1_of(parts) -> str:
    return "HC1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, parts)), 9))


def claims_of(hc1: str) -> dict:
    return cbor2.loads(cose_parts(hc1)[2])


def with_protected(hc1: str, header: dict, *, signature: Callable[[bytes], bytes] | None = None) -> str:
    _, unprotected, payload, old = cose_parts(hc1)
    return hc1_of([cbor2.dumps(header), dict(unprotected), payload, signature(old) if signature else old])


def flipped_payload_byte(hc1: str) -> str:
    protected, unprotected, payload, signature = cose_parts(hc1)
    changed = bytearray(payload)
    changed[len(changed) // 2] ^= 0x01
    return hc1_of([protected, dict(unprotected), bytes(changed), signature])


def resigned_hc1(keyring: Keyring, hc1: str, change: Callable[[dict], dict]) -> str:
    """``hc1`` with its CWT claims changed by ``change`` and signed again by the active document signer."""
    from services.certificate.signing.cose import sign1

    signer = keyring.active_dsc
    claims = change(claims_of(hc1))
    return "HC1:" + b45encode(zlib.compress(sign1(signer.signer, signer.kid, cbor2.dumps(claims)), 9))


def entry_changed(**values) -> Callable[[dict], dict]:
    def change(claims: dict) -> dict:
        claims[-260][1]["v"][0].update(values)
        return claims
    return change


def dcc_changed(**values) -> Callable[[dict], dict]:
    def change(claims: dict) -> dict:
        claims[-260][1].update(values)
        return claims
    return change


def claims_changed(**values: object) -> Callable[[dict], dict]:
    keys = {"iat": 6, "exp": 4}

    def change(claims: dict) -> dict:
        claims.update({keys[name]: value for name, value in values.items()})
        return claims
    return change


def hc1_cases(keyring: Keyring, hc1: str, now: datetime) -> dict[str, str]:
    """Name -> text: tampered and re-signed variants of a valid ``hc1``."""
    protected = cbor2.loads(cose_parts(hc1)[0])
    claims = claims_of(hc1)
    entry = claims[-260][1]["v"][0]
    dsc_end = keyring.active_dsc.certificate.not_valid_after_utc
    return {
        "HC1 payload byte flipped": flipped_payload_byte(hc1),
        "HC1 with a kid not on the trust list": with_protected(hc1, protected | {4: bytes(range(8))}),
        "HC1 alg -8 (EdDSA)": with_protected(hc1, protected | {1: -8}),
        "HC1 without a kid": with_protected(hc1, {1: protected[1]}),
        "HC1 kid of 7 bytes": with_protected(hc1, protected | {4: protected[4][:7]}),
        "HC1 signature of 63 bytes": hc1_of([*cose_parts(hc1)[:3], cose_parts(hc1)[3][:63]]),
        "HC1 in CWT tag 61": "HC1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, cose_parts(hc1)))))),
        "re-signed: mp outside the value sets": resigned_hc1(keyring, hc1, entry_changed(mp="EU/1/99/9999")),
        "re-signed: two vaccination entries": resigned_hc1(keyring, hc1, dcc_changed(v=[entry, entry])),
        "re-signed: lower-case fnt": resigned_hc1(keyring, hc1, dcc_changed(nam=claims[-260][1]["nam"] | {"fnt": "nguyen"})),
        "re-signed: dose number 1.0 (a float)": resigned_hc1(keyring, hc1, entry_changed(dn=1.0)),
        "re-signed: iat tomorrow": resigned_hc1(keyring, hc1, claims_changed(iat=int((now + timedelta(days=1)).timestamp()))),
        "re-signed: exp after the DSC's notAfter": resigned_hc1(
            keyring, hc1, claims_changed(exp=int((dsc_end + timedelta(days=1)).timestamp()))),
        "re-signed: iat and exp as floats": resigned_hc1(
            keyring, hc1, claims_changed(iat=claims[6] + 0.5, exp=claims[4] - 0.5)),
        "re-signed: iat as text": resigned_hc1(keyring, hc1, claims_changed(iat="yesterday")),
    }


# -- SHC ------------------------------------------------------------------------------------------------------------
def jws_of(shc: str) -> str:
    digits = shc[len(SHC):]
    return "".join(chr(int(digits[i:i + 2]) + 45) for i in range(0, len(digits), 2))


def shc_of(jws: str) -> str:
    return SHC + "".join(f"{ord(c) - 45:02d}" for c in jws)


def shc_flipped_payload(shc: str) -> str:
    header, payload, signature = jws_of(shc).split(".")
    middle = len(payload) // 2
    payload = payload[:middle] + ("B" if payload[middle] != "B" else "C") + payload[middle + 1:]
    return shc_of(f"{header}.{payload}.{signature}")


def resigned_shc(keyring: Keyring, shc: str, change: Callable[[dict], dict], header: dict | None = None) -> str:
    key = keyring.active_shc
    claims = json.loads(zlib.decompress(parse_compact(jws_of(shc))[1], -15))
    fields = {"zip": "DEF", "kid": key.kid} if header is None else header
    return shc_of(sign_compact(key.signer, fields, deflate_raw(json.dumps(change(claims)).encode())))


def without_immunizations(claims: dict) -> dict:
    bundle = claims["vc"]["credentialSubject"]["fhirBundle"]
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Immunization"]
    return claims


def shc_cases(keyring: Keyring, shc: str, now: datetime) -> dict[str, str]:
    header, payload, signature = jws_of(shc).split(".")
    return {
        "SHC payload character changed": shc_flipped_payload(shc),
        "SHC signature of 63 bytes": shc_of(f"{header}.{payload}.{signature[:-2]}"),
        "re-signed SHC: no Immunization": resigned_shc(keyring, shc, without_immunizations),
        "re-signed SHC: nbf tomorrow": resigned_shc(keyring, shc, lambda c: c | {"nbf": int((now + timedelta(days=1)).timestamp())}),
        "re-signed SHC: no zip header": resigned_shc(keyring, shc, lambda c: c, header={"kid": keyring.active_shc.kid}),
        "re-signed SHC: no kid": resigned_shc(keyring, shc, lambda c: c, header={"zip": "DEF"}),
    }


def garbage_cases(hc1: str) -> dict[str, str]:
    return {
        "HC2: prefix": "HC2:" + hc1[4:],
        "garbage text": "hello, this is not a certificate",
        "invalid Base45": "HC1:hello",
        "not zlib": "HC1:" + b45encode(b"not compressed at all"),
        "zip bomb": "HC1:" + b45encode(zlib.compress(b"\0" * 200_000, 9)),
        "not CBOR": "HC1:" + b45encode(zlib.compress(b"\xff\xff")),
        "not COSE_Sign1": "HC1:" + b45encode(zlib.compress(cbor2.dumps([1, 2, 3]))),
        "shc:/ odd digits": "shc:/123",
        "shc:/ not a JWS": shc_of("abc.def"),
    }
