"""The issuer: a worker component that keeps each person's certificates in line with their record.

Why a worker component and not the projection itself: a projection may only change its own read model.
The ``canonical_records`` projection therefore just marks the person in ``certificate_pending`` (same
transaction as the record change); this loop drains the list:

1. take a batch of marks (``FOR UPDATE SKIP LOCKED``: several workers never take the same person);
2. per person: load the canonical record (``queries.load_record``) and hand ``SynchroniseCertificates`` to
   the command bus - ``handlers.synchronise_certificates`` runs in ``es.execute(ISSUER, work, retries=5)``:
   it loads the person's certificates aggregate, decides (pure ``synchronise``), signs, keeps the signed
   strings and appends, re-deciding on fresh state after a conflict (INV-37);
3. delete the mark only if it was not re-marked meanwhile (then the person is simply processed again).

Every ``CERTIFICATE_RENEWAL_SCAN_SECONDS`` it also marks persons whose current certificate expires within
the renewal window, so certificates are renewed before their 12 months run out.

Exactly once: UVCIs are derived from the attested dose events, and ``synchronise`` issues only UVCIs the
aggregate does not hold - so processing a person twice (a crash before step 3, a rebuild, two workers)
appends nothing the second time. A crash between the document insert and the append leaves a document
without an event: the retry keeps the stored document and describes *it* in the event (handlers.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

import psycopg

from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from services.certificate.domain import certificates as domain
from services.certificate.domain.commands import SynchroniseCertificates
from services.certificate.queries import IncompleteRecord, load_record

log = logging.getLogger(__name__)
ISSUER = CommandContext(actor_id="certificate-issuer", actor_role="system")


class Issuer:
    def __init__(self, pool, bus: CommandBus, *, clock: Callable[[], datetime], batch: int = 50,
                 renewal_scan_seconds: float = 3600.0) -> None:
        self._pool = pool
        self._bus = bus
        self._clock = clock
        self._batch = batch
        self._renewal_scan_seconds = renewal_scan_seconds

    def run(self, stop: threading.Event) -> None:
        """Drain marks until ``stop``; wakes on NOTIFY certificate_pending, polls every second as a safety net."""
        while not stop.is_set():
            try:
                with psycopg.connect(self._pool.conninfo, autocommit=True) as listener:
                    listener.execute("LISTEN certificate_pending")
                    next_scan = time.monotonic()
                    while not stop.is_set():
                        if time.monotonic() >= next_scan:
                            self.mark_expiring()
                            next_scan = time.monotonic() + self._renewal_scan_seconds
                        if self._drain_safely(stop):
                            continue
                        for _ in listener.notifies(timeout=1.0, stop_after=1):
                            pass
            except psycopg.OperationalError:
                log.exception("issuer: database unavailable; reconnecting")
                stop.wait(1.0)

    def mark_expiring(self) -> int:
        """Mark persons whose current certificate expires within the renewal window (renewal, see domain)."""
        horizon = self._clock() + domain.RENEW_WITHIN
        with self._pool.connection() as conn, conn.transaction():
            marked = conn.execute(
                "INSERT INTO certificate_pending (person_id, mark) SELECT p, nextval('certificate_pending_mark')"
                " FROM (SELECT DISTINCT person_id AS p FROM certificate_view WHERE current AND status = 'ACTIVE'"
                " AND expires_at < %s) expiring ON CONFLICT (person_id) DO NOTHING", (horizon,)).rowcount
        return marked

    def _drain_safely(self, stop: threading.Event) -> int:
        try:
            return self.drain_once()
        except psycopg.OperationalError:
            raise
        except Exception:  # noqa: BLE001 - never die silently; the marks stay and are retried
            log.exception("issuer: batch failed; retrying")
            stop.wait(1.0)
            return 0

    def drain_once(self) -> int:
        """Process one batch of pending persons; returns how many were taken."""
        with self._pool.connection() as conn, conn.transaction():
            marks = conn.execute("SELECT person_id, mark FROM certificate_pending ORDER BY mark LIMIT %s"
                                 " FOR UPDATE SKIP LOCKED", (self._batch,)).fetchall()
            for person_id, mark in marks:
                self.synchronise_person(conn, person_id)
                conn.execute("DELETE FROM certificate_pending WHERE person_id = %s AND mark = %s", (person_id, mark))
        return len(marks)

    def synchronise_person(self, conn, person_id: str) -> AppendResult | None:
        """Decide and append for one person; None while their record is incomplete (marked again later)."""
        try:
            record = load_record(conn, person_id)
        except IncompleteRecord as exc:
            log.info("issuer: %s waits: %s", person_id, exc)
            return None
        return self._bus.handle(SynchroniseCertificates(record), ISSUER)
