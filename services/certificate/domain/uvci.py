"""Unique vaccination certificate identifiers (UVCI), derived deterministically, with a check character.

``URN:UVCI:01:<country>:<24 base32 characters>#<check>``: schema option 1 (identifier with no semantics).
The opaque part is the first 15 bytes of SHA-256 over the certificate's *seed* - its format, the person, the
person-details revision and every attested dose with its revision - so processing the same dose events again
always yields the same UVCI (and the same aggregate event), never a second certificate.

The check character is Luhn mod N over the characters ``0-9 A-Z / :`` (N = 38) of the whole UVCI before
the ``#``, as in the eHealth Network UVCI guideline (Annex 2).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/:"


def check_character(text: str) -> str:
    """Luhn mod N over ``CHARSET``; characters outside it (none in a valid UVCI) are rejected."""
    n = len(CHARSET)
    factor, total = 2, 0
    for char in reversed(text):
        if char not in CHARSET:
            raise ValueError(f"{char!r} cannot appear in a UVCI")
        addend = factor * CHARSET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return CHARSET[(n - total % n) % n]


def is_valid(uvci: str) -> bool:
    body, sep, check = uvci.partition("#")
    try:
        return bool(sep) and len(check) == 1 and check_character(body) == check
    except ValueError:
        return False


def derive(country: str, seed_parts: Iterable[str]) -> str:
    seed = "\x1f".join(seed_parts).encode()
    opaque = base64.b32encode(hashlib.sha256(seed).digest()[:15]).decode()
    body = f"URN:UVCI:01:{country}:{opaque}"
    return f"{body}#{check_character(body)}"
