"""Figures of a load run: rates per mode, latency percentiles per route, lag per read model - and their table."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def spread(values: Sequence[float], scale: float = 1.0) -> dict[str, Any]:
    """count, p50, p95, p99 and max, multiplied by ``scale`` and rounded."""
    def r(value: float | None) -> float | None:
        return None if value is None else round(value * scale, 1)
    return {"count": len(values), "p50": r(percentile(values, 50)), "p95": r(percentile(values, 95)),
            "p99": r(percentile(values, 99)), "max": r(max(values) if values else None)}


def rate(times: Iterable[float]) -> dict[str, Any]:
    """Doses accepted and the sustained rate between the first and the last acceptance."""
    ordered = sorted(times)
    if len(ordered) < 2:
        return {"doses": len(ordered), "seconds": 0.0, "per_second": None}
    seconds = ordered[-1] - ordered[0]
    return {"doses": len(ordered), "seconds": round(seconds, 1),
            "per_second": round((len(ordered) - 1) / seconds, 1) if seconds > 0 else None}


def timeline(times: Iterable[float], bucket: float = 10.0) -> list[int]:
    """Doses accepted per ``bucket`` seconds from the first one: how steady the rate was."""
    ordered = sorted(times)
    if not ordered:
        return []
    counts = [0] * (int((ordered[-1] - ordered[0]) // bucket) + 1)
    for t in ordered:
        counts[int((t - ordered[0]) // bucket)] += 1
    return counts


def routes(timings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per route: latency percentiles in ms and the count of each status."""
    return {route: {**spread(values), "statuses": {str(k): v for k, v in sorted(timings["statuses"][route].items())}}
            for route, values in sorted(timings["samples"].items())}


def markdown(result: Mapping[str, Any]) -> str:
    """The run as the tables docs/benchmarks.md quotes."""
    lines = [f"Load run {result['run']}: {result['config']['sites']} sites x {result['config']['tables']} tables, "
             f"{result['config']['people']} people, batch share {result['config']['batch_share']} "
             f"(batches of {result['config']['batch_size']})", "",
             "| mode | doses accepted | seconds | doses/s |", "|---|---:|---:|---:|"]
    for mode, figures in result["rates"].items():
        lines.append(f"| {mode} | {figures['doses']:,} | {figures['seconds']} | {figures['per_second']} |")
    lines += ["", "| route | requests | p50 ms | p95 ms | p99 ms | statuses |", "|---|---:|---:|---:|---:|---|"]
    for route, figures in result["routes"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in figures["statuses"].items())
        lines.append(f"| `{route}` | {figures['count']:,} | {figures['p50']} | {figures['p95']} | {figures['p99']} "
                     f"| {statuses} |")
    lines += ["", "| read model | doses seen | p50 ms | p95 ms | p99 ms | max ms | unseen |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, figures in result["lag_ms"].items():
        lines.append(f"| {name} | {figures['count']:,} | {figures['p50']} | {figures['p95']} | {figures['p99']} | "
                     f"{figures['max']} | {result['unseen'].get(name, 0)} |")
    checks = result.get("checks", {})
    lines += ["", f"Exact counts: {'all match' if checks.get('ok') else 'MISMATCH'}"
                  f" ({checks.get('compared', 0):,} figures compared)"]
    lines += [f"- {problem}" for problem in checks.get("problems", [])[:20]]
    if result.get("conflicts") or result.get("rejected"):
        lines += ["", f"409 conflicts retried: {result['conflicts']}; batch items rejected at first upload: "
                      f"{result['rejected']}"]
    if result.get("failures"):
        lines += ["", f"Failures ({len(result['failures'])}):", *[f"- {f}" for f in result["failures"][:10]]]
    return "\n".join(lines)
