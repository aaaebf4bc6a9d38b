"""The response centre's picture of stock by province: doses on hand (usable vs blocked, from the same
balances as ``/v1/stock``), the trailing 7-day use at the province's sites and the days of supply it gives,
wastage over the trailing 30 days, and the lots suspended or recalled that touch the province.

A province is the ``province_code`` of the location holding the stock; the national store (province ``''``)
is reported as ``NATIONAL``. Days of supply = usable doses / (doses administered in the last 7 campaign days
/ 7); ``null`` when nothing was administered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from eventkit.clock import campaign_date
from services.inventory.queries.stock import StockQueries

NATIONAL = "NATIONAL"

_USE = """
SELECT l.province_code, coalesce(sum(u.doses_administered) FILTER (WHERE u.usage_day > %(week)s), 0)::bigint,
       coalesce(sum(u.doses_opened), 0)::bigint, coalesce(sum(u.doses_administered), 0)::bigint,
       coalesce(sum(u.residual_doses), 0)::bigint
FROM site_usage u JOIN locations l ON l.location_id = u.location_id
WHERE u.usage_day > %(month)s GROUP BY 1
"""
_CLOSED_VIAL = """
SELECT l.province_code, -sum(s.doses)::bigint FROM stock_ledger s JOIN locations l ON l.location_id = s.location_id
WHERE s.kind = 'ADJUSTMENT' AND s.doses < 0 AND s.closed_vial AND s.occurred_at > %(since)s GROUP BY 1
"""
_BLOCKED_LOTS = """
SELECT DISTINCT ON (d.lot_id, d.scope, d.scope_id) d.lot_id, d.scope, d.scope_id, d.status, d.reason,
       d.decided_at, coalesce(l.province_code, '')
FROM lot_decisions d LEFT JOIN locations l ON d.scope = 'SITE' AND l.location_id = d.scope_id
ORDER BY d.lot_id, d.scope, d.scope_id, d.decided_at DESC
"""


def _province(code: str | None) -> str:
    return code or NATIONAL


class ProvinceQueries:
    """Aggregates by province for ``GET /v1/reports/provinces``."""

    def __init__(self, pool, stock: StockQueries) -> None:
        self._pool, self._stock = pool, stock

    def report(self, now: datetime, province_code: str | None) -> dict:
        """Every province (or only ``province_code``): stock, use, days of supply, wastage; blocked lots."""
        today = campaign_date(now, self._stock.zone)
        with self._pool.connection() as conn:
            provinces = dict(conn.execute("SELECT location_id, province_code FROM locations").fetchall())
            use = conn.execute(_USE, {"week": today - timedelta(days=7), "month": today - timedelta(days=30)}).fetchall()
            closed = dict(conn.execute(_CLOSED_VIAL, {"since": now - timedelta(days=30)}).fetchall())
            decisions = conn.execute(_BLOCKED_LOTS).fetchall()
        rows: dict[str, dict] = defaultdict(lambda: {"doses": 0, "usable_doses": 0, "blocked_doses": 0,
                                                     "administered_7d": 0, "doses_opened_30d": 0,
                                                     "administered_30d": 0, "open_vial_wastage_30d": 0,
                                                     "closed_vial_wastage_30d": 0})
        for item in self._stock.stock(as_of=now):
            row = rows[_province(provinces.get(item["location_id"]))]
            for key in ("doses", "usable_doses", "blocked_doses"):
                row[key] += item[key]
        for code, week, opened, administered, residual in use:
            rows[_province(code)].update(administered_7d=week, doses_opened_30d=opened, administered_30d=administered,
                                         open_vial_wastage_30d=residual)
        for code, doses in closed.items():
            rows[_province(code)]["closed_vial_wastage_30d"] = doses
        items = []
        for code, row in sorted(rows.items()):
            if province_code is not None and code != province_code:
                continue
            daily = row["administered_7d"] / 7
            opened = row["doses_opened_30d"]
            items.append({"province_code": code, **row,
                          "days_of_supply": round(row["usable_doses"] / daily, 1) if daily else None,
                          "wastage_rate_30d": round(100 - 100 * row["administered_30d"] / opened, 2) if opened else None})
        lots = [{"lot_id": lot, "scope": scope, "scope_id": scope_id, "status": status, "reason": reason,
                 "decided_at": decided.isoformat()}
                for lot, scope, scope_id, status, reason, decided, site_province in decisions
                if status in ("SUSPENDED", "RECALLED")
                and (province_code is None or scope == "NATIONAL"
                     or province_code in ((scope_id if scope == "PROVINCE" else ""), site_province))]
        return {"as_of": now.isoformat(), "items": items, "blocked_lots": lots}
