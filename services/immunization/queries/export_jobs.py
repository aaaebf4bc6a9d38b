"""Bulk Data export jobs (table ``fhir_export_jobs`` and their NDJSON files, migration 0006).

The web process queues a job (:meth:`ExportJobs.queue`) and answers its status and files; the worker's
exporter (:mod:`services.immunization.workers.fhir_export`) claims queued jobs one at a time
(``FOR UPDATE SKIP LOCKED``: two workers never build the same job) and stores the files with the job's
completion in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExportJob:
    job_id: str
    actor_id: str
    actor_role: str
    scopes: tuple[str, ...]
    purpose: str
    request_url: str
    types: tuple[str, ...]
    status: str
    transaction_time: datetime | None
    error: str
    files: tuple[tuple[str, int], ...] = ()  # (resource type, count) once COMPLETE


_JOB = ("SELECT job_id, actor_id, actor_role, scopes, purpose, request_url, types, status, transaction_time, error"
        " FROM fhir_export_jobs")


def _job(row, files=()) -> ExportJob:
    job_id, actor, role, scopes, purpose, url, types, status, at, error = row
    return ExportJob(job_id, actor, role, tuple(scopes), purpose, url, tuple(types), status, at, error, tuple(files))


class ExportJobs:
    def __init__(self, pool) -> None:
        self._pool = pool

    def queue(self, job_id: str, actor_id: str, role: str, scopes: Sequence[str], purpose: str, url: str,
              types: Sequence[str]) -> None:
        with self._pool.connection() as conn:
            conn.execute("INSERT INTO fhir_export_jobs (job_id, actor_id, actor_role, scopes, purpose, request_url,"
                         " types) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         (job_id, actor_id, role, list(scopes), purpose, url, list(types)))

    def get(self, job_id: str) -> ExportJob | None:
        with self._pool.connection() as conn:
            row = conn.execute(_JOB + " WHERE job_id = %s", (job_id,)).fetchone()
            files = conn.execute("SELECT resource_type, count FROM fhir_export_files WHERE job_id = %s"
                                 " ORDER BY resource_type", (job_id,)).fetchall()
        return _job(row, files) if row else None

    def delete(self, job_id: str) -> None:
        with self._pool.connection() as conn:
            conn.execute("DELETE FROM fhir_export_jobs WHERE job_id = %s", (job_id,))

    def file(self, job_id: str, resource_type: str) -> str | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT body FROM fhir_export_files WHERE job_id = %s AND resource_type = %s",
                               (job_id, resource_type)).fetchone()
        return row[0] if row else None


def claim_queued(conn) -> ExportJob | None:
    """The oldest queued job, locked for the caller's transaction (None when there is none)."""
    row = conn.execute(_JOB + " WHERE status = 'QUEUED' ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED"
                       ).fetchone()
    return _job(row) if row else None


def complete(conn, job_id: str, transaction_time: datetime, files: Sequence[tuple[str, int, str]]) -> None:
    """Store ``files`` (resource type, count, NDJSON) and mark the job COMPLETE, in the caller's transaction."""
    with conn.cursor() as cursor:
        cursor.executemany("INSERT INTO fhir_export_files (job_id, resource_type, count, body)"
                           " VALUES (%s, %s, %s, %s)", [(job_id, kind, count, body) for kind, count, body in files])
    conn.execute("UPDATE fhir_export_jobs SET status = 'COMPLETE', transaction_time = %s WHERE job_id = %s",
                 (transaction_time, job_id))


def fail(conn, job_id: str, error: str) -> None:
    conn.execute("UPDATE fhir_export_jobs SET status = 'FAILED', error = %s WHERE job_id = %s", (error, job_id))
