"""Compact JWS (RFC 7515) with ES256: SMART Health Cards and the service's signed lists."""

from __future__ import annotations

import json

from services.certificate.signing.signer import Signer, b64url, b64url_decode


class JwsError(ValueError):
    """Not a well-formed compact JWS."""


def sign_compact(signer: Signer, header: dict, payload: bytes) -> str:
    protected = b64url(json.dumps({"alg": signer.algorithm, **header}, separators=(",", ":")).encode())
    signing_input = f"{protected}.{b64url(payload)}"
    return f"{signing_input}.{b64url(signer.sign(signing_input.encode()))}"


def parse_compact(token: str) -> tuple[dict, bytes, bytes, bytes]:
    """``(header, payload, signing_input, signature)``; raises :class:`JwsError` when malformed."""
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsError(f"a compact JWS has 3 parts, this has {len(parts)}")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = b64url_decode(parts[1])
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise JwsError(f"malformed JWS: {exc}") from None
    if not isinstance(header, dict):
        raise JwsError("the JWS header is not a JSON object")
    return header, payload, f"{parts[0]}.{parts[1]}".encode(), signature
