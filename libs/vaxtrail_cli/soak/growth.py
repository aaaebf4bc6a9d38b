"""The soak's verdict: how much each process's memory and each lag grew while the load ran, against stated bounds.

For every series (a process group's PSS, a lag) over the samples of the load window: the median of the first
``window`` seconds and of the last ``window`` seconds, the growth between them, and the least-squares slope per
hour over the whole window. A series fails its bound when the last window's median exceeds the first's by
more than ``ratio`` of it plus ``floor`` (memory: 25 % + 64 MB; lag: 100 % + 500 records - a lag is near 0
at a steady state, so its floor carries the bound). The bounds are :data:`MEMORY` and :data:`LAG`; a problem
names the series, both medians and the bound. Where a series has a stand-in (:data:`JUDGED_INSTEAD`: the
PostgreSQL server's PSS without the used part of its shared buffer pool, a cache that fills up to its
configured size as data grows - :mod:`.sample`), the stand-in is bounded and the series only reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Bound:
    ratio: float
    floor: float
    unit: str

    def limit(self, first: float) -> float:
        return first * (1 + self.ratio) + self.floor


MEMORY = Bound(ratio=0.25, floor=64.0, unit="MB")
OUTSIDE_POOL = "postgresql outside its buffer pool"
"""The PSS series of the PostgreSQL server without the used part of its shared buffer pool (:mod:`.sample`)."""
JUDGED_INSTEAD = {"postgresql": OUTSIDE_POOL}
LAG = Bound(ratio=1.0, floor=500.0, unit="records")


def slope_per_hour(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of ``(seconds, value)`` points, per hour (0 with fewer than two distinct times)."""
    if len(points) < 2:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_v = statistics.fmean(v for _, v in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread * 3600


def series(samples: Sequence[dict[str, Any]], field: str) -> dict[str, list[tuple[float, float]]]:
    """``samples`` -> name -> ``[(t, value), ...]`` for one field (``pss_mb``, ``rss_mb``, ``lag``)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for sample in samples:
        for name, value in sample[field].items():
            out.setdefault(name, []).append((sample["t"], value))
    return out


def growth(points: Sequence[tuple[float, float]], start: float, end: float, window: float) -> dict[str, Any]:
    """First and last ``window`` medians of the points within ``[start, end]``, their difference, the slope."""
    inside = [(t, v) for t, v in points if start <= t <= end]
    first = [v for t, v in inside if t < start + window]
    last = [v for t, v in inside if t > end - window]
    if not first or not last:
        return {"samples": len(inside), "first": None, "last": None, "growth": None, "slope_per_hour": None,
                "max": max((v for _, v in inside), default=None)}
    a, b = statistics.median(first), statistics.median(last)
    return {"samples": len(inside), "first": round(a, 1), "last": round(b, 1), "growth": round(b - a, 1),
            "growth_pct": round(100 * (b - a) / a, 1) if a else None,
            "slope_per_hour": round(slope_per_hour(inside), 1), "max": max(v for _, v in inside)}


def judge(samples: Sequence[dict[str, Any]], start: float, end: float, window: float = 300.0,
          memory: Bound = MEMORY, lag: Bound = LAG) -> dict[str, Any]:
    """Growth of every process's PSS (and RSS, reported) and of every lag in ``[start, end]``, with the problems."""
    result: dict[str, Any] = {"window_s": window, "bounds": {"memory": asdict(memory), "lag": asdict(lag)},
                              "problems": []}
    for field, bound in (("pss_mb", memory), ("rss_mb", None), ("lag", lag)):
        figures = {name: growth(points, start, end, window) for name, points in sorted(series(samples, field).items())}
        if field == "lag":
            totals = [(s["t"], sum(s["lag"].values())) for s in samples]
            figures["total"] = growth(totals, start, end, window)
        result[field] = figures
        if bound is None:
            continue
        for name, g in figures.items():
            if JUDGED_INSTEAD.get(name) in figures:
                continue  # reported; its stand-in is judged
            if g["first"] is None:
                result["problems"].append(f"{field} {name}: no sample in the first or the last {window:.0f} s")
            elif g["last"] > bound.limit(g["first"]):
                result["problems"].append(
                    f"{field} {name} grew from {g['first']} to {g['last']} {bound.unit} (median of the first vs the "
                    f"last {window:.0f} s), above the bound {bound.limit(g['first']):.0f} {bound.unit} "
                    f"(+{bound.ratio:.0%} + {bound.floor:g})")
    return result
