"""The end-to-end figures of ``make bench``: a short ``vaxtrail load`` run against a private stack of its own.

:func:`short_run` starts a whole system for the run alone (:func:`vaxtrail_cli.private_stack.private_stack`):
its own PostgreSQL server and Kafka broker in a temporary folder on free ports, and every service's web and
worker (inventory, registration, allocation, immunization, certificate, audit) on free ports with a private
state folder and one fresh development key pair. It drives a campaign's session days through their public
HTTP APIs (:func:`vaxtrail_cli.campaign.load.run_load`) with the default mix - half of each site's tables
interactive, half offline devices uploading batches of 50 - then stops every process and deletes the folder
(also on failure, Ctrl-C or SIGTERM).

It never touches a running ``make up`` stack: not its servers, topics, consumer groups, databases or
processes, not its ``.vaxtrail/stack.env`` or ports. (``vaxtrail load`` is the client tool that drives a
running stack through its URLs; this is the benchmark.) PostgreSQL and the broker run with the local stack's
settings (fsync on, the broker's full JIT), not the test suite's quick ones.

The figures: ``doses_per_s`` (doses accepted per second over the run, the default mix),
``interactive_doses_per_s`` and ``batch_doses_per_s`` (each mode's share of that run: its own doses over
its own first-to-last window, while the other mode ran beside it; ``vaxtrail load --batch-share 0`` or
``1`` measures a mode alone), ``p95_dose_to_certificate_ms`` (dose accepted -> a certificate that
``POST /v1/verify`` accepts, sampled people), ``routes`` (HTTP p50/p95/p99 per route), ``lag_ms`` (per
downstream read model) and ``load_average`` (the machine's, before and after the load run: the stack shares
the machine with the load generator and whatever else runs). The whole run's result is written to
``<out>/e2e-<run>.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from vaxtrail_cli.campaign.load import LoadConfig, run_load

SHORT = LoadConfig(people=480, sites=4, tables=6, batch_share=0.5, batch_size=50, processes=2, duration=120.0,
                   settle=180.0, check_people=120)
CERTIFICATE = "certificate issued and verified"


def figures(result: dict[str, Any]) -> dict[str, Any]:
    """The run's headline figures (what ``bench/results/latest.json`` keeps)."""
    rates, lags = result["rates"], result["lag_ms"]
    return {
        "doses_per_s": rates["mix"]["per_second"],
        "interactive_doses_per_s": rates.get("interactive", {}).get("per_second"),
        "batch_doses_per_s": rates.get("batch", {}).get("per_second"),
        "doses": rates["mix"]["doses"],
        "p95_dose_to_certificate_ms": lags.get(CERTIFICATE, {}).get("p95"),
        "routes": {route: {k: v[k] for k in ("count", "p50", "p95", "p99")} for route, v in result["routes"].items()},
        "lag_ms": {name: {k: v[k] for k in ("count", "p50", "p95", "p99", "max")} for name, v in lags.items()},
        "counts_exact": result["checks"]["ok"],
        "run": result["run"],
    }


def short_config(duration: float | None = None) -> LoadConfig:
    """:data:`SHORT`, with ``duration`` seconds of the day (after which no new person starts) if given."""
    return replace(SHORT, duration=duration) if duration else SHORT


def short_run(out: Path, config: LoadConfig = SHORT, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Run ``config`` against a private stack; write ``<out>/e2e-<run>.json`` and return the figures."""
    from vaxtrail_cli.private_stack import private_stack

    with private_stack(prefix="bench", out=say) as stack:
        before = _load()
        result = run_load(stack.urls, stack.private_key, config, say)
        result["load_average"] = {"before": before, "after": _load()}
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"e2e-{result['run']}.json"
    path.write_text(json.dumps(result, indent=2))
    return {**figures(result), "load_average": result["load_average"], "stack": "private",
            "result_file": str(path)}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
