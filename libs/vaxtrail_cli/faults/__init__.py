"""The fault suite (issue 19): faults done to a whole private stack while the load generator runs a campaign
day, and the proof afterwards that nothing was lost or doubled.

:func:`run` starts a private stack (:func:`vaxtrail_cli.private_stack.private_stack`: its own PostgreSQL,
Kafka, and every service's web and worker on free ports - never a running ``make up`` stack), starts a
campaign day through the public APIs in a thread (:func:`vaxtrail_cli.campaign.load.run_load`, every request
riding out its service being away: retried with the same ``Idempotency-Key`` on no answer or a 502 / 503 /
504), and once the day has begun does the schedule's faults one after the other
(:mod:`vaxtrail_cli.faults.injure`: SIGKILL of a worker or a web and its restart, every process at once, a
SIGSTOPped worker resumed as a zombie, the broker SIGKILLed and restarted, PostgreSQL shut down immediately
and restarted), each timed until the stack has absorbed it (:mod:`vaxtrail_cli.faults.settle`).

A partner granted the doses feed before the day (:mod:`vaxtrail_cli.faults.partner`) must afterwards hold
every dose once. Afterwards (:mod:`vaxtrail_cli.faults.verdict`): the load generator's exact counts across the services (every
dose answered 2xx is in every read model that counts doses, once; every sampled person's record and
certificate), no server error other than "away" (500s are failures; 503s while PostgreSQL was down are
counted), no record in any dead-letter topic, every service's hash chains and Merkle tree verify against
its store and against a checkpoint signed once everything is sealed (``vaxtrail audit verify``'s check, with
the signature), and every read model equals a fresh rebuild - a digest per table, live and after ``vaxtrail
rebuild`` of every projection (:mod:`vaxtrail_cli.readmodel_digests`). The result - faults with their recovery
times and backlog peaks, requests by status, the final checks and their times, the load's figures - is written
to ``<out>/faults-<run>.json``.

``python -m vaxtrail_cli.faults [--short]`` (``make faults``); the short schedule also runs in ``make test``
(``tests/faults``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaxtrail_cli.campaign.load import DaySignals, LoadConfig, run_load
from vaxtrail_cli.private_services import SERVICES

FAULT_SERVICES = (*SERVICES, "partner")
"""Every service, the partner service too: its feed derivation and feed relay take the faults with the rest."""

Say = Callable[[str], None]

FULL_SCHEDULE: tuple[tuple[str, ...], ...] = (
    *(("kill", service, kind) for service in FAULT_SERVICES for kind in ("worker", "web")),
    ("kill-all",), ("zombie", "immunization"), ("kafka-restart",), ("postgres-restart",),
)
"""Every worker and every web killed in turn, then all at once, a zombie worker, the broker, the database."""

SHORT_SCHEDULE: tuple[tuple[str, ...], ...] = (("kill-all",), ("postgres-restart",), ("kafka-restart",))
"""The short version (``make test``): every process at once, the database, the broker."""


@dataclass(frozen=True)
class FaultConfig:
    schedule: tuple[tuple[str, ...], ...] = FULL_SCHEDULE
    load: LoadConfig = LoadConfig(people=2400, sites=4, tables=6, duration=900.0, settle=600.0, check_people=400,
                                  ride_out=300.0, pace=9.0)
    zombie_seconds: float = 20.0
    settle_timeout: float = 600.0


SHORT = FaultConfig(schedule=SHORT_SCHEDULE, zombie_seconds=10.0, settle_timeout=300.0,
                    load=LoadConfig(people=240, sites=2, tables=4, duration=120.0, settle=300.0, check_people=60,
                                    ride_out=240.0, processes=1, pace=3.0))
"""A day of about 90 s (30 people a table, 3 s each) on 2 sites x 4 tables."""


def run(config: FaultConfig, out: Path, say: Say = print, *, fast: bool = False) -> dict[str, Any]:
    """Run the schedule against a private stack during a load run; returns (and writes) the result."""
    from vaxtrail_cli.faults import partner
    from vaxtrail_cli.faults.injure import Target, inflict
    from vaxtrail_cli.faults.verdict import verdict
    from vaxtrail_cli.private_stack import private_stack

    with private_stack(FAULT_SERVICES, prefix="faults", fast=fast, out=say) as ps:
        feed = partner.grant(ps.stack)
        # a fault early in the day on a saturated machine may not be absorbed before the day's load eases (the
        # backlog stays above the one seen before the fault): it may take the rest of the day, then the timeout
        target = Target(ps.infra, ps.stack, say, zombie_seconds=config.zombie_seconds,
                        settle_timeout=config.settle_timeout + config.load.duration)
        day, box = DaySignals(), {}

        def load() -> None:
            try:
                box["load"] = run_load(ps.urls, ps.private_key, config.load, say, signals=day)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                box["error"] = exc
                day.started.set()

        driver = threading.Thread(target=load, name="fault-load", daemon=True)
        driver.start()
        day.started.wait()
        if "error" in box:
            raise box["error"]
        started = time.monotonic()
        faults = []
        try:
            for fault in config.schedule:
                record = inflict(target, *fault, loaded=not day.ended.is_set())
                record["during_the_day"] = not day.ended.is_set()
                faults.append(record)
        finally:
            day.release.set()
        driver.join()
        if "error" in box:
            raise box["error"]
        result = {"faults": faults, "faults_seconds": round(time.monotonic() - started, 1),
                  "load": box["load"], **verdict(ps, box["load"], partner=feed)}
    result["ok"] = bool(result["load"]["checks"]["ok"]) and not result["problems"]
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"faults-{result['load']['run']}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    result["result_file"] = str(path)
    return result
