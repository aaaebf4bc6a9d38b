"""PNG charts of the report's figures (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first

COLOURS = ("#1f6f8b", "#99c24d", "#f18f01", "#c73e1d")


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def coverage_by_province(rows: list[dict], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 4))
    names = [f"{r['province']} {r.get('name') or ''}".strip() for r in rows]
    registered = [r["dose1_of_registered_pct"] or 0 for r in rows]
    d1 = [r["dose1_coverage_pct"] for r in rows]
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], registered, width=0.4, color=COLOURS[0], label="dose 1 / registered")
    ax.bar([i + 0.2 for i in x], [v or 0 for v in d1], width=0.4, color=COLOURS[1],
           label="dose 1 / target population")
    for i, value in enumerate(d1):
        if value is None:
            ax.annotate("no census figure", (i + 0.2, 0), rotation=90, fontsize=7, ha="center", va="bottom")
    ax.set_xticks(list(x), names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("%")
    ax.set_title("Coverage by province")
    ax.legend(fontsize=8)
    return _save(fig, path)


def dropout(rows: list[dict], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([r["province"] for r in rows], [r["dose1"] for r in rows], color=COLOURS[0], label="dose 1")
    ax.bar([r["province"] for r in rows], [r["dose2"] for r in rows], color=COLOURS[1], label="dose 2")
    for r in rows:
        ax.annotate(f"{r['dropout_pct']:.0f}% drop-out", (r["province"], r["dose1"]), ha="center",
                    va="bottom", fontsize=8)
    ax.set_ylabel("persons")
    ax.set_title("Drop-out dose 1 → dose 2 by province")
    ax.legend(fontsize=8)
    return _save(fig, path)


def doses_per_day(rows: list[dict], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar([str(r["day"]) for r in rows], [r["doses"] for r in rows], color=COLOURS[0])
    ax.set_ylabel("doses")
    ax.set_title("Doses given per day (Vietnam time)")
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    return _save(fig, path)


def wastage(rows: list[dict], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 3.5))
    labels = [f"{r['product']}\n{r['province']}" for r in rows]
    ax.bar(labels, [r["open_vial_doses"] for r in rows], color=COLOURS[2], label="open vial")
    ax.bar(labels, [r["closed_vial_doses"] for r in rows], bottom=[r["open_vial_doses"] for r in rows],
           color=COLOURS[3], label="closed vial")
    ax.set_ylabel("doses wasted")
    ax.set_title("Wastage by product and province")
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=8)
    return _save(fig, path)


def certificate_delay(minutes: list[float], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(minutes or [0], bins=20, color=COLOURS[0])
    ax.set_xlabel("minutes from dose to certificate (recorded times)")
    ax.set_ylabel("doses")
    ax.set_title("Time from dose to certificate")
    return _save(fig, path)
