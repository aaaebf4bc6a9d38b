"""The soak (issue 19, ``make soak``): campaign load for a long spell at half the load generator's sustained rate on
a private stack, sampling every process's memory and every lag, and failing if either grows past a stated bound.

:func:`run` starts a private stack (:func:`vaxtrail_cli.private_stack.private_stack`: its own PostgreSQL and
Kafka in a temporary folder, every service's web and worker on free ports - never a running ``make up``
stack) and a :class:`~.sample.Sampler` (every process's memory and every lag, every ``interval`` seconds), then

1. **measures** the rate (unless ``rate`` is given): a short unpaced day of :data:`MEASURE` through the load
   generator (:func:`vaxtrail_cli.campaign.load.run_load`) on the same stack - its doses per second, first to
   last dose; this also warms the stack up;
2. **soaks** for ``minutes``: rounds of the load generator back to back, each a whole campaign day with fresh
   ids - its setup (reference data, supply down to the sites, its people registered, approved and given
   their check-in passes: unpaced, as fast as the services answer) and then a ``round_minutes`` day whose
   tables (lanes) are paced to ``lanes / target`` seconds a person (``LoadConfig.pace``) so that together
   they accept ``target`` = half the rate doses a second, then its sessions closed and its exact counts
   checked. Rounds rather than one long day: registering a whole 30-minute day's people first would take
   longer than the day itself on two cores, and the data keeps growing across rounds as it would in a campaign;
3. **judges** (:func:`.growth.judge`) the samples of the soak (after the measuring day): per process and per
   lag the median of the first and of the last 5 minutes and the slope per hour; a growth above the bound
   fails the run; so does a round whose exact counts differ.

Writes ``<out>/soak-<run>.json`` (every sample, the rounds, the growth figures) and ``<out>/soak-<run>.md``
(the summary). ``python -m vaxtrail_cli.soak [--minutes 30] [--rate R] [--round-minutes 2]``.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaxtrail_cli.campaign.load import DaySignals, LoadConfig, run_load
from vaxtrail_cli.soak.growth import judge
from vaxtrail_cli.soak.report import markdown
from vaxtrail_cli.soak.sample import Sampler

Say = Callable[[str], None]

MEASURE = LoadConfig(people=480, sites=4, tables=6, processes=2, duration=120.0, settle=300.0, check_people=60,
                     ride_out=60.0)
"""The measuring day: the end-to-end benchmark's short run (docs/benchmarks.md), unpaced; a request rides out
a service that does not answer for up to 60 s (a shared machine can stall one)."""


@dataclass(frozen=True)
class SoakConfig:
    minutes: float = 30.0
    rate: float | None = None
    """Doses per second to soak at; None: half of what :data:`MEASURE` reaches on the same stack."""
    share: float = 0.5
    interval: float = 5.0
    window: float = 300.0
    round_minutes: float = 2.0
    """Each round's paced day (its setup - registering its people - comes before it, unpaced)."""
    sites: int = 4
    tables: int = 6


def round_load(config: SoakConfig, target: float, seconds: float, given: int) -> LoadConfig:
    """One round's day: every lane paced so that together they give ``target`` doses a second for ``seconds``;
    ``given``: the first doses of the earlier runs on the stack, whose second doses are reserved nationally
    (received twice over: stock beyond the need is harmless)."""
    lanes = config.sites * config.tables
    people = math.ceil(target * seconds * 1.1) + lanes
    return LoadConfig(people=people, sites=config.sites, tables=config.tables, processes=2, duration=seconds,
                      settle=600.0, check_people=40, pace=round(lanes / target, 3), setup_threads=8, ride_out=60.0,
                      reserve_cover=2 * given + 100)


def _round(ps, config: LoadConfig, say: Say, clock: Callable[[], float]) -> dict[str, Any]:
    day = DaySignals()
    day.release.set()
    started = clock()
    load = run_load(ps.urls, ps.private_key, config, say, signals=day)
    return {"run": load["run"], "people": config.people, "started_s": round(started, 1),
            "ended_s": round(clock(), 1), "setup_s": load["setup_seconds"], "doses": load["rates"]["mix"],
            "settle_s": load["settle_seconds"], "checks": load["checks"], "lag_ms": load["lag_ms"]}


def run(config: SoakConfig, out: Path, say: Say = print, *, fast: bool = False) -> dict[str, Any]:
    from vaxtrail_cli.private_stack import private_stack

    with private_stack(prefix="soak", fast=fast, out=say) as ps:
        sampler = Sampler(ps, config.interval)
        sampler.start()

        def clock() -> float:
            return time.monotonic() - sampler.started_at

        measured = None
        if config.rate is None:
            say("soak: measuring the sustained rate (an unpaced short day)")
            measured = run_load(ps.urls, ps.private_key, MEASURE, say)
            rate = measured["rates"]["mix"]["per_second"]
            if not rate:
                raise RuntimeError(f"the measuring day gave no rate: {measured['rates']}")
        else:
            rate = config.rate / config.share
        target = rate * config.share
        say(f"soak: {config.minutes:g} min of rounds at {target:.2f} doses/s ({config.share:.0%} of {rate:.2f}); "
            f"each round registers its people, then a {config.round_minutes:g}-minute paced day")
        load_before = os.getloadavg()
        start = clock()
        rounds = []
        while clock() - start < config.minutes * 60:
            seconds = min(config.round_minutes * 60, max(30.0, config.minutes * 60 - (clock() - start)))
            given = (measured["rates"]["mix"]["doses"] if measured else 0) + sum(r["doses"]["doses"] for r in rounds)
            try:
                rounds.append(_round(ps, round_load(config, target, seconds, given), say, clock))
            except Exception as exc:  # noqa: BLE001 - a failed round is a problem of the soak, which goes on
                rounds.append({"run": None, "error": f"{type(exc).__name__}: {exc}"[:500], "people": 0,
                               "started_s": None, "ended_s": round(clock(), 1), "setup_s": None,
                               "doses": {"doses": 0, "per_second": None}, "settle_s": None,
                               "checks": {"ok": False, "compared": 0}})
            say(f"soak: round {len(rounds)} done at {(clock() - start) / 60:.1f} min: "
                f"{rounds[-1].get('error') or rounds[-1]['doses']}")
            if sum(1 for r in rounds[-2:] if r["run"] is None) == 2:
                say("soak: two rounds in a row failed; stopping")
                break
        end = clock()
        sampler.stop()
        verdict = judge(sampler.samples, start, end, min(config.window, (end - start) / 3))
        doses = sum(r["doses"]["doses"] for r in rounds)
        result = {
            "run": next((r["run"] for r in rounds if r["run"]), "failed"), "config": dict(config.__dict__),
            "measured": None if measured is None else {"rates": measured["rates"], "checks": measured["checks"],
                                                       "run": measured["run"]},
            "rate_reached": rate, "target_doses_per_s": round(target, 2),
            "soak": {"start_s": round(start, 1), "end_s": round(end, 1), "minutes": round((end - start) / 60, 1),
                     "rounds": len(rounds), "doses": doses, "doses_per_s": round(doses / (end - start), 2),
                     "day_share": round(sum(r["ended_s"] - r["started_s"] - r["setup_s"] for r in rounds
                                            if r["run"]) / (end - start), 2)},
            "rounds": rounds,
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]},
            "cores": os.cpu_count(), "sampler_errors": sampler.errors, "sampler_last_error": sampler.last_error,
            "growth": verdict, "samples": sampler.samples,
        }
    problems = list(verdict["problems"])
    problems += [f"round {i + 1} ({r['run']}): {r.get('error') or 'the exact counts differ: ' + str(r['checks'])}"
                 for i, r in enumerate(rounds) if not r["checks"]["ok"]]
    result["problems"], result["ok"] = problems, not problems
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"soak-{result['run']}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1, default=str))
    stem.with_suffix(".md").write_text(markdown(result))
    result["result_files"] = [str(stem.with_suffix(".json")), str(stem.with_suffix(".md"))]
    return result
