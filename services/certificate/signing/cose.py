"""COSE_Sign1 (RFC 9052 §4.2) for EU DCC: ``Tag(18, [protected, unprotected, payload, signature])``.

Sig_structure = ``["Signature1", protected, b"", payload]``; the protected header is ``{1: alg, 4: kid}``.
Parsing lives in the verifier (it must name every way a message can be malformed).
"""

from __future__ import annotations

import cbor2

from services.certificate.signing.signer import COSE_ALG, Signer

COSE_SIGN1_TAG = 18
CWT_TAG = 61
HEADER_ALG = 1
HEADER_KID = 4


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign1(signer: Signer, kid: bytes, payload: bytes) -> bytes:
    """A tagged COSE_Sign1 message with ``kid`` and the signer's algorithm in the protected header."""
    protected = cbor2.dumps({HEADER_ALG: COSE_ALG[signer.algorithm], HEADER_KID: kid})
    signature = signer.sign(sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
