"""Every hash chain and every signed checkpoint of a private stack verifies (``vaxtrail audit verify``'s check).

:func:`seal_and_sign` waits until the audit sealer's Merkle tree of each logged service holds every event of
its store, then asks the audit service to sign a checkpoint of every log now (``POST /v1/checkpoints``, as a
national admin), so that the checkpoint verified afterwards covers every event of the run (the publisher
signs on its own only every 60 s; a log that has not grown is not signed again, so nothing changes the
read models after this).

:func:`verify_logs` runs :func:`services.audit.verify.verify_service` for every logged service - its store's
hash chains from position 0, every event in the audit log once at its position with its hash, the Merkle tree
against the latest signed checkpoint, whose Ed25519 signature is checked with the audit service's own key
(from its state folder) - and requires that checkpoint to cover the whole store. The audit service's own store
(the checkpoints' stream) is checked for its hash chains the same way.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from vaxtrail_cli.http import http_json


def _unsealed(stack) -> dict[str, int]:
    from services.audit.projections.log import LOGGED_SERVICES

    with psycopg.connect(stack["audit"].database_url, autocommit=True) as audit:
        sizes = dict(audit.execute("SELECT service, size FROM audit_trees").fetchall())
    behind = {}
    for service in LOGGED_SERVICES:
        with psycopg.connect(stack[service].database_url, autocommit=True) as store:
            events = store.execute("SELECT count(*) FROM events").fetchone()[0]
        if sizes.get(service, 0) < events:
            behind[service] = events - sizes.get(service, 0)
    return behind


def seal_and_sign(stack, timeout: float = 120.0) -> dict[str, int]:
    """Wait until every tree holds its whole store, then sign every log now; ``log`` -> the checkpoint's size."""
    deadline = time.monotonic() + timeout
    while behind := _unsealed(stack):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the audit sealer has not sealed every event after {timeout:.0f}s: {behind}")
        time.sleep(0.5)
    status, body = http_json("POST", stack["audit"].url("/v1/checkpoints"), {},
                             stack.headers("national_admin", "national"), timeout=60)
    if status not in (200, 201):
        raise RuntimeError(f"POST /v1/checkpoints answered {status}: {body}")
    return {c["log"]: c["tree_size"] for c in body["checkpoints"]}


def _verifier(stack, service: str) -> tuple[str, bytes]:
    from pathlib import Path

    from vaxtrail_cli.commands.audit_client import public_key_of, signing_key_in

    audit = stack["audit"]
    prefix = audit.env.get("AUDIT_LOG_ORIGIN", "vaxtrail.local/audit").rstrip("/")
    key = audit.env.get("AUDIT_SIGNING_KEY_FILE") or signing_key_in(Path(audit.env["VAXTRAIL_STATE_DIR"]))
    return f"{prefix}/{service}", public_key_of(Path(key))


def verify_logs(stack) -> dict[str, dict[str, Any]]:
    """``service`` -> its report (``ok`` only if nothing is wrong and the checkpoint covers every event)."""
    from services.audit.projections.log import LOGGED_SERVICES
    from services.audit.verify import verify_service

    reports = {}
    with psycopg.connect(stack["audit"].database_url) as audit:
        for service in (*LOGGED_SERVICES, "audit"):
            own = service == "audit"  # the audit's own store: no log of its own, its hash chains are checked
            with psycopg.connect(stack[service].database_url) as store:
                report = verify_service(service, store, audit, None if own else _verifier(stack, service))
            problems = [str(p) for p in report.problems[:20]]
            if not own and report.checkpoint_size != report.store_events:
                problems.append(f"the latest signed checkpoint covers {report.checkpoint_size} of "
                                f"{report.store_events} events")
            reports[service] = {"events": report.store_events, "logged": report.logged_events,
                                "tree_size": report.tree_size, "checkpoint_size": report.checkpoint_size,
                                "ok": not problems, "problems": problems}
    return reports
