"""Reading back a stored QR string's signed facts (payload, key id, validity) without verifying it.

Used when a document written by an interrupted issuance is kept: the event must describe the stored
document, not the one just re-signed.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import cbor2

from services.certificate.signing.base45 import b45decode
from services.certificate.signing.jws import parse_compact


@dataclass(frozen=True)
class SignedFacts:
    payload: bytes
    key_id: str
    issued_at: datetime
    expires_at: datetime


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def signed_facts(text: str) -> SignedFacts:
    if text.startswith("HC1:"):
        message = cbor2.loads(zlib.decompress(b45decode(text[4:])))
        protected, _, payload, _ = message.value
        kid = cbor2.loads(protected)[4]
        claims = cbor2.loads(payload)
        return SignedFacts(payload, base64.b64encode(kid).decode(), _instant(claims[6]), _instant(claims[4]))
    digits = text[len("shc:/"):]
    jws = "".join(chr(int(digits[i:i + 2]) + 45) for i in range(0, len(digits), 2))
    header, compressed, _, _ = parse_compact(jws)
    payload = zlib.decompress(compressed, -15)
    claims = json.loads(payload)
    return SignedFacts(payload, header["kid"], _instant(claims["nbf"]), _instant(claims["exp"]))
