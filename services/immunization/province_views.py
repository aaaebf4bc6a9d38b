"""The response centre's figures by province, read from immunization's own read models (``dose_view``,
``aefi_view``, ``ref_location``): doses per campaign day, AEFI cases (serious ones, rates per 100,000 doses
given) and AEFI past their investigation or classification deadline. Counts only, no person.

A dose belongs to the province of its site; an AEFI to the province of the first of its sites that
immunization knows.
"""

from __future__ import annotations

from datetime import date, datetime

_DOSES = """
SELECT d.administered_date AS day, l.province_code, count(*) AS doses
FROM dose_view d JOIN ref_location l ON l.location_id = d.site_id
WHERE NOT d.historical AND NOT d.entered_in_error AND d.administered_date BETWEEN %(first)s AND %(last)s
  AND (%(province)s::text IS NULL OR l.province_code = %(province)s)
GROUP BY 1, 2 ORDER BY 1, 2
"""
_AEFI = """
WITH given AS (
    SELECT l.province_code, count(*) AS doses FROM dose_view d JOIN ref_location l ON l.location_id = d.site_id
    WHERE NOT d.historical AND NOT d.entered_in_error GROUP BY 1
), cases AS (
    SELECT (SELECT l.province_code FROM ref_location l WHERE l.location_id = ANY(a.site_ids)
            ORDER BY array_position(a.site_ids, l.location_id) LIMIT 1) AS province_code, a.*
    FROM aefi_view a
)
SELECT coalesce(g.province_code, c.province_code) AS province_code, coalesce(max(g.doses), 0) AS doses,
       count(c.aefi_id) AS aefi_cases, count(c.aefi_id) FILTER (WHERE c.serious) AS serious_cases,
       count(c.aefi_id) FILTER (WHERE c.serious AND c.investigation_opened_at IS NULL
                                AND c.investigation_due < %(now)s) AS investigations_overdue,
       count(c.aefi_id) FILTER (WHERE c.classified_at IS NULL AND c.classification_due < %(now)s)
         AS classifications_overdue
FROM given g FULL JOIN cases c ON c.province_code = g.province_code
WHERE coalesce(g.province_code, c.province_code) IS NOT NULL
  AND (%(province)s::text IS NULL OR coalesce(g.province_code, c.province_code) = %(province)s)
GROUP BY 1 ORDER BY 1
"""


class ProvinceViews:
    """Queries of ``GET /v1/reports/provinces``."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def doses_per_day(self, first: date, last: date, province: str | None) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute(_DOSES, {"first": first, "last": last, "province": province}).fetchall()
        return [{"day": day.isoformat(), "province_code": code, "doses": doses} for day, code, doses in rows]

    def aefi(self, now: datetime, province: str | None) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute(_AEFI, {"now": now, "province": province}).fetchall()
        return [{"province_code": code, "doses": doses, "aefi_cases": cases, "serious_cases": serious,
                 "rate_per_100000": round(cases * 100_000 / doses, 2) if doses else None,
                 "serious_rate_per_100000": round(serious * 100_000 / doses, 2) if doses else None,
                 "investigations_overdue": investigations, "classifications_overdue": classifications}
                for code, doses, cases, serious, investigations, classifications in rows]
