"""Public routes (no sign-in): supply figures by province and day, and the vaccination-site finder.

``/public/figures`` is :func:`eventkit.web.public.register_figures` over
:meth:`~services.inventory.queries.public.PublicQueries.figure_rows`; ``/public/sites`` lists the sites active
today (id, name, province, district) - the reference data carries no street address.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Annotated

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from eventkit.figures import ProvinceCode
from eventkit.web.models import Count, Quantity, QueryModel, line
from eventkit.web.openapi import documented
from eventkit.web.public import register_figures
from eventkit.web.validation import parse_query
from services.inventory.queries.public import PublicQueries


class SitesQuery(QueryModel):
    province: ProvinceCode | None = Field(default=None, description="province code")
    district: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = Field(default=None,
                                                                            description="district code (3 digits)")
    q: line(80, min_length=2) | None = Field(default=None, description="words of the name or id (any case, diacritics optional)")
    limit: Annotated[Quantity, Field(le=200)] = 50
    offset: Annotated[Count, Field(le=100_000)] = 0


class PublicSite(BaseModel):
    location_id: str
    name: str
    province_code: str
    district_code: str


class PublicSites(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[PublicSite]


def register(bp: Blueprint, public: PublicQueries, zone: tzinfo) -> None:
    register_figures(bp, name="InventoryFigures", measures=("received", "delivered_to_provinces"),
                     rows=public.figure_rows, zone=zone,
                     summary="Public figures: vaccine received and delivered to provinces, by province and by day",
                     description="Doses received into the supply chain (at national-level stores: counted for "
                                 "the country, in `by_day` and `total` only) and doses delivered into province "
                                 "stores, by campaign day.")

    @bp.get("/public/sites")
    @documented("Public site finder: vaccination sites active today, by province, district and name",
                tags=["public"], query=SitesQuery, responses={200: PublicSites}, errors=[400, 422],
                description="No sign-in. Sites only (no store, no stock); the reference data has no street address.")
    def public_sites():
        q = parse_query(SitesQuery)
        today = datetime.now(UTC).astimezone(zone).date()
        items, total = public.sites(q.province, q.district, q.q.strip() if q.q else None, today, q.limit, q.offset)
        response = jsonify({"total": total, "limit": q.limit, "offset": q.offset, "items": items})
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
