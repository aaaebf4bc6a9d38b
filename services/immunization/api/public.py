"""Public reads (no sign-in): doses given by province and day, coverage of the census population, and the
sessions planned at sites (for the site finder).

Both routes answer aggregates only (:mod:`eventkit.figures`: small counts published as ``"<10"``). Coverage
divides the people with a first / second dose, by the province they were assigned to, by the shipped census
figures (:mod:`vaxtrail_analytics.report.population`, ``vn-census-2019.v2``); a province without a census
figure has ``population`` and coverage ``null``, never an invented denominator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from typing import Annotated

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from eventkit.figures import SUPPRESSED, ProvinceCode, published, suppress
from eventkit.web.models import Day, QueryModel
from eventkit.web.openapi import documented
from eventkit.web.public import SUPPRESSION_RULE, register_figures
from eventkit.web.validation import parse_query
from services.immunization.api.models import ItemId
from services.immunization.queries import Views

MEASURES = ("doses", "first_doses", "second_doses", "further_doses")
Cell = int | str


class CoverageQuery(QueryModel):
    to: Day | None = Field(default=None, description="count doses up to this campaign day (default: today)")
    province: ProvinceCode | None = Field(default=None, description="this province only")


class SessionsQuery(QueryModel):
    from_: Day | None = Field(default=None, alias="from", description="first day (default: today)")
    days: Annotated[int, Field(ge=1, le=31)] = Field(default=14, description="how many days from `from`")
    province: ProvinceCode | None = None
    district: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = None
    site_id: ItemId | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 200


class PublicSession(BaseModel):
    session_id: str = Field(description="what a citizen books (registration's appointments)")
    site_id: str
    session_date: str
    starts_at: str
    ends_at: str


class PublicSessions(BaseModel):
    items: list[PublicSession]


class ProvinceCoverage(BaseModel):
    province_code: str
    name: str | None
    population: int | None
    people_first_dose: Cell
    people_second_dose: Cell
    coverage_first_dose_pct: float | None = Field(description="null when the count is suppressed or no census")
    coverage_second_dose_pct: float | None


class NationalPeople(BaseModel):
    people_first_dose: Cell
    people_second_dose: Cell


class Coverage(BaseModel):
    to: str
    population_source: dict
    national: NationalPeople
    provinces: list[ProvinceCoverage]


@cache
def census():
    from vaxtrail_analytics.report.population import load  # the census figures vaxtrail report uses
    return load()


def _pct(count: Cell, population: int | None) -> float | None:
    if population is None or count == SUPPRESSED or not population:
        return None
    return round(100.0 * int(count) / population, 1)


def register(bp: Blueprint, views: Views, zone: tzinfo) -> None:
    register_figures(bp, name="ImmunizationFigures", measures=MEASURES, rows=views.public_dose_rows, zone=zone,
                     summary="Public figures: doses given by province and by day, first / second / further",
                     description="Doses given by the campaign (historical entries and doses entered in error left "
                                 "out), by the province of the site and the campaign day.")

    @bp.get("/public/sessions")
    @documented("Public site finder: vaccination sessions planned at sites in the coming days",
                tags=["public"], query=SessionsQuery, responses={200: PublicSessions}, errors=[400, 422],
                description="No sign-in. The sessions allocation planned (session id, site, day, start, end), by "
                            "province, district or site; nothing about who is booked. The e-health book books "
                            "from this list.")
    def public_sessions():
        q = parse_query(SessionsQuery)
        first = q.from_ or datetime.now(UTC).astimezone(zone).date()
        items = views.public_sessions(first, first + timedelta(days=q.days - 1), q.province, q.district, q.site_id,
                                      q.limit)
        response = jsonify({"items": items})
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    @bp.get("/public/coverage")
    @documented("Public figures: coverage of the census population by province (first and second dose)",
                tags=["public"], query=CoverageQuery, responses={200: Coverage}, errors=[400, 422],
                description="People with at least one / two doses up to `to`, by the province of their assigned "
                            "district health centre, over the census population (vn-census-2019.v2; provinces "
                            f"without a cited figure have null). No sign-in. {SUPPRESSION_RULE}")
    def public_coverage():
        q = parse_query(CoverageQuery)
        last = q.to or datetime.now(UTC).astimezone(zone).date()
        population = census()
        people = views.public_people_by_province(last)
        codes = sorted(set(people) | set(population.provinces))
        if q.province:
            codes = [c for c in codes if c == q.province]
        first = suppress({c: people.get(c, (0, 0))[0] for c in people})
        second = suppress({c: people.get(c, (0, 0))[1] for c in people})
        rows = []
        for code in codes:
            total = population.provinces.get(code)
            one, two = first.get(code, 0), second.get(code, 0)
            rows.append({"province_code": code, "name": population.names.get(code), "population": total,
                         "people_first_dose": one, "people_second_dose": two,
                         "coverage_first_dose_pct": _pct(one, total), "coverage_second_dose_pct": _pct(two, total)})
        response = jsonify({"to": last.isoformat(), "population_source": population.describe(),
                            "national": {"people_first_dose": published(sum(v[0] for v in people.values())),
                                         "people_second_dose": published(sum(v[1] for v in people.values()))},
                            "provinces": rows})
        response.headers["Cache-Control"] = "public, max-age=60"
        return response
