"""The EU DCC value sets a vaccination entry is coded with (``tg``, ``vp``, ``mp``, ``ma``).

The JSON files next to this module are the EU's own (ehn-dcc-development/eu-dcc-valuesets, Apache-2.0; see
``README.md`` here for the release, commit and licence). :func:`codes` gives each field's allowed codes,
read once per process; :func:`coding` gives a code as a FHIR ``Coding``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

VERSION = "eu-dcc-valuesets 2.12.0 (60ea3d8)"
FILES = {"tg": "disease-agent-targeted.json", "vp": "vaccine-prophylaxis.json",
         "mp": "vaccine-medicinal-product.json", "ma": "vaccine-mah-manf.json"}
_HERE = Path(__file__).resolve().parent


@cache
def value_set(field: str) -> dict:
    """The value set of a DCC vaccination field (``valueSetId``, ``valueSetDate``, ``valueSetValues``)."""
    return json.loads((_HERE / FILES[field]).read_text(encoding="utf-8"))


@cache
def codes(field: str) -> frozenset[str]:
    """The codes ``field`` may hold (inactive ones included: a certificate issued while a code was active
    stays valid)."""
    return frozenset(value_set(field)["valueSetValues"])


def coding(field: str, code: str) -> dict[str, str] | None:
    """The FHIR ``Coding`` (system, code, display) of ``code`` in the value set of ``field`` - the system as the
    value set gives it - or None when the value set does not hold the code."""
    entry = value_set(field)["valueSetValues"].get(code)
    if entry is None:
        return None
    return {"system": entry["system"], "code": code, "display": entry["display"]}


__all__ = ["FILES", "VERSION", "codes", "coding", "value_set"]
