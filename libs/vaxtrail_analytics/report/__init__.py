"""``vaxtrail report``: the campaign's figures from an export (and inventory's stock), as JSON, PNG and HTML.

:func:`build` opens the export's Parquet files in an in-memory DuckDB (views limited to events recorded by
the report's moment), computes :mod:`~vaxtrail_analytics.report.figures`, and writes to the output folder:
``report.json`` (format ``vaxtrail.report.v1``, the file the response-centre dashboard reads), one PNG per
chart and ``report.html`` (self-contained: the PNGs are inlined).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from eventkit.clock import CAMPAIGN_TIME_ZONE
from vaxtrail_analytics.export.duckdb_views import define_views
from vaxtrail_analytics.report import charts, figures, page
from vaxtrail_analytics.report.population import Population

FORMAT = "vaxtrail.report.v1"


def compute(export_dir: Path, as_of: datetime, population: Population, stock_by_province: dict[str, int],
            zone: str = CAMPAIGN_TIME_ZONE) -> dict:
    """The report's figures; ``zone`` (``CAMPAIGN_TIME_ZONE``) is the calendar of doses per day."""
    con = duckdb.connect()
    try:
        define_views(con, export_dir, as_of=as_of)
        missing = figures.ensure_views(con)
        figures.define_facts(con, as_of)
        return {
            "format": FORMAT, "as_of": as_of.isoformat(), "generated_at": datetime.now(UTC).isoformat(),
            "clock": "recorded time (vaxtrail_recorded_at): events recorded at or before as_of",
            "population": population.describe(), "event_types_absent": missing,
            "coverage": figures.coverage(con, population), "dropout": figures.dropout(con),
            "doses_per_day": figures.doses_per_day(con, zone), "supply": figures.supply(con, stock_by_province, as_of),
            "wastage": figures.wastage(con), "aefi": figures.aefi(con),
            "certificate_delay": figures.certificate_delay(con),
        }
    finally:
        con.close()


def write(report: dict, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = {
        "coverage_by_province": charts.coverage_by_province(report["coverage"]["by_province"],
                                                            out / "coverage_by_province.png"),
        "dropout": charts.dropout(report["dropout"], out / "dropout.png"),
        "doses_per_day": charts.doses_per_day(report["doses_per_day"], out / "doses_per_day.png"),
        "wastage": charts.wastage(report["wastage"], out / "wastage.png"),
        "certificate_delay": charts.certificate_delay(
            [r["minutes"] for r in report["certificate_delay"]["histogram"]], out / "certificate_delay.png"),
    }
    (out / "report.json").write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False) + "\n")
    (out / "report.html").write_text(page.render(report, made))
    return made


def build(export_dir: Path, out: Path, as_of: datetime, population: Population,
          stock: Callable[[], dict[str, int]], zone: str = CAMPAIGN_TIME_ZONE) -> dict:
    report = compute(export_dir, as_of, population, stock(), zone)
    write(report, out)
    return report
