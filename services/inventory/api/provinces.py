"""``GET /v1/reports/provinces``: stock, days of supply, wastage by province and the lots suspended or
recalled, for the response centre. National scope reads every province; a province officer names their own
province (``province_code``) and is refused another's (403)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventkit.auth import current_principal, requires
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.inventory.api import models
from services.inventory.api.common import NATIONAL, READERS, now
from services.inventory.queries.provinces import ProvinceQueries


def register(bp: Blueprint, provinces: ProvinceQueries) -> None:
    @bp.get("/reports/provinces")
    @requires(*READERS)
    @documented("Stock (usable / blocked), 7-day use, days of supply and 30-day wastage by province; lots "
                "suspended or recalled", tags=["stock"], query=models.ProvincesQuery,
                responses={200: models.ProvinceReport}, errors=[403, 422],
                description="Without `province_code` national scope is required; with it, scope over that "
                            "province (NATIONAL, the national store, needs national scope). Blocked lots are "
                            "those decided nationally, for the province, or for one of its sites.")
    def province_report():
        code = parse_query(models.ProvincesQuery).province_code
        path = NATIONAL if code in (None, "NATIONAL") else [*NATIONAL, f"province:{code}"]
        current_principal().require_scope(path, field="province_code")
        return jsonify(provinces.report(now(), code))
