"""Public campaign figures: counts by province and by day, with small counts suppressed (no sign-in).

Each service that owns a figure answers ``GET /v1/public/figures`` (no token) from its read models with only
aggregates - never a person id, a name, a site's day or a district. Every service gives the same shape,
built here by :func:`tabulate` from rows ``(province_code, day, measure, count)``:

``by_province`` (each province's count over the period), ``by_day`` (the country's - or, with ``province``,
that province's - count per campaign day) and ``total``. A row whose province code is empty is a
national-level count (e.g. doses received at the national store): in ``by_day`` and ``total`` only.

**Small-count suppression** (docs/http-api-conventions.md, "Public figures"): a count from 1 to
:data:`THRESHOLD` - 1 is published as :data:`SUPPRESSED` (``"<10"``); 0 stays 0. Because each series is
published with its total, a series with exactly one suppressed cell would give that cell away by
subtraction, so the smallest other non-zero cell of that series is suppressed too (secondary suppression).
Totals are exact when the total itself is at least the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, timedelta
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationInfo, create_model, field_validator
from pydantic_core import PydanticCustomError

from eventkit.web.models import Day, QueryModel

THRESHOLD = 10
SUPPRESSED = "<10"
MAX_DAYS = 366
DEFAULT_DAYS = 30
ProvinceCode = Annotated[str, Field(pattern=r"^[0-9]{2}$", description="a province code (two digits, e.g. 79)")]
K = TypeVar("K", bound=Hashable)
Cell = int | str


class FiguresQuery(QueryModel):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD&province=79`` - every parameter optional."""

    model_config = QueryModel.model_config | {"populate_by_name": True}
    from_: Day | None = Field(default=None, alias="from",
                              description=f"first campaign day (default: {DEFAULT_DAYS} days up to `to`)")
    to: Day | None = Field(default=None, description="last campaign day (default: today in the campaign's zone)")
    province: ProvinceCode | None = Field(default=None, description="`by_day` for this province only")

    @field_validator("to")
    @classmethod
    def _not_before_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        first = info.data.get("from_")
        if value is not None and first is not None:
            if value < first:
                raise PydanticCustomError("date_range", "`to` must not be before `from`")
            if (value - first).days + 1 > MAX_DAYS:
                raise PydanticCustomError("date_range", f"at most {MAX_DAYS} days at a time")
        return value

    def period(self, today: date) -> tuple[date, date]:
        """The inclusive period asked for, defaults filled in (``from`` alone runs to today, at most a year)."""
        if self.from_ is not None and self.to is None:
            return self.from_, max(self.from_, min(today, self.from_ + timedelta(days=MAX_DAYS - 1)))
        last = self.to or today
        return self.from_ or last - timedelta(days=DEFAULT_DAYS - 1), last


def figures_model(name: str, measures: Iterable[str]) -> type[BaseModel]:
    """The OpenAPI response model of a service's figures (its measures are counts, or ``"<10"``)."""
    cells = {m: (int | Literal["<10"], ...) for m in measures}
    by_province = create_model(f"{name}Province", province_code=(str, ...), **cells)
    by_day = create_model(f"{name}Day", date=(date, ...), **cells)
    totals = create_model(f"{name}Total", **cells)
    suppression = create_model(f"{name}Suppression", threshold=(int, ...), shown_as=(str, ...))
    return create_model(name, **{"from": (date, ...), "to": (date, ...), "province": (str | None, ...),
                                 "suppression": (suppression, ...), "by_province": (list[by_province], ...),
                                 "by_day": (list[by_day], ...), "total": (totals, ...)})


def suppress(series: Mapping[K, int]) -> dict[K, Cell]:
    """A series of counts as published: small cells as ``"<10"``, plus one secondary cell where needed."""
    out: dict[K, Cell] = dict(series)
    small = [key for key, n in series.items() if 0 < n < THRESHOLD]
    for key in small:
        out[key] = SUPPRESSED
    if len(small) == 1:
        others = sorted((n, str(key), key) for key, n in series.items() if n >= THRESHOLD)
        if others:
            out[others[0][2]] = SUPPRESSED
    return out


def published(n: int) -> Cell:
    """One count on its own (a total): suppressed only when it is small itself."""
    return SUPPRESSED if 0 < n < THRESHOLD else n


def tabulate(rows: Iterable[tuple[str, date, str, int]], measures: Iterable[str], first: date, last: date,
             province: str | None = None) -> dict:
    """The public figures of ``rows`` within ``[first, last]``: by province, by day, total, each suppressed."""
    measures = tuple(measures)
    per_province: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(measures, 0))
    per_day: dict[date, dict[str, int]] = {first + timedelta(days=i): dict.fromkeys(measures, 0)
                                            for i in range((last - first).days + 1)}
    national = dict.fromkeys(measures, 0)  # national-level counts (province_code ""): by day and total only
    for code, day, measure, count in rows:
        if measure not in measures or not first <= day <= last:
            continue
        (per_province[code] if code else national)[measure] += count
        if province is None or code == province:
            per_day[day][measure] += count
    by_province = {code: {} for code in sorted(per_province)}
    by_day: dict[date, dict[str, Cell]] = {day: {} for day in per_day}
    total: dict[str, Cell] = {}
    for measure in measures:
        for code, cell in suppress({c: per_province[c][measure] for c in per_province}).items():
            by_province[code][measure] = cell
        for day, cell in suppress({d: per_day[d][measure] for d in per_day}).items():
            by_day[day][measure] = cell
        total[measure] = published(national[measure] + sum(per_province[c][measure] for c in per_province))
    return {"from": first.isoformat(), "to": last.isoformat(), "province": province,
            "suppression": {"threshold": THRESHOLD, "shown_as": SUPPRESSED},
            "by_province": [{"province_code": code, **cells} for code, cells in by_province.items()],
            "by_day": [{"date": day.isoformat(), **cells} for day, cells in by_day.items()],
            "total": total}
