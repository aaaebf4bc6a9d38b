"""Doses in stock per province, from inventory's read models - the live ones, or replayed as of the moment.

Stock is a balance over every kind of movement (receipts, shipments, consumption, adjustments, counts,
reversals); inventory's ``stock_on_hand`` projection already computes it, so the report reads it rather than
re-deriving it from events. As of a moment, ``stock_on_hand`` and ``catalogue`` (for the locations' provinces)
are replayed into throw-away schemas (:mod:`vaxtrail_analytics.replay`), read, and dropped.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg
from psycopg import sql

from eventkit.service import retarget
from eventkit.settings import Settings
from vaxtrail_analytics.replay import replay

QUERY = ("SELECT coalesce(l.province_code, '') AS province, sum(s.doses)::bigint FROM {stock} s"
         " LEFT JOIN {locations} l USING (location_id) GROUP BY 1")


def live(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(sql.SQL(QUERY).format(stock=sql.Identifier("stock_on_hand"),
                                                  locations=sql.Identifier("locations"))).fetchall()
    return {province: int(doses) for province, doses in rows}


def as_of(settings: Settings, moment: datetime) -> dict[str, int]:
    from services.inventory.bootstrap import WIRING

    tag = uuid.uuid4().hex[:8]
    schemas = {"stock_on_hand": f"report_stock_{tag}", "catalogue": f"report_catalogue_{tag}"}
    try:
        for projection, schema in schemas.items():
            replay(settings.database_url, settings.kafka_bootstrap,
                   retarget(WIRING.projection(settings, projection), settings), WIRING.migrations,
                   service="inventory", schema=schema, as_of=moment, security=settings.kafka_security)
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute(sql.SQL(QUERY).format(
                stock=sql.Identifier(schemas["stock_on_hand"], "stock_on_hand"),
                locations=sql.Identifier(schemas["catalogue"], "locations"))).fetchall()
        return {province: int(doses) for province, doses in rows}
    finally:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            for schema in schemas.values():
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
