"""Organisation bulk upload route: ``text/csv`` in, a streamed JSON report out (memory stays flat)."""

from __future__ import annotations

import json
import tempfile

from flask import Blueprint, Response, request

from eventkit.auth import current_principal, requires
from eventkit.web.commands import request_context
from eventkit.web.openapi import documented
from eventkit.web.validation import MalformedRequest
from services.registration.api import models as m
from services.registration.bulk import COLUMNS, BulkUpload

UPLOAD_MAX_BYTES = 256 * 1024 * 1024  # ~1.5 million rows; the app-wide body limit is far smaller


def register_routes(bp: Blueprint, uploads: BulkUpload) -> None:
    @bp.post("/organisations/<organisation_id>/uploads")
    @requires("province_officer", "district_officer", "national_admin")
    @documented("Register an organisation's staff from a CSV file (streamed; every row registered or reported)",
                tags=["bulk"], responses={201: m.UploadReport, 200: m.UploadReport}, errors=[400, 422],
                description="Body: `text/csv`, UTF-8, a header row naming columns among "
                            f"{', '.join(COLUMNS)}. Each valid row is registered (channel ORGANISATION_BULK); each "
                            "invalid row, duplicate within the file and person already registered is reported with "
                            "its line number, field and rule. Rows outside the uploader's scope are invalid "
                            "(rule `scope`). Uploading the same file again registers nobody twice.")
    def upload(organisation_id: str):
        request.max_content_length = UPLOAD_MAX_BYTES  # the file streams through; memory stays flat
        if request.mimetype != "text/csv":
            raise MalformedRequest(f"expected Content-Type text/csv, got {request.mimetype or 'none'}",
                                   rule="content-type")
        principal = current_principal()

        def in_scope(address) -> bool:
            return principal.covers(["national", f"province:{address.province_code}",
                                     f"district:{address.district_code}",
                                     f"district:{address.province_code}-{address.district_code}"])

        report = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")
        try:
            # No idempotency key: each row's idempotency is its national-ID guard.
            summary = uploads.process(organisation_id, request.stream, request_context(), report, in_scope=in_scope)
        except BaseException:
            report.close()
            raise
        head = {"upload_id": summary.upload_id, "organisation_id": organisation_id,
                "file_sha256": summary.file_sha256, "same_file_uploaded_before": summary.same_file_uploaded_before,
                "rows": summary.rows, "registered": summary.registered, "invalid": summary.invalid,
                "duplicates_in_file": summary.duplicates_in_file, "already_registered": summary.already_registered}

        def body():
            try:
                yield json.dumps(head)[:-1] + ', "problems": ['
                report.seek(0)
                for index, line in enumerate(report):
                    yield ("," if index else "") + line.rstrip("\n")
                yield "]}"
            finally:
                report.close()

        return Response(body(), status=201 if summary.registered else 200, mimetype="application/json")
