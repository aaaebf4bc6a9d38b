"""Request models: one strict pydantic base and the validated field types every service's API uses.

Whatever a request model accepts must be storable and projectable by every read model, so the types refuse
what PostgreSQL, protobuf or a Kafka header cannot carry and what no real request means:

- :class:`StrictModel` - unknown fields are refused, nothing is coerced (``"10"`` or ``10.0`` for an integer,
  ``"yes"`` for a boolean, a date-time for a date are 422s), NaN and infinities are refused;
- ``Line`` / ``Text`` - text without control characters (``Text`` allows tab and line breaks) or unpaired
  surrogates (PostgreSQL refuses NUL in text; UTF-8 cannot encode a lone surrogate);
- ``Moment`` - a date-time *with* a zone, between :data:`EARLIEST` and :data:`LATEST` (protobuf, the envelope
  and PostgreSQL all carry that range; year 242 or 9999 is a typing error, not a business time);
- ``Day`` - a calendar date (``YYYY-MM-DD``, never a date-time) in the same range;
- ``Id`` / ``Code`` - identifiers: letters, digits and ``. _ : -``;
- ``Count`` / ``Quantity`` - non-negative / positive integers that fit a protobuf ``int32``.

Duplicate JSON keys and malformed JSON are refused before a model sees the body
(:func:`eventkit.web.validation.parse_body`). Each type's rule appears as the problem's ``rule``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
INT32_MAX = 2**31 - 1
_LINE_BREAKS = frozenset("\t\n\r")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


class StrictModel(BaseModel):
    """Base of every request model: no unknown fields, no coercion, no NaN."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class QueryModel(BaseModel):
    """Base of query-string models: every value arrives as text, so numbers and dates are parsed (not
    strict), but unknown parameters are refused and the field types above still bound every value."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


def _text_check(multiline: bool):
    def check(value: str) -> str:
        for index, char in enumerate(value):
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:
                raise PydanticCustomError("unpaired-surrogate",
                                          "text must be valid Unicode (unpaired surrogate at {index})",
                                          {"index": index})
            if (code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029)) and not (
                    multiline and char in _LINE_BREAKS):
                raise PydanticCustomError("control-character",
                                          "text must not contain control characters ({code} at {index})",
                                          {"code": f"U+{code:04X}", "index": index})
        return value
    return check


def _moment_check(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("time-range", "a time from {earliest} to before {latest} is expected",
                                  {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()})
    return value


def _calendar_date_text(value: object) -> object:
    # Lax parsing (query strings) would read "2021-08-01T00:00:00" as a date: a date is written YYYY-MM-DD.
    if isinstance(value, str):
        try:
            if _DATE_TEXT.fullmatch(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise PydanticCustomError("date_parsing", "a date is written YYYY-MM-DD (a real calendar day)")
    return value


def _day_check(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise PydanticCustomError("date-range", "a date from {earliest} to before {latest} is expected",
                                  {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()})
    return value


def line(max_length: int = 500, *, min_length: int = 0):
    """Single-line text of at most ``max_length`` characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_text_check(False))]


def text(max_length: int = 4000, *, min_length: int = 0):
    """Text that may span lines (tab, CR, LF allowed) of at most ``max_length`` characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_text_check(True))]


Line = line()
Text = text()
Moment = Annotated[AwareDatetime, AfterValidator(_moment_check)]
Day = Annotated[date, BeforeValidator(_calendar_date_text), AfterValidator(_day_check)]
Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$")]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Quantity = Annotated[int, Field(ge=1, le=INT32_MAX)]

__all__ = ["EARLIEST", "INT32_MAX", "LATEST", "Code", "Count", "Day", "Id", "Line", "Moment", "Quantity",
           "QueryModel", "StrictModel", "Text", "line", "text"]
