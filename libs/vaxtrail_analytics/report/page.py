"""The report as one self-contained HTML page: every chart inlined as a data: URI, every table as HTML."""

from __future__ import annotations

import base64
import html
from pathlib import Path

SECTIONS = (
    ("coverage_by_province", "Coverage by province", ("coverage", "by_province")),
    ("coverage_by_district", "Coverage by district (of registered persons)", ("coverage", "by_district")),
    ("coverage_by_age_band", "Coverage by age band", ("coverage", "by_age_band")),
    ("coverage_by_priority_group", "Coverage by priority group (of registered members)",
     ("coverage", "by_priority_group")),
    ("coverage_by_dose", "Persons by dose number", ("coverage", "by_dose_number")),
    ("dropout", "Drop-out dose 1 → dose 2", ("dropout",)),
    ("doses_per_day", "Doses per day", ("doses_per_day",)),
    ("supply", "Stock and days of supply per province", ("supply",)),
    ("wastage", "Wastage by product and province", ("wastage",)),
    ("aefi", "AEFI per 100,000 doses by product and lot", ("aefi",)),
)


def _table(rows: list[dict]) -> str:
    if not rows:
        return "<p><em>no data</em></p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in r.values())
                   + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(path: Path | None) -> str:
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def render(report: dict, charts: dict[str, Path]) -> str:
    parts = [f"<h1>VaxTrail campaign report</h1><p>As of <b>{html.escape(report['as_of'])}</b> (recorded time); "
             f"generated {html.escape(report['generated_at'])}. Target population: "
             f"{html.escape(report['population']['version'])} — {html.escape(report['population']['source'])}</p>",
             f"<p class=note>{html.escape(report['population']['completeness'])}</p>"]
    for key, title, path in SECTIONS:
        rows = report
        for part in path:
            rows = rows[part]
        parts.append(f"<h2>{html.escape(title)}</h2>{_image(charts.get(key))}{_table(rows)}")
    delay = {k: v for k, v in report["certificate_delay"].items() if k != "histogram"}
    parts.append(f"<h2>Time from dose to certificate</h2>{_image(charts.get('certificate_delay'))}{_table([delay])}")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;"
             "font-size:12px;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
             "img{max-width:100%}.note{color:#666;font-size:12px}")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>VaxTrail report</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
