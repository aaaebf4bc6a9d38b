"""The fault suite's short schedule (issue 19; the whole one is ``make faults``): during a campaign day driven
through the public APIs, a worker and a web are SIGKILLed and restarted, the broker is SIGKILLed and
restarted, PostgreSQL is shut down immediately and restarted, and every process is SIGKILLed at once - then
nothing was lost or doubled (the load generator's exact counts across the services), no request got a server
error but "away" (503 / no answer, ridden out with the same Idempotency-Key), no dead letter, every
service's hash chains and Merkle tree verify against its store and against a checkpoint signed at the end, and
every table of every read model has the digest of a fresh rebuild (``vaxtrail rebuild`` of everything), and a
partner granted the doses feed before the day has every dose once on its topic.

It runs its own private PostgreSQL and Kafka (:mod:`vaxtrail_cli.faults`): it kills them, so it cannot share
the session's servers.
"""

from __future__ import annotations

import json

from vaxtrail_cli import faults


def test_the_short_fault_schedule_loses_nothing_and_doubles_nothing(tmp_path):
    result = faults.run(faults.SHORT, tmp_path, say=print, fast=True)
    summary = {k: result[k] for k in ("faults", "requests_by_status", "dead_letters", "problems")}
    print(f"final checks: {result.get('final_checks_s')}; read models: {result.get('read_models')}")
    assert result["ok"], json.dumps(summary, indent=2)
    assert [f["fault"] for f in result["faults"]] == [" ".join(f) for f in faults.SHORT_SCHEDULE]
    assert result["load"]["rates"]["mix"]["doses"] > 0 and result["load"]["checks"]["compared"] > 0
    logged = {s: r for s, r in result["logs"].items() if s != "audit"}  # the audit's own store: chains only
    assert all(r["ok"] and r["events"] == r["logged"] == r["checkpoint_size"] for r in logged.values()), logged
    assert result["logs"]["audit"]["ok"] and result["logs"]["audit"]["events"] > 0
    models = result["read_models"]
    assert models["differences"] == [] and models["projections"] >= 20 and models["rows"] > 0, models
    assert all(service in {k.split(".")[0] for k in result["digests"]} for service in faults.FAULT_SERVICES)
    feed = result["partner_feed"]  # a partner granted the doses feed before the day: every dose once, published
    assert feed["problems"] == [] and feed["doses"] == feed["records"] == feed["published_distinct"] > 0, feed
