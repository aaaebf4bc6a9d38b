"""Unique vaccination certificate identifiers (UVCI), derived deterministically, with a check character.

``URN:UVCI:01:<country>:<24 base32 characters>#<check>``: schema option 1 (identifier with no semantics).
The opaque part is the first 15 bytes of SHA-256 over the certificate's *seed* - its format, the person, the
person-details revision and every attested dose with its revision - so processing the same dose events again
always yields the same UVCI (and the same aggregate event), never a second certificate.

The check character is Luhn mod N over the whole UVCI before the ``#`` (``URN:UVCI:`` included), with the
character set of the eHealth Network guideline (Volume 1, UVCI, Annex 2) in the guideline's order: ``A-Z``,
then ``0-9``, then ``/`` and ``:`` (N = 38). The guideline's worked example ``URN:UVCI:01:NL:187/37512422923#Z``
verifies. Until 2026-12 VaxTrail ordered the digits first (``0-9 A-Z / :``), so the UVCIs it issued then
carry a check character other verifiers compute differently; :func:`body` (the identifier without its check
character) is how the certificates aggregate recognises them, so they are never issued a second time.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"


_N = len(CHARSET)
_PLAIN = {char: i for i, char in enumerate(CHARSET)}
_DOUBLED = {char: 2 * i // _N + 2 * i % _N for i, char in enumerate(CHARSET)}


def check_character(text: str) -> str:
    """Luhn mod N over ``CHARSET``; characters outside it (none in a valid UVCI) are rejected.

    From the right, every other character counts doubled (digits of the double in base N added), starting
    with the last one; the tables hold each character's addend, so a verifier pays two C-level sums.
    """
    backwards = text[::-1]
    try:
        total = sum(map(_DOUBLED.__getitem__, backwards[0::2])) + sum(map(_PLAIN.__getitem__, backwards[1::2]))
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} cannot appear in a UVCI") from None
    return CHARSET[(_N - total % _N) % _N]


def is_valid(uvci: str) -> bool:
    """Whether ``uvci`` ends in ``#`` and the guideline's check character of everything before it."""
    text, sep, check = uvci.rpartition("#")
    try:
        return bool(sep) and len(check) == 1 and check_character(text) == check
    except ValueError:
        return False


def body(uvci: str) -> str:
    """The identifier without its check character (``#`` and the character after it)."""
    text, sep, check = uvci.rpartition("#")
    return text if sep and len(check) == 1 else uvci


def derive(country: str, seed_parts: Iterable[str]) -> str:
    seed = "\x1f".join(seed_parts).encode()
    opaque = base64.b32encode(hashlib.sha256(seed).digest()[:15]).decode()
    text = f"URN:UVCI:01:{country}:{opaque}"
    return f"{text}#{check_character(text)}"
