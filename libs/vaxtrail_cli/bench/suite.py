"""One ``make bench`` run: every benchmark on one machine, every figure beside its limit, Markdown and JSON.

The benchmarks (each in its own module of this package, each in its own ``bench.<run id>.*`` topics and
``bench_<run id>_*`` databases):

=============  ==========================================================================================
``throughput`` raw produce / consume, relay, projection ``stock_on_hand`` (:mod:`.throughput`)
``rebuild``    ``vaxtrail rebuild`` of a 1,000,000-event topic into ``stock_on_hand`` (:mod:`.rebuild`)
``certificate`` HC1 / SHC verification vs raw ECDSA P-256 verify, signing, QR (:mod:`.certificate`)
``latency``    dose administered -> certificate available, the certificate worker's real components
``e2e``        the end-to-end load generator's short run against a private stack of its own (its own
               PostgreSQL, Kafka and six services, removed afterwards): ``vaxtrail_cli.bench.e2e.short_run(
               results folder, config, say) -> dict`` (:mod:`.e2e`); skipped while that module does not exist
``export``     ``vaxtrail export`` (decode, flatten, pseudonymise, Parquet) vs raw consume of the same records
               (:mod:`.export`)
``registration_bulk`` CSV bulk upload rows/s and memory (:mod:`.registration_bulk`); only with ``--only``
=============  ==========================================================================================

:func:`run` returns one result; :func:`write_results` writes ``latest.json`` (the machine-readable one:
``ratios``, ``figures``, ``e2e``, ``targets``), ``latest.md`` and a dated copy of the JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vaxtrail_cli.bench import bench_names
from vaxtrail_cli.bench.kafka_limits import Figure

BENCHMARKS = ("throughput", "rebuild", "certificate", "latency", "export", "e2e", "registration_bulk")
DEFAULT = frozenset(BENCHMARKS) - {"registration_bulk"}
TARGETS = {
    "projection_vs_raw_consume": 0.5,
    "hc1_verify_vs_raw_ecdsa": 0.8,
}
"""Ratio -> the least it should be (issue 10); a benchmark figure, never a test assertion."""
E2E_TARGETS = {"doses_per_s": (">=", 700), "p95_dose_to_certificate_ms": ("<", 2000)}


@dataclass(frozen=True)
class Options:
    events: int = 50_000
    rebuild_events: int = 1_000_000
    seconds: float = 3.0
    latency_persons: int = 200
    latency_pace: float = 20.0
    only: frozenset[str] = DEFAULT
    results: Path = Path("bench/results")
    """Where the results go; the e2e benchmark writes its whole run there too (``e2e-<run>.json``)."""
    e2e_duration: float | None = None
    """Seconds of the e2e run's day (after which no new person starts); None: the short run's own."""

    def needs_servers(self) -> bool:
        """Whether a selected benchmark runs on a PostgreSQL server and broker the caller gives (all but e2e,
        which starts a private stack of its own)."""
        return bool(self.only - {"e2e"})


def run(server_url: str | None, bootstrap: str | None, options: Options, out: Callable[[str], None] = print) -> dict:
    """Run the selected benchmarks, in one process, one after the other; returns the result.

    ``server_url`` / ``bootstrap`` may be None when :meth:`Options.needs_servers` is False."""
    from vaxtrail_cli.bench import certificate, rebuild, throughput

    names = bench_names()
    result: dict = {"run_id": names.run_id, "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": machine(), "options": {"events": options.events,
                                                      "rebuild_events": options.rebuild_events,
                                                      "e2e_duration": options.e2e_duration},
                    "figures": {}, "certificate": {}, "e2e": None}
    figures: dict[str, Figure] = {}
    if "throughput" in options.only:
        figures |= throughput.run(server_url, bootstrap, options.events, out, names=names)["figures"]
    if "rebuild" in options.only:
        figures |= rebuild.run(server_url, bootstrap, options.rebuild_events, out, names=names)["figures"]
    if "certificate" in options.only:
        out("certificate: offline verification, signing, QR ...")
        result["certificate"]["offline"] = certificate.offline_rates(options.seconds)
    if "latency" in options.only:
        out("certificate: dose -> certificate latency ...")
        result["certificate"]["dose_to_certificate"] = certificate.latency(
            options.latency_persons, options.latency_pace, names=names, server=server_url, bootstrap=bootstrap)
    if "export" in options.only:
        from vaxtrail_cli.bench import export

        out("analysts: vaxtrail export vs raw consume ...")
        result["export"] = export.run(out, bootstrap=bootstrap, names=names)
    if "e2e" in options.only:
        result["e2e"] = e2e(out, options.results, options.e2e_duration)
    if "registration_bulk" in options.only:
        from vaxtrail_cli.bench import registration_bulk

        out("registration: CSV bulk uploads ...")
        result["registration_bulk"] = registration_bulk.measure(server_url, out=out)
    result["figures"] = {key: f.as_dict() for key, f in figures.items()}
    result["ratios"] = ratios(result)
    result["targets"] = {**TARGETS, **{f"e2e.{k}": f"{op} {v}" for k, (op, v) in E2E_TARGETS.items()}}
    result["machine"]["load_average_after"] = _load()
    return result


def e2e(out: Callable[[str], None], results: Path, duration: float | None = None) -> dict:
    """The load generator's short run (on a private stack), its whole run written to ``results``, if it exists in
    this checkout (see docs/benchmarks.md)."""
    try:
        module = importlib.import_module("vaxtrail_cli.bench.e2e")
    except ModuleNotFoundError as exc:
        if exc.name != "vaxtrail_cli.bench.e2e":
            raise
        return {"skipped": "vaxtrail_cli.bench.e2e does not exist in this checkout"}
    out("end to end: the load generator's short run ...")
    return module.short_run(results, module.short_config(duration), say=out)


def ratios(result: dict) -> dict[str, float | None]:
    f, offline = result["figures"], result["certificate"].get("offline", {})

    def ratio(top: float | None, bottom: float | None) -> float | None:
        return round(top / bottom, 3) if top and bottom else None

    def rate(key: str) -> float | None:
        return f[key]["events"] / f[key]["seconds"] if key in f and f[key]["seconds"] else None

    return {
        "projection_vs_raw_consume": ratio(rate("projection"), rate("raw_consume")),
        "relay_vs_raw_produce": ratio(rate("relay"), rate("raw_produce")),
        "rebuild_vs_raw_consume": ratio(rate("rebuild_steady"), rate("rebuild_raw_consume")),
        "hc1_verify_vs_raw_ecdsa": ratio(offline.get("hc1_verify_per_s"), offline.get("raw_ecdsa_p256_verify_per_s")),
        "shc_verify_vs_raw_ecdsa": ratio(offline.get("shc_verify_per_s"), offline.get("raw_ecdsa_p256_verify_per_s")),
        "export_vs_raw_consume": (result.get("export") or {}).get("export / raw consume"),
    }


def machine() -> dict:
    return {"cpus": os.cpu_count() or 0, "python": platform.python_version(), "platform": platform.platform(),
            "load_average_before": _load()}


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# -- output ----------------------------------------------------------------------------------------------------
def rows(result: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, limit, ratio, target) - every figure beside its limit, from the same run."""
    f, r, out = result["figures"], result["ratios"], []

    def rate(key: str) -> str:
        return f"{f[key]['rate_per_s']:,}/s" if key in f else "-"

    def ratio(key: str) -> str:
        return f"{r[key]:.2f}" if r.get(key) is not None else "-"

    def target(key: str) -> str:
        return f">= {TARGETS[key]:.2f}" if key in TARGETS else ""

    if "projection" in f:
        out.append(("projection stock_on_hand (worker loop)", rate("projection"),
                    f"raw consume {rate('raw_consume')}", ratio("projection_vs_raw_consume"),
                    target("projection_vs_raw_consume")))
        out.append(("relay: store -> Kafka", rate("relay"), f"raw produce {rate('raw_produce')}",
                    ratio("relay_vs_raw_produce"), ""))
        out.append(("event store append (50 per append)", rate("append"), "", "", ""))
    if "rebuild" in f:
        whole = f["rebuild"]
        out.append((f"vaxtrail rebuild stock_on_hand, {whole['events']:,} events",
                    f"{whole['seconds']:,.0f} s, {whole['rate_per_s']:,}/s ({rate('rebuild_steady')} steady)",
                    f"raw consume {rate('rebuild_raw_consume')}", ratio("rebuild_vs_raw_consume"), ""))
    offline = result["certificate"].get("offline")
    if offline:
        ecdsa = f"raw ECDSA P-256 verify {offline['raw_ecdsa_p256_verify_per_s']:,}/s"
        out.append(("HC1 verification", f"{offline['hc1_verify_per_s']:,}/s", ecdsa, ratio("hc1_verify_vs_raw_ecdsa"),
                    target("hc1_verify_vs_raw_ecdsa")))
        out.append(("SHC verification", f"{offline['shc_verify_per_s']:,}/s", ecdsa, ratio("shc_verify_vs_raw_ecdsa"),
                    ""))
        out.append(("issue both formats (sign)", f"{offline['issue_both_formats_per_s']:,}/s",
                    f"raw ECDSA P-256 sign {offline['raw_ecdsa_p256_sign_per_s']:,}/s", "", ""))
    exported = result.get("export")
    if exported:
        out.append((f"vaxtrail export to Parquet, {exported['events']:,} events", f"{exported['export_per_s']:,}/s",
                    f"raw consume {exported['raw_consume_per_s']:,}/s", ratio("export_vs_raw_consume"), ""))
    latency = result["certificate"].get("dose_to_certificate")
    if latency:
        out.append((f"dose -> certificate ({latency['persons']} at {latency['pace_per_s']:g}/s)",
                    f"p50 {latency['p50_ms']:,.0f} ms, p95 {latency['p95_ms']:,.0f} ms", "", "", "p95 < 2,000 ms"))
    e2e_result = result.get("e2e") or {}
    for key, (op, value) in E2E_TARGETS.items():
        if key in e2e_result:
            out.append((f"end to end: {key}", f"{e2e_result[key]:,}", "", "", f"{op} {value:,}"))
    if "skipped" in e2e_result:
        out.append(("end to end (load generator)", "skipped", "", "", e2e_result["skipped"]))
    return out


def render_markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"# Benchmark {result['when']} (run {result['run_id']})", "",
        f"{m['cpus']} CPUs; Python {m['python']}; {m['platform']}; load average before "
        f"{', '.join(map(str, m.get('load_average_before', [])))}, after "
        f"{', '.join(map(str, m.get('load_average_after', [])))}. One single-node broker and PostgreSQL on the "
        "same machine.", "",
        "| figure | this run | limit (same run) | ratio | target |", "|---|---:|---:|---:|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows(result)]
    if result["figures"]:
        lines += ["", "| measurement | events | seconds | events/s |", "|---|---:|---:|---:|"]
        lines += [f"| {f['name']} | {f['events']:,} | {f['seconds']:.2f} | {f['rate_per_s']:,} |"
                  for f in result["figures"].values()]
    return "\n".join(lines) + "\n"


def write_results(result: dict, directory: Path) -> list[Path]:
    """``latest.json``, ``latest.md`` and ``bench-<stamp>.json`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, default=str) + "\n"
    stamp = result["when"].replace(":", "").replace("-", "")[:15]
    paths = [directory / "latest.json", directory / "latest.md", directory / f"bench-{stamp}.json"]
    paths[0].write_text(text)
    paths[1].write_text(render_markdown(result))
    paths[2].write_text(text)
    return paths
