"""The publisher: signs a checkpoint of every grown log every ``AUDIT_CHECKPOINT_SECONDS`` and turns each
chain finding of the log projections into ``AuditChainBroken`` (plus ``vaxtrail_audit_chain_broken_total``,
alerted on in docs/operations.md)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import psycopg
from prometheus_client import Counter
from psycopg_pool import ConnectionPool

from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict
from eventkit.handling import CommandBus
from services.audit.domain.events import AuditChainBroken, ReportChainBroken, SignCheckpoint

log = logging.getLogger(__name__)

CHAIN_BROKEN = Counter("vaxtrail_audit_chain_broken_total",
                       "Events whose hash-chain link failed when the audit service consumed them",
                       ["service", "reason"])
WORKER = CommandContext(actor_id="audit-publisher", actor_role="system")


def sign_all(bus: CommandBus, logs: Sequence[str], context: CommandContext = WORKER) -> list[dict]:
    """Sign a checkpoint of each log (nothing is appended for a log that has not grown)."""
    return [bus.handle(SignCheckpoint(name), context).response for name in logs]


def report_findings(pool: ConnectionPool, bus: CommandBus, clock: Callable[[], datetime], limit: int = 100) -> int:
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT service, event_id, position, event_type, aggregate_id, aggregate_version, reason,"
            " expected_hash, found_hash, found_at FROM audit_findings WHERE reported_at IS NULL"
            " ORDER BY found_at LIMIT %s", (limit,)).fetchall()
    for service, event_id, position, event_type, aggregate_id, version, reason, expected, found, found_at in rows:
        finding = AuditChainBroken(
            topic=f"vaxtrail.{service}.v1", aggregate_id=aggregate_id, aggregate_version=version,
            expected_hash=bytes(expected), found_hash=bytes(found), event_id=str(event_id), partition=-1,
            offset=-1, service=service, position=position, event_type=event_type, reason=reason,
            found_at=found_at)
        result = bus.handle(ReportChainBroken(finding), WORKER)
        with pool.connection() as conn:
            conn.execute("UPDATE audit_findings SET reported_at = now() WHERE service = %s AND event_id = %s",
                         (service, event_id))
        if result.events:
            CHAIN_BROKEN.labels(service, reason).inc()
            log.error("audit: chain broken in %s at position %s (event %s, %s): %s", service, position, event_id,
                      event_type, reason)
    return len(rows)


def publisher(pool: ConnectionPool, bus: CommandBus, logs: Sequence[str], *, clock: Callable[[], datetime],
              checkpoint_seconds: float, poll_seconds: float = 1.0) -> Callable[[threading.Event], None]:
    def run(stop: threading.Event) -> None:
        next_checkpoint = time.monotonic() + min(checkpoint_seconds, 10.0)
        while not stop.is_set():
            try:
                report_findings(pool, bus, clock)
                if time.monotonic() >= next_checkpoint:
                    sign_all(bus, logs)
                    next_checkpoint = time.monotonic() + checkpoint_seconds
            except ConcurrencyConflict:
                log.info("publisher: another signer moved a checkpoint stream; next round")
            except psycopg.Error as exc:
                log.warning("publisher: database error, retrying: %s", exc)
            except Exception:  # noqa: BLE001 - logged; the next round retries
                log.exception("publisher: round failed")
            stop.wait(poll_seconds)

    return run
