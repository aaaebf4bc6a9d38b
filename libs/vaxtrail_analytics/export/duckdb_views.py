"""The export's DuckDB database: one view per event type over its Parquet files, plus ``records`` and ``events``.

View names are ``<service>_<event type in snake case>`` (``immunization_dose_administered``,
``registration_personal_data_accessed``). Each view reads its type's files (with the hive columns ``topic``,
``type`` and ``day``) and keeps one row per event id: the relay publishes at least once, so a topic may hold
the same event twice; the first copy (lowest partition, offset) is kept. ``records`` is every exported
record, copies included, with the envelope's columns only; ``events`` is the same with one row per event id.

Views name the files by absolute path: move the folder and run ``vaxtrail export`` again (it only rewrites
the views when nothing is new).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb

from vaxtrail_analytics.export.columns import ENVELOPE

DATABASE = "vaxtrail.duckdb"


def view_name(topic: str, short_type: str) -> str:
    service = topic.split(".")[1] if topic.count(".") >= 2 else re.sub(r"\W", "_", topic)
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", short_type).lower().strip("_")
    return f"{service}_{snake}"


def _glob(path: Path) -> str:
    return str(path).replace("'", "''")


def write_views(out: Path) -> dict[str, str]:
    """(Re)create the export database's views from the files present; returns view name -> folder."""
    out = out.resolve()
    con = duckdb.connect(str(out / DATABASE))
    try:
        for old, in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{old}"')
        return define_views(con, out)
    finally:
        con.close()


def define_views(con, out: Path, *, as_of: datetime | None = None) -> dict[str, str]:
    """Create the views in ``con`` (e.g. an in-memory database); ``as_of`` keeps only events recorded by then."""
    out = out.resolve()
    until = "" if as_of is None else f" AND recorded_at <= TIMESTAMPTZ '{as_of.isoformat()}'"
    views: dict[str, str] = {}
    for folder in sorted(out.glob("topic=*/type=*")):
        if not any(folder.glob("day=*/*.parquet")):
            continue
        topic, short = folder.parent.name[len("topic="):], folder.name[len("type="):]
        name = view_name(topic, short)
        files = _glob(folder / "day=*" / "*.parquet")
        con.execute(
            f'CREATE VIEW "{name}" AS SELECT * EXCLUDE (copy) FROM ('
            f" SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY kafka_partition, kafka_offset) AS copy"
            f" FROM read_parquet('{files}', hive_partitioning = true, union_by_name = true)) WHERE copy = 1{until}")
        views[name] = str(folder)
    if views:
        envelope = ", ".join(name for name, _ in ENVELOPE)
        every = _glob(out / "topic=*" / "type=*" / "day=*" / "*.parquet")
        where = "" if as_of is None else f" WHERE recorded_at <= TIMESTAMPTZ '{as_of.isoformat()}'"
        con.execute(f"CREATE VIEW records AS SELECT {envelope}, topic, type, day FROM read_parquet('{every}',"
                    f" hive_partitioning = true, union_by_name = true){where}")
        con.execute("CREATE VIEW events AS SELECT * EXCLUDE (copy) FROM (SELECT *, row_number() OVER"
                    " (PARTITION BY event_id ORDER BY kafka_partition, kafka_offset) AS copy FROM records)"
                    " WHERE copy = 1")
    return views
