"""The issuer: a worker component that keeps each person's certificates in line with their record.

Why a worker component and not the projection itself: a projection may only change its own read model.
The ``canonical_records`` projection therefore just marks the person in ``certificate_pending`` (same
transaction as the record change); this loop drains the list:

1. take a batch of marks (``FOR UPDATE SKIP LOCKED``: several workers never take the same person);
2. per person: load the record and the person's certificates aggregate, :func:`synchronise` (pure), sign
   what it decided to issue, store the signed strings (``certificate_documents``, first write wins), and
   append the events with the aggregate version the decision saw;
3. delete the mark only if it was not re-marked meanwhile (then the person is simply processed again).

Every ``CERTIFICATE_RENEWAL_SCAN_SECONDS`` it also marks persons whose current certificate expires within
the renewal window, so certificates are renewed before their 12 months run out.

Exactly once: UVCIs are derived from the attested dose events, and ``synchronise`` issues only UVCIs the
aggregate does not hold - so processing a person twice (a crash before step 3, a rebuild, two workers)
appends nothing the second time; a concurrent append loses the version check (INV-37) and is re-decided.
A crash between the document insert and the append leaves a document without an event: the retry keeps
the stored document (``ON CONFLICT DO NOTHING``) and hashes *it* into the event, so event and document
always agree.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import psycopg

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict
from eventkit.store.base import AggregateChanges
from services.certificate.domain import certificates as domain
from services.certificate.formats.documents import signed_facts
from services.certificate.formats.factory import CertificateFactory
from services.certificate.records import IncompleteRecord, load_record

log = logging.getLogger(__name__)
PERSON_CERTIFICATES = AggregateSpec("person_certificates", domain.PersonCertificates.empty, domain.evolve)
CONTEXT = CommandContext(actor_id="certificate-issuer", actor_role="system")


class Issuer:
    def __init__(self, pool, repository: Repository, factory: CertificateFactory, *, country: str, producer: str,
                 clock: Callable[[], datetime], batch: int = 50, renewal_scan_seconds: float = 3600.0) -> None:
        self._renewal_scan_seconds = renewal_scan_seconds
        self._pool = pool
        self._producer = producer
        self._repository = repository
        self._factory = factory
        self._country = country
        self._clock = clock
        self._batch = batch

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

    def synchronise_person(self, conn, person_id: str) -> list:
        try:
            record = load_record(conn, person_id)
        except IncompleteRecord as exc:
            log.info("issuer: %s waits: %s", person_id, exc)
            return []
        for _ in range(5):
            try:
                return self._attempt(record)
            except ConcurrencyConflict:
                continue
        raise ConcurrencyConflict(f"person {person_id}: five concurrent changes in a row", rule="INV-37")

    def _attempt(self, record) -> list:
        aggregate_id = domain.aggregate_id(record.person_id)
        state, version = self._repository.load(PERSON_CERTIFICATES, aggregate_id)
        documents: dict[str, tuple[str, str]] = {}

        def issue(request: domain.IssueRequest) -> domain.CertificateIssued:
            signed = self._factory.sign(request)
            documents[request.certificate_id] = (request.format, signed.text)
            return signed.event

        events = domain.synchronise(state, domain.Synchronise(record, self._clock(), self._country), issue=issue)
        if not events:
            return []
        events = self._store_documents(record.person_id, documents, events)
        changes = AggregateChanges(PERSON_CERTIFICATES.type, aggregate_id, version,
                                   [self._repository.draft(e) for e in events])
        self._repository.store.append([changes], CONTEXT, producer=self._producer)
        return events

    def _store_documents(self, person_id: str, documents, events: list) -> list:
        """Write each signed string once; the event hashes the string that was kept."""
        if not documents:
            return events
        kept: dict[str, str] = {}
        with self._pool.connection() as conn, conn.transaction():
            for certificate_id, (fmt, text) in documents.items():
                conn.execute("INSERT INTO certificate_documents (certificate_id, person_id, format, content)"
                             " VALUES (%s, %s, %s, %s) ON CONFLICT (certificate_id) DO NOTHING",
                             (certificate_id, person_id, fmt, text))
                kept[certificate_id] = conn.execute(
                    "SELECT content FROM certificate_documents WHERE certificate_id = %s", (certificate_id,)
                ).fetchone()[0]
        fixed = []
        for event in events:
            if isinstance(event, domain.CertificateIssued) and kept[event.certificate_id] != documents[
                    event.certificate_id][1]:
                event = _describe_kept(event, kept[event.certificate_id])
            fixed.append(event)
        return fixed


def _describe_kept(event: domain.CertificateIssued, text: str) -> domain.CertificateIssued:
    facts = signed_facts(text)
    return replace(event, payload_hash=hashlib.sha256(facts.payload).digest(), key_id=facts.key_id,
                   issued_at=facts.issued_at, expires_at=facts.expires_at)
