"""``GET /v1/reports/provinces``: the response centre's figures by province - doses per day, people with one
and two doses against the census population, AEFI cases and rates, AEFI overdue for investigation or
classification. National scope reads every province; a province officer names their own (``province_code``)
and is refused another's (403). Aggregates only, unsuppressed (unlike ``/v1/public/…``): staff only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Annotated

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from eventkit.auth import current_principal, requires
from eventkit.errors import DomainError
from eventkit.figures import ProvinceCode
from eventkit.web.models import Day, QueryModel
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.immunization.api.public import census as census_figures
from services.immunization.province_views import ProvinceViews
from services.immunization.queries import Views

READERS = ("national_admin", "province_officer", "analyst", "auditor")


class ProvincesQuery(QueryModel):
    date_from: Day | None = Field(default=None, description="first campaign day of the series (default: 29 days "
                                                            "before date_to)")
    date_to: Day | None = Field(default=None, description="last campaign day (default: today)")
    province_code: ProvinceCode | None = Field(default=None, description="this province only (required below "
                                                                          "national scope)")


class DayDoses(BaseModel):
    day: str
    province_code: str
    doses: Annotated[int, Field(ge=0)]


class ProvincePeople(BaseModel):
    province_code: str
    population: int | None = Field(description="census 2019 (vn-census-2019.v2); null when not cited")
    people_first_dose: int
    people_second_dose: int
    coverage_first_dose_pct: float | None
    coverage_second_dose_pct: float | None


class ProvinceAefi(BaseModel):
    province_code: str
    doses: int = Field(description="doses given at the province's sites, all time")
    aefi_cases: int
    serious_cases: int
    rate_per_100000: float | None
    serious_rate_per_100000: float | None
    investigations_overdue: int = Field(description="serious cases without an investigation 24 h after the report")
    classifications_overdue: int = Field(description="cases not classified 5 days after the report")


class ProvinceReport(BaseModel):
    date_from: str
    date_to: str
    doses_per_day: list[DayDoses]
    coverage: list[ProvincePeople]
    aefi: list[ProvinceAefi]


def _pct(count: int, population: int | None) -> float | None:
    return round(100.0 * count / population, 2) if population else None


def register(bp: Blueprint, views: Views, provinces: ProvinceViews, zone: tzinfo) -> None:
    @bp.get("/reports/provinces")
    @requires(*READERS)
    @documented("Doses per day, coverage, AEFI cases and rates and overdue AEFI by province (response centre)",
                tags=["reports"], query=ProvincesQuery, responses={200: ProvinceReport}, errors=[403, 422],
                description="Without `province_code` national scope is required; with it, scope over that "
                            "province. At most 366 days (rule `range`).")
    def province_report():
        q = parse_query(ProvincesQuery)
        current_principal().require_scope(["national"] if q.province_code is None
                                          else ["national", f"province:{q.province_code}"], field="province_code")
        now = datetime.now(UTC)
        last = q.date_to or now.astimezone(zone).date()
        first = q.date_from or last - timedelta(days=29)
        if first > last:
            raise DomainError("date_from is after date_to", field="date_from", rule="range")
        if last - first > timedelta(days=366):
            raise DomainError("ask for at most a year at a time", field="date_to", rule="range")
        census = census_figures()
        people = views.public_people_by_province(last)
        coverage = []
        for code, (one, two) in sorted(people.items()):
            if q.province_code is not None and code != q.province_code:
                continue
            population = census.provinces.get(code)
            coverage.append({"province_code": code, "population": population, "people_first_dose": one,
                             "people_second_dose": two, "coverage_first_dose_pct": _pct(one, population),
                             "coverage_second_dose_pct": _pct(two, population)})
        return jsonify({"date_from": first.isoformat(), "date_to": last.isoformat(),
                        "doses_per_day": provinces.doses_per_day(first, last, q.province_code),
                        "coverage": coverage, "aefi": provinces.aefi(now, q.province_code)})
