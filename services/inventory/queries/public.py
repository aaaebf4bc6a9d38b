"""Public read queries (no sign-in): doses received and delivered to provinces per day, and the site finder.

Only aggregates and the reference data of vaccination sites (a site is a public place, not a person).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

NATIONAL_LEVEL = ("NATIONAL_STORE", "REGIONAL_STORE")


class PublicQueries:
    def __init__(self, pool, zone) -> None:
        self._pool = pool
        self._zone = str(zone)

    def figure_rows(self, first: date, last: date) -> list[tuple]:
        """``received`` (receipts into the supply chain; national-level stores count for the country, a
        receipt elsewhere for its province) and ``delivered_to_provinces`` (transfers into a province store),
        per campaign day: ``(province_code, day, measure, count)``."""
        with self._pool.connection() as conn:
            return conn.execute(
                "SELECT CASE WHEN l.kind = ANY(%s) THEN '' ELSE l.province_code END, m.day, m.measure,"
                " sum(m.doses)::bigint FROM (SELECT location_id, (occurred_at AT TIME ZONE %s)::date AS day,"
                "  CASE kind WHEN 'RECEIPT' THEN 'received' ELSE 'delivered_to_provinces' END AS measure, doses"
                "  FROM stock_ledger WHERE kind IN ('RECEIPT', 'TRANSFER_IN')"
                "  AND occurred_at >= %s AND occurred_at < %s) AS m"
                " JOIN locations l ON l.location_id = m.location_id"
                " WHERE m.day BETWEEN %s AND %s AND (m.measure = 'received' OR l.kind = 'PROVINCE_STORE')"
                " GROUP BY 1, 2, 3",
                (list(NATIONAL_LEVEL), self._zone, first - timedelta(days=1), last + timedelta(days=2), first,
                 last)).fetchall()

    def sites(self, province: str | None, district: str | None, text: str | None, today: date, limit: int,
              offset: int) -> tuple[list[dict], int]:
        """Vaccination sites active today, matched by province, district and words of the name or id - each
        word, without regard to case or Vietnamese diacritics ("diem tiem quan 1" finds "Điểm tiêm 1 Quận 1")."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT location_id, name, province_code, district_code FROM locations WHERE kind = 'SITE'"
                " AND active_from <= %(today)s AND (active_until IS NULL OR active_until >= %(today)s)"
                " AND (%(province)s::text IS NULL OR province_code = %(province)s)"
                " AND (%(district)s::text IS NULL OR district_code = %(district)s)"
                " ORDER BY province_code, district_code, name, location_id",
                {"today": today, "province": province, "district": district}).fetchall()
        words = fold(text or "").split()
        found = [r for r in rows if all(w in fold(f"{r[1]} {r[0]}") for w in words)]
        return [{"location_id": r[0], "name": r[1], "province_code": r[2], "district_code": r[3]}
                for r in found[offset:offset + limit]], len(found)


def fold(text: str) -> str:
    """Lower case without diacritics (đ as d): how a search box compares Vietnamese names."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
