"""The FHIR bulk exporter: builds queued ``$export`` jobs (docs/fhir.md).

One job at a time: claim it (``FOR UPDATE SKIP LOCKED`` in a transaction held while it is built), read
every record in the job's scope from one ``REPEATABLE READ`` snapshot of the read models (the manifest's
``transactionTime`` is that snapshot's), record one ``PersonalDataAccessed`` per exported person (as the
requester), then store the NDJSON files and mark the job COMPLETE in the claiming transaction. A crash
before that commit leaves the job QUEUED: it is built again (and its reads recorded again - a retried read
is another read). A job that fails on its own data is marked FAILED with the error.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import psycopg

from eventkit import access
from eventkit.envelope import CommandContext
from services.immunization.domain import fhir
from services.immunization.domain.fhir_export import ndjson
from services.immunization.queries import export_jobs
from services.immunization.queries.export_jobs import ExportJob
from services.immunization.queries.fhir import doses_in_scope, next_doses_in_scope

log = logging.getLogger(__name__)
ENDPOINT = "GET /fhir/$export"


@dataclass(frozen=True)
class FhirExporter:
    pool: Any
    es: Any
    country: str
    idle: float = 0.5

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                done = self.build_one()
            except Exception:  # noqa: BLE001 - e.g. the database is away: the job stays queued, try again
                log.exception("fhir export: a job could not be built; retrying")
                done = False
            if not done:
                stop.wait(self.idle)

    def build_one(self) -> bool:
        """Build the oldest queued job; False when there was none."""
        with self.pool.connection() as conn, conn.transaction():
            job = export_jobs.claim_queued(conn)
            if job is None:
                return False
            try:
                transaction_time, files, persons = self.read(job)
                context = CommandContext(actor_id=job.actor_id, actor_role=job.actor_role, correlation_id=job.job_id,
                                         causation_id=job.job_id)
                access.record_accesses(self.es, context, sorted(persons), job.purpose, ENDPOINT)
            except (psycopg.OperationalError, psycopg.InterfaceError):
                raise
            except Exception as exc:  # noqa: BLE001 - the job's own failure is its answer; the loop goes on
                log.exception("fhir export %s failed", job.job_id)
                export_jobs.fail(conn, job.job_id, f"{type(exc).__name__}: {exc}"[:500])
                return True
            export_jobs.complete(conn, job.job_id, transaction_time, files)
            log.info("fhir export %s complete: %s", job.job_id, {kind: count for kind, count, _ in files})
            return True

    def read(self, job: ExportJob):
        """(transaction time, [(type, count, NDJSON)], persons exported) from one snapshot."""
        persons: set[str] = set()
        files = []
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            transaction_time = conn.execute("SELECT now()").fetchone()[0]
            if "Immunization" in job.types:
                doses = list(doses_in_scope(conn, job.scopes, self.country))
                persons.update(d.person_id for d in doses)
                files.append(("Immunization", *ndjson(fhir.immunization(d) for d in doses)))
            if "ImmunizationRecommendation" in job.types:
                nexts = list(next_doses_in_scope(conn, job.scopes))
                persons.update(n.person_id for n in nexts)
                files.append(("ImmunizationRecommendation", *ndjson(fhir.recommendation(n) for n in nexts)))
        return transaction_time, files, persons
