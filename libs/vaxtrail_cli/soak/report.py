"""The soak's Markdown summary (``bench/results/soak-<run>.md``) from its result (:func:`vaxtrail_cli.soak.run`)."""

from __future__ import annotations

from typing import Any


def _row(name: str, g: dict[str, Any], unit: str) -> str:
    def fmt(value: Any) -> str:
        return "-" if value is None else f"{value:,}"
    pct = "" if g.get("growth_pct") is None else f" ({g['growth_pct']:+}%)"
    return (f"| {name} | {fmt(g['first'])} | {fmt(g['last'])} | {fmt(g['growth'])}{pct} | "
            f"{fmt(g['slope_per_hour'])} | {fmt(g['max'])} |")


def markdown(result: dict[str, Any]) -> str:
    soak, growth = result["soak"], result["growth"]
    window = round(growth["window_s"] / 60, 1)
    bounds = growth["bounds"]
    rounds = result["rounds"]
    exact = all(r["checks"]["ok"] for r in rounds)
    lines = [
        f"# Soak {result['run']}",
        "",
        f"- rate reached by the load generator (unpaced, same stack): **{result['rate_reached']} doses/s**"
        + ("" if result["measured"] else " (given with --rate)") + f"; soaked at **{result['target_doses_per_s']}"
        " doses/s** during each round's day",
        f"- the soak: {soak['minutes']} min, {soak['rounds']} rounds (each registers its people unpaced, then a "
        f"paced day; days were {soak['day_share']:.0%} of the time), {soak['doses']:,} doses accepted "
        f"({soak['doses_per_s']} doses/s over the whole soak); exact counts in every round: "
        f"{'yes' if exact else 'NO'} ({sum(r['checks']['compared'] for r in rounds):,} records compared)",
        f"- machine: {result['cores']} cores, shared with other engineers' test runs; load average (1, 5, 15 min) "
        f"before {result['load_average']['before']}, after {result['load_average']['after']}",
        f"- samples: every {result['config']['interval']:g} s asked, {len(result['samples'])} taken "
        f"({result['sampler_errors']} failed looks)",
        f"- bounds: memory (PSS) last {window:g} min median <= first {window:g} min median x "
        f"{1 + bounds['memory']['ratio']:g} + {bounds['memory']['floor']:g} MB; lag <= first x "
        f"{1 + bounds['lag']['ratio']:g} + {bounds['lag']['floor']:g} records",
        f"- verdict: **{'PASS' if result['ok'] else 'FAIL'}**",
        "",
        "| round | people | setup s | day doses | doses/s (first to last) | read models caught up after s |",
        "|---|---:|---:|---:|---:|---:|",
        *(f"| {r['run'] or 'failed: ' + r['error']} | {r['people']:,} | {r['setup_s']} | {r['doses']['doses']:,} |"
          f" {r['doses']['per_second']} | {r['settle_s']} |" for r in rounds),
        "",
    ]
    for field, title, unit in (("pss_mb", "Memory, PSS (MB)", "MB"), ("rss_mb", "Memory, RSS summed over the "
                                                                            "process tree (MB)", "MB"),
                               ("lag", "Lag (records behind)", "records")):
        lines += [f"## {title}", "",
                  f"| series | first {window:g} min (median) | last {window:g} min (median) | growth | "
                  f"slope per hour | max |", "|---|---:|---:|---:|---:|---:|"]
        lines += [_row(name, g, unit) for name, g in growth[field].items()]
        lines.append("")
    if result["problems"]:
        lines += ["## Problems", "", *(f"- {p}" for p in result["problems"]), ""]
    return "\n".join(lines)
