"""FHIR Bulk Data export routes (``/fhir/$export``; docs/fhir.md): kick-off, status, files, delete.

Officers export the immunization records of everyone in their scope (``national``, ``province:<p>``,
``district:<d>``: the person's district health centre), declaring a purpose (``X-Purpose``). The kick-off
needs ``Prefer: respond-async`` and answers 202 with ``Content-Location`` (the status URL); the worker builds
the files from one snapshot of the read models, records one ``PersonalDataAccessed`` per person exported,
then completes the job. The status URL answers 202 (``X-Progress``, ``Retry-After``) until then, 200 with
the manifest after; only the requester may read a job's status and files (``requiresAccessToken``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel

from eventkit import access
from eventkit.auth import current_principal, requires
from eventkit.envelope import uuid7
from eventkit.errors import NotFound, VaxTrailError
from eventkit.web.fhir import FHIR_JSON, FHIR_NDJSON, prefers
from eventkit.web.openapi import documented
from services.immunization.api.fhir import OFFICERS, base_url
from services.immunization.domain.fhir_export import EXPORT_TYPES, manifest, parse_export
from services.immunization.domain.fhir_search import InvalidSearch
from services.immunization.queries.export_jobs import ExportJob, ExportJobs

RETRY_SECONDS = 2
EXPORT = ("Bulk Data Access IG system-level export of the immunization records of everyone in the caller's scope "
          "(district_officer, province_officer, national_admin; purpose in `X-Purpose`). Needs `Prefer: "
          "respond-async`; answers 202 with `Content-Location`, the status URL. Each exported person's record "
          "read is recorded (PersonalDataAccessed) before the job completes.")


class ExportManifest(BaseModel):
    """The completion manifest (Bulk Data Access IG)."""

    transactionTime: str  # noqa: N815 - the IG's member names
    request: str
    requiresAccessToken: bool  # noqa: N815
    output: list[dict]
    error: list[dict]


class ExportFailed(VaxTrailError):
    status = 500
    title = "Export failed"


def register(bp: Blueprint, jobs: ExportJobs) -> None:
    def own_job(job_id: str) -> ExportJob:
        """The caller's job; another's, or none, is a 404 (a job's existence is the requester's to know)."""
        job = jobs.get(job_id) if len(job_id) <= 64 else None
        principal = current_principal()
        if job is None or (job.actor_id, job.actor_role) != (principal.actor_id, principal.role):
            raise NotFound(f"no export job {job_id} of yours", field="job_id")
        return job

    @bp.get("/$export")
    @requires(*OFFICERS)
    @documented("FHIR Bulk Data kick-off: export Immunization and ImmunizationRecommendation as NDJSON",
                tags=["fhir"], responses={202: None}, errors=[400, 403], media_type=FHIR_JSON, description=EXPORT)
    def kick_off():
        prefer = request.headers.get("Prefer")
        if not prefers(prefer, "respond-async"):
            raise InvalidSearch("a bulk export is asynchronous: send Prefer: respond-async", field="Prefer",
                                rule="respond-async")
        types = parse_export(request.args.items(multi=True), lenient=prefers(prefer, "handling=lenient"))
        purpose = access.declared_purpose()
        principal = current_principal()
        job_id = str(uuid7())
        jobs.queue(job_id, principal.actor_id, principal.role, principal.scopes, purpose, request.url, types)
        return Response(status=202, headers={"Content-Location": f"{base_url()}$export-status/{job_id}"})

    @bp.get("/$export-status/<job_id>")
    @requires(*OFFICERS)
    @documented("FHIR Bulk Data status: 202 while the export is built, 200 with the manifest when complete",
                tags=["fhir"], responses={200: ExportManifest, 202: None}, errors=[403, 404, 500],
                media_type="application/json", error_media_type=FHIR_JSON)
    def status(job_id: str):
        job = own_job(job_id)
        if job.status == "QUEUED":
            return Response(status=202, headers={"X-Progress": "queued", "Retry-After": str(RETRY_SECONDS)})
        if job.status == "FAILED":
            raise ExportFailed(f"the export failed: {job.error}", rule="export")
        files = dict(job.files)
        outputs = [(kind, files.get(kind, 0), f"{base_url()}$export-output/{job.job_id}/{kind}.ndjson")
                   for kind in EXPORT_TYPES if kind in job.types]
        return jsonify(manifest(job.transaction_time, job.request_url, outputs))  # the IG: application/json

    @bp.delete("/$export-status/<job_id>")
    @requires(*OFFICERS)
    @documented("FHIR Bulk Data: cancel an export or delete its files", tags=["fhir"], responses={202: None},
                errors=[403, 404], media_type=FHIR_JSON)
    def delete(job_id: str):
        jobs.delete(own_job(job_id).job_id)
        return Response(status=202)

    @bp.get("/$export-output/<job_id>/<file_name>")
    @requires(*OFFICERS)
    @documented("FHIR Bulk Data: one output file (application/fhir+ndjson, one resource per line)", tags=["fhir"],
                responses={200: None}, errors=[403, 404], media_type=FHIR_NDJSON)
    def output(job_id: str, file_name: str):
        job = own_job(job_id)
        kind = file_name.removesuffix(".ndjson")
        body = jobs.file(job.job_id, kind) if file_name.endswith(".ndjson") and kind in job.types else None
        if body is None:
            raise NotFound(f"export {job_id} has no file {file_name}", field="file_name")
        return Response(body, status=200, content_type=FHIR_NDJSON)
