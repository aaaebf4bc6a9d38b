"""Names on certificates: family / given split and ICAO 9303 transliteration (``NGUYEN<VAN<AN``)."""

from __future__ import annotations

import re
import unicodedata

from services.certificate.domain.record import Person

_NOT_ICAO = re.compile(r"[^A-Z<]")


def split_name(person: Person) -> tuple[str, str]:
    """(family, given); Vietnamese order (family name first) when only the full name is known."""
    if person.family_name or person.given_name:
        return person.family_name, person.given_name
    parts = person.full_name.split()
    return (parts[0], " ".join(parts[1:])) if parts else ("", "")


def ascii_fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def icao(text: str) -> str:
    """Upper-case Latin letters with ``<`` for every space or other character, at most 80 characters."""
    folded = ascii_fold(text).upper().strip()
    return _NOT_ICAO.sub("<", re.sub(r"\s+", "<", folded))[:80]
