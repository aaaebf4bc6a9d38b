"""Signing behind an interface an HSM can implement.

A :class:`Signer` exposes its public key and signs bytes, returning the signature in the form JOSE and
COSE use (ES256: 64 raw bytes r || s, never DER). Nothing else in the service touches a private key, so
a PKCS#11 / cloud-KMS signer is a drop-in replacement for :class:`FileSigner` (the key folder then holds
only certificates and a reference to the HSM slot; see docs/services/certificate.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ES256 = "ES256"
PS256 = "PS256"
COSE_ALG = {ES256: -7, PS256: -37}


class Signer(Protocol):
    """What signing needs from a key: its algorithm, its public half and ``sign``."""

    @property
    def algorithm(self) -> str: ...

    def public_key(self) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey: ...

    def sign(self, message: bytes) -> bytes:
        """The JOSE/COSE signature of ``message`` (ES256: 64 bytes r || s; PS256: RSASSA-PSS bytes)."""
        ...


class FileSigner:
    """A :class:`Signer` over a private key held in memory (loaded from a PEM file or a secret)."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            if not isinstance(private_key.curve, ec.SECP256R1):
                raise ValueError("ES256 needs a P-256 key")
            self._algorithm = ES256
        elif isinstance(private_key, rsa.RSAPrivateKey):
            self._algorithm = PS256
        else:
            raise ValueError(f"unsupported key type {type(private_key).__name__}")
        self._key = private_key

    @classmethod
    def from_pem(cls, pem: bytes) -> FileSigner:
        return cls(serialization.load_pem_private_key(pem, password=None))

    @property
    def algorithm(self) -> str:
        return self._algorithm

    def public_key(self):
        return self._key.public_key()

    def sign(self, message: bytes) -> bytes:
        if self._algorithm == ES256:
            r, s = decode_dss_signature(self._key.sign(message, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return self._key.sign(message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())


_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())


def _der_integer(value: bytes) -> bytes:
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value
    return b"\x02" + bytes((len(value),)) + value


def der_signature(signature: bytes) -> bytes:
    """A 64-byte JOSE/COSE ES256 signature (r || s) as the DER ``SEQUENCE { r, s }`` OpenSSL verifies; the
    same bytes as ``encode_dss_signature``, without two big-integer conversions per verification."""
    body = _der_integer(signature[:32]) + _der_integer(signature[32:])
    return b"\x30" + bytes((len(body),)) + body


def verify_signature(public_key, algorithm: str, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (JOSE/COSE form) over ``message`` verifies with ``public_key`` under ``algorithm``."""
    from cryptography.exceptions import InvalidSignature

    try:
        if algorithm == ES256:
            if not isinstance(public_key, ec.EllipticCurvePublicKey) or len(signature) != 64:
                return False
            public_key.verify(der_signature(signature), message, _ECDSA_SHA256)
            return True
        if algorithm == PS256:
            if not isinstance(public_key, rsa.RSAPublicKey):
                return False
            public_key.verify(signature, message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
            return True
    except InvalidSignature:
        return False
    return False


def algorithm_of(public_key) -> str:
    """The one algorithm a public key may verify (so a message cannot choose another)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return ES256
    if isinstance(public_key, rsa.RSAPublicKey):
        return PS256
    return "UNSUPPORTED"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c not in _B64URL for c in text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big"))}


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint (the SMART Health Card ``kid``)."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def public_key_from_jwk(jwk: dict) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("only P-256 EC keys are accepted")
    x = int.from_bytes(b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
