"""FHIR search parameters of ``GET /fhir/Immunization`` and ``/fhir/ImmunizationRecommendation`` (pure).

Semantics of http://hl7.org/fhir/R4/search.html:

- ``patient``: a reference ``Patient/<id>`` (or an absolute URL ending so) or a bare id; exactly one.
- ``date`` (Immunization only): ``[prefix]value`` with a prefix of ``eq`` (default), ``ne``, ``lt``, ``gt``,
  ``ge``, ``le``, ``sa``, ``eb`` (``ap`` is refused: its tolerance is the server's to define, and we define
  none). A value is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date-time with seconds and a zone; it stands
  for the range its precision implies (a day without a zone is a campaign day). A dose's date is a range too:
  the instant it was given, or the whole campaign day of a historical dose. Repeated parameters are ANDed,
  comma-separated values ORed.
- ``_count`` (0-200, default 50; 0 asks for the total only) and ``_offset`` (paging, as the ``next`` link
  gives it), ``_format`` (JSON only).

Anything else is refused (400 ``OperationOutcome``): the server is strict unless the client sends
``Prefer: handling=lenient``, when unknown parameters are ignored and left out of the ``self`` link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from eventkit.errors import VaxTrailError

PREFIXES = ("eq", "ne", "lt", "gt", "ge", "le", "sa", "eb")
MAX_COUNT = 200
DEFAULT_COUNT = 50
JSON_FORMATS = ("json", "application/json", "application/fhir+json")
_REFERENCE = re.compile(r"^(?:.*/)?Patient/([A-Za-z0-9\-.]{1,64})$")
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


class InvalidSearch(VaxTrailError):
    """A search parameter that is unknown, malformed or unsupported: 400 (an ``OperationOutcome``)."""

    status = 400
    title = "Invalid search"


@dataclass(frozen=True)
class Range:
    """The half-open interval ``[start, end)`` a date value or a dose's date stands for."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class DateTest:
    prefix: str
    value: Range

    def matches(self, target: Range) -> bool:
        p, t = self.value, target
        inside = p.start <= t.start and t.end <= p.end
        return {"eq": inside, "ne": not inside, "gt": t.end > p.end, "lt": t.start < p.start,
                "ge": t.end > p.end or inside, "le": t.start < p.start or inside,
                "sa": t.start >= p.end, "eb": t.end <= p.start}[self.prefix]


@dataclass(frozen=True)
class Search:
    patient: str
    dates: tuple[tuple[DateTest, ...], ...]  # AND of ORs
    count: int
    offset: int
    canonical: tuple[tuple[str, str], ...]  # the parameters applied, for the self link

    def matches(self, target: Range) -> bool:
        return all(any(test.matches(target) for test in alternatives) for alternatives in self.dates)


def day_range(day: date, zone: tzinfo) -> Range:
    start = datetime.combine(day, time(), zone)
    return Range(start, datetime.combine(day + timedelta(days=1), time(), zone))


def instant_range(moment: datetime) -> Range:
    return Range(moment, moment + timedelta(microseconds=1))


def parse_date(text: str, zone: tzinfo, field: str = "date") -> DateTest:
    prefix, value = (text[:2], text[2:]) if text[:2].isalpha() else ("eq", text)
    if prefix not in PREFIXES:
        rule = "unsupported-prefix" if prefix == "ap" else "prefix"
        raise InvalidSearch(f"date prefix {prefix!r} is not one of {', '.join(PREFIXES)}", field=field, rule=rule)
    precise = _DATETIME.match(value)
    if precise:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidSearch(f"{value!r} is not a date-time", field=field, rule="date-format") from exc
        seconds, fraction = precise.group(1), precise.group(2)
        width = timedelta(microseconds=1) if fraction else timedelta(seconds=1 if seconds else 60)
        return DateTest(prefix, Range(moment, moment + width))
    found = _DATE.match(value)
    if not found:
        raise InvalidSearch(f"{value!r} is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD) or a date-time with seconds "
                            "and a time zone", field=field, rule="date-format")
    year, month, day = found.groups()
    try:
        start = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise InvalidSearch(f"{value!r} is not a calendar date", field=field, rule="date-format") from exc
    if day:
        end = start + timedelta(days=1)
    elif month:
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    else:
        end = date(start.year + 1, 1, 1)
    return DateTest(prefix, Range(datetime.combine(start, time(), zone), datetime.combine(end, time(), zone)))


def patient_id(values: Sequence[str]) -> str:
    if len(values) != 1 or "," in values[0]:
        raise InvalidSearch("give exactly one patient", field="patient", rule="one-patient")
    value = values[0]
    found = _REFERENCE.match(value) or FHIR_ID.match(value)
    if not found:
        raise InvalidSearch(f"{value!r} is not a Patient reference (Patient/<id>) or an id", field="patient",
                            rule="reference")
    return found.group(1) if found.re is _REFERENCE else value


def _integer(values: Sequence[str], name: str, low: int, high: int, default: int) -> int:
    if not values:
        return default
    if len(values) > 1 or not values[0].isdigit() or not low <= int(values[0]) <= high:
        raise InvalidSearch(f"{name} is a whole number from {low} to {high}", field=name, rule="range")
    return int(values[0])


def parse_search(params: Iterable[tuple[str, str]], zone: tzinfo, *, dates: bool, lenient: bool = False,
                 also: frozenset[str] = frozenset()) -> Search:
    """The search the query string asks for; ``dates``: whether ``date`` is a parameter of the resource type;
    ``also``: non-FHIR parameters the route reads itself (accepted, left out of the ``self`` link)."""
    known = {"patient", "_count", "_offset", "_format", *(("date",) if dates else ())}
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        if name in also:
            continue
        if name not in known:
            if lenient:
                continue
            rule = "modifier" if name.split(":")[0] in known else "unknown-parameter"
            raise InvalidSearch(f"unknown search parameter {name!r} (this server supports "
                                f"{', '.join(sorted(known))})", field=name, rule=rule)
        grouped.setdefault(name, []).append(value)
    if not grouped.get("patient"):
        raise InvalidSearch("patient is required (Patient/<id>)", field="patient", rule="required")
    for value in grouped.get("_format", []):
        if value not in JSON_FORMATS:
            raise InvalidSearch(f"_format {value!r}: this server answers JSON only", field="_format",
                                rule="format")
    tests = tuple(tuple(parse_date(alt, zone) for alt in value.split(",")) for value in grouped.get("date", []))
    canonical = tuple((name, value) for name in ("patient", "date") for value in grouped.get(name, []))
    return Search(patient_id(grouped["patient"]), tests,
                  _integer(grouped.get("_count", []), "_count", 0, MAX_COUNT, DEFAULT_COUNT),
                  _integer(grouped.get("_offset", []), "_offset", 0, 10**9, 0), canonical)
