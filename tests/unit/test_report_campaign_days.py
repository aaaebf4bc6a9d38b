"""Issue 18: the report's doses per day count campaign days of ``CAMPAIGN_TIME_ZONE`` (the zone was written
into the query as Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import duckdb
from vaxtrail_analytics.report import figures


def test_doses_per_day_counts_the_days_of_the_campaign_zone():
    con = duckdb.connect()
    con.execute("CREATE TABLE doses (administered_at TIMESTAMPTZ, historical BOOLEAN)")
    # 02:00 UTC on 2 March is 2 March in Ho Chi Minh City, 1 March in São Paulo.
    con.execute("INSERT INTO doses VALUES ('2026-03-02 02:00:00+00', false), ('2026-03-02 12:00:00+00', false),"
                " ('2026-03-02 02:00:00+00', true)")
    days = lambda zone: {str(r["day"]): r["doses"] for r in figures.doses_per_day(con, zone)}  # noqa: E731
    assert days("Asia/Ho_Chi_Minh") == {"2026-03-02": 2}
    assert days("America/Sao_Paulo") == {"2026-03-01": 1, "2026-03-02": 1}
