"""What the fault suite proves once the faults are over and the stack has settled.

- **no server error but "away"**: across every request of the day (the lanes', the probes'), a 5xx other
  than 502 / 503 / 504 is a problem; 503s (PostgreSQL down) and unanswered attempts (status 0: a process
  killed) are counted, as what the clients rode out;
- **no dead letter**: every service's dead-letter topic is empty;
- **every log verifies** (:mod:`vaxtrail_cli.faults.logs`): once the sealer has sealed every event, a
  checkpoint of every log is signed; each service's store against the audit service's log - hash chains,
  every event logged once in position order, the Merkle tree against that signed checkpoint (its signature
  checked with the audit key) covering every event (:func:`services.audit.verify.verify_service`); the audit's
  own store's hash chains;
- **every read model equals a fresh rebuild** (:func:`vaxtrail_cli.readmodel_digests.rebuild_and_compare`):
  a digest of every table of every service's projections, then every projection rebuilt from offset 0 by the
  running workers (``vaxtrail rebuild``) and its tables' digests compared; a table that differs is named;
  afterwards every log verifies again (the audit log's tree was rebuilt too);
- **the partner feed holds every dose once** after all that, the rebuild's re-derivation included
  (:mod:`vaxtrail_cli.faults.partner`).

The load generator's own checks (exact counts across the services) are in the load's result.
"""

from __future__ import annotations

import time
from typing import Any

from eventkit.topics import dlq_topic
from vaxtrail_cli.catchup import topic_bounds
from vaxtrail_cli.faults.logs import seal_and_sign, verify_logs
from vaxtrail_cli.faults.settle import wait_settled
from vaxtrail_cli.readmodel_digests import rebuild_and_compare

AWAY = {"0", "502", "503", "504"}


def statuses(load: dict[str, Any]) -> dict[str, int]:
    """Requests by status over the day's routes and the probes' routes."""
    total: dict[str, int] = {}
    for group in ("routes", "probe_routes"):
        for figures in load.get(group, {}).values():
            for status, count in figures["statuses"].items():
                total[status] = total.get(status, 0) + count
    return dict(sorted(total.items()))


def dead_letters(bootstrap: str, services) -> dict[str, int]:
    first, end = topic_bounds(bootstrap, tuple(dlq_topic(s) for s in services))
    counts: dict[str, int] = {}
    for (topic, partition), last in end.items():
        counts[topic] = counts.get(topic, 0) + last - first[(topic, partition)]
    return counts


def verdict(ps, load: dict[str, Any], *, partner: str | None = None) -> dict[str, Any]:
    """The checks above on the private stack ``ps`` after the run; ``problems`` lists every failed one.
    ``partner``: the partner granted the doses feed before the day (:func:`vaxtrail_cli.faults.partner.check`)."""
    from vaxtrail_cli.faults import partner as partner_feed

    def settle() -> float:
        return wait_settled(ps.stack, ps.infra.kafka_bootstrap, timeout=600)

    settled = settle()
    by_status = statuses(load)
    letters = dead_letters(ps.infra.kafka_bootstrap, ps.stack.services)
    started = time.monotonic()
    signed = seal_and_sign(ps.stack)
    settle()
    chains = verify_logs(ps.stack)
    checked = time.monotonic()
    models = rebuild_and_compare(ps.stack.services, settle)
    chains_after = verify_logs(ps.stack)
    timings = {"logs_s": round(checked - started, 1), "read_models_s": models["seconds"],
               "logs_after_rebuild_s": round(time.monotonic() - checked - models["seconds"], 1)}
    # after the rebuild, which derived every record again: still one each
    feed = partner_feed.check(ps.stack, ps.infra.kafka_bootstrap, partner) if partner else None
    problems = [f"{count} answers {status}" for status, count in by_status.items()
                if status.startswith("5") and status not in AWAY]
    problems += [f"{topic}: {count} dead letters" for topic, count in letters.items() if count]
    problems += [f"{service} log: {', '.join(r['problems']) or 'not ok'}" for service, r in chains.items()
                 if not r["ok"]]
    problems += [f"read model differs from a fresh rebuild: {line}" for line in models["differences"]]
    if models["differences"] and models["appended_meanwhile"]:
        problems.append(f"events appended during the rebuild: {models['appended_meanwhile']}")
    problems += [f"{service} log after the rebuild: {', '.join(r['problems']) or 'not ok'}"
                 for service, r in chains_after.items() if not r["ok"]]
    problems += feed["problems"] if feed else []
    if not load["checks"]["ok"]:
        problems.append(f"the load's counts differ: {load['checks']}")
    return {"requests_by_status": by_status, "ridden_out": {s: n for s, n in by_status.items() if s in AWAY},
            "dead_letters": letters, "checkpoints_signed": signed, "logs": chains, "partner_feed": feed,
            "read_models": {k: v for k, v in models.items() if k != "digests"}, "digests": models["digests"],
            "final_settle_s": round(settled, 1), "final_checks_s": timings, "problems": problems}
