"""SQL over the partner service's own read models."""

from __future__ import annotations


def partners(pool) -> list[dict]:
    with pool.connection() as conn:
        rows = conn.execute("SELECT partner, feeds, topics, principal, group_prefix, active, changed_at"
                            " FROM partner_grants ORDER BY partner").fetchall()
    return [{"partner": r[0], "feeds": list(r[1]), "topics": list(r[2]), "principal": r[3], "group_prefix": r[4],
             "active": r[5], "changed_at": r[6].isoformat()} for r in rows]
