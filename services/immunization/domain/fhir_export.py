"""FHIR Bulk Data export (pure): the kick-off's parameters, the NDJSON files, the completion manifest.

Follows the Bulk Data Access IG (http://hl7.org/fhir/uv/bulkdata/) for a system-level ``$export``: ``_type``
(``Immunization``, ``ImmunizationRecommendation``; both by default) and ``_outputFormat`` (NDJSON only) are
supported; ``_since``, ``_typeFilter``, ``_elements``, ``patient``, ``includeAssociatedData`` and the other
optional parameters are refused (400) - or ignored with ``Prefer: handling=lenient``, as the IG allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from services.immunization.domain.fhir_search import InvalidSearch

EXPORT_TYPES = ("Immunization", "ImmunizationRecommendation")
NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


def parse_export(params: Iterable[tuple[str, str]], *, lenient: bool = False) -> tuple[str, ...]:
    """The resource types a kick-off asks for, in :data:`EXPORT_TYPES` order."""
    types: list[str] = []
    for name, value in params:
        if name == "_type":
            for kind in (t.strip() for t in value.split(",")):
                if kind not in EXPORT_TYPES:
                    if lenient:
                        continue
                    raise InvalidSearch(f"_type {kind!r}: this server exports {', '.join(EXPORT_TYPES)}",
                                        field="_type", rule="resource-type")
                types.append(kind)
        elif name == "_outputFormat":
            if value not in NDJSON_FORMATS:
                raise InvalidSearch(f"_outputFormat {value!r}: this server writes {NDJSON_FORMATS[0]} only",
                                    field="_outputFormat", rule="format")
        elif not lenient:
            raise InvalidSearch(f"export parameter {name!r} is not supported (this server supports _type and "
                                "_outputFormat; send Prefer: handling=lenient to have others ignored)", field=name,
                                rule="unsupported-parameter")
    return tuple(kind for kind in EXPORT_TYPES if kind in types) or EXPORT_TYPES


def ndjson(resources: Iterable[dict]) -> tuple[int, str]:
    """How many resources, and the NDJSON text: one compact JSON object per line, each line ending in \\n."""
    lines = [json.dumps(resource, separators=(",", ":"), ensure_ascii=False) for resource in resources]
    return len(lines), "".join(line + "\n" for line in lines)


def instant(moment: datetime) -> str:
    """A FHIR ``instant`` (UTC, seconds and microseconds, ``Z``)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def manifest(transaction_time: datetime, request_url: str, outputs: Iterable[tuple[str, int, str]]) -> dict:
    """The completion manifest; ``outputs``: (resource type, count, file URL). A type with nothing to export
    has no file (the IG: a server should not list empty files)."""
    return {"transactionTime": instant(transaction_time), "request": request_url, "requiresAccessToken": True,
            "output": [{"type": kind, "url": url, "count": count} for kind, count, url in outputs if count],
            "error": []}
