"""Organisation bulk upload (over HTTP, and one race in process): every valid row registered, every other row reported by line, and the
same file uploaded twice registers nobody twice."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime

import pytest

from eventkit import db
from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext, uuid7
from eventkit.store.postgres import PostgresEventStore
from services.registration import bootstrap
from services.registration.bootstrap import MIGRATIONS, load_references
from services.registration.bulk import COLUMNS, BulkUpload, parse_row
from services.registration.codec import build_codec
from services.registration.handlers import Deps
from tests.integration.service_procs import private_workdir

from .registration_csv import BAD_ROWS, bad_row, to_csv, valid_row
from .registration_support import bearer, events_count, person_body, start_registration, stop_registration


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-bulk"))
    yield service
    stop_registration(service, infra)


def upload(service, organisation: str, body: bytes, headers, content_type: str = "text/csv"):
    return service.http.post(service.url(f"/v1/organisations/{organisation}/uploads"), data=body, timeout=120,
                             headers=headers | {"Content-Type": content_type})


def test_every_row_is_registered_or_reported_by_line_and_a_second_upload_registers_nobody(registration):
    officer = bearer(registration, "province_officer", "province:79")
    existing = person_body(province="79", district="760")
    first = registration.http.post(registration.url("/v1/persons"), json=existing, timeout=10,
                                   headers=bearer(registration, "citizen", "person:none", sub="citizen-bulk"))
    assert first.status_code == 201
    rows = [valid_row(i, "79", "760", "26740" if i % 3 else "", "G4" if i % 5 == 0 else "") for i in range(20)]
    bad = {field: len(rows) + 2 + k for k, field in enumerate(BAD_ROWS)}  # CSV line numbers (header is line 1)
    rows += [bad_row(100 + k, "79", "764", field) for k, field in enumerate(BAD_ROWS)]
    rows.append(dict(rows[3]))                                             # duplicate of line 5
    rows.append(valid_row(200, "79", "760") | {"national_id": existing["national_id"], "sex": "FEMALE",
                                                "date_of_birth": "1985-03-14"})  # already registered
    rows.append(valid_row(201, "01", "001"))                               # outside province 79
    body = to_csv(rows)
    organisation = f"ORG-SAIGON-SCHOOLS-{uuid.uuid4().hex[:6]}"

    report = upload(registration, organisation, body, officer)
    assert report.status_code == 201, report.text
    result = report.json()
    assert (result["rows"], result["registered"], result["invalid"], result["duplicates_in_file"],
            result["already_registered"]) == (28, 20, 6, 1, 1)
    problems = {p["line"]: p for p in result["problems"]}
    for field, line in bad.items():
        assert (problems[line]["field"], problems[line]["rule"]) == (field, BAD_ROWS[field][1]), problems[line]
    assert problems[27]["status"] == "duplicate_in_file" and problems[27]["duplicate_of_line"] == 5
    assert problems[28] | {"reason": None} == {"line": 28, "status": "already_registered", "rule": "INV-31",
                                              "field": "national_id", "person_id": first.json()["person_id"],
                                              "reason": None}
    assert (problems[29]["rule"], problems[29]["status"]) == ("scope", "invalid")

    persons_before = events_count(registration, event_type="vaxtrail.registration.v1.PersonRegistered")
    again = upload(registration, organisation, body, officer)
    assert again.status_code == 200, again.text
    second = again.json()
    assert second["file_sha256"] == result["file_sha256"] and second["same_file_uploaded_before"] is True
    assert (second["registered"], second["already_registered"], second["invalid"]) == (0, 22, 6)
    assert events_count(registration, event_type="vaxtrail.registration.v1.PersonRegistered") == persons_before


def test_an_upload_needs_csv_a_known_header_and_an_uploading_role(registration):
    officer = bearer(registration, "province_officer", "province:79")
    before = events_count(registration)
    assert upload(registration, "ORG-X", b"{}", officer, "application/json").status_code == 400
    bad_header = upload(registration, "ORG-X", b"cmnd,name\n1,2\n", officer)
    assert bad_header.status_code == 422 and bad_header.json()["rule"] == "csv-header"
    citizen = bearer(registration, "citizen", "person:none")
    assert upload(registration, "ORG-X", to_csv([valid_row(1, "79", "760")]), citizen).status_code == 403
    assert events_count(registration) == before


def test_a_chunk_that_loses_a_race_for_a_national_id_is_registered_row_by_row(database):
    """Someone registers one of the chunk's IDs between the chunk's guard check and its append: the chunk's
    append conflicts (INV-37), and its rows are registered one by one, that row reported as already registered."""
    db.migrate(database, MIGRATIONS)
    pool = db.make_pool(database, max_size=2)
    try:
        store = PostgresEventStore(pool, service="registration")
        bus = bootstrap.bus(EventSourcing(store, build_codec(), producer="registration/test"),
                            Deps(load_references(), b"k" * 32, district_centre=lambda _: None,
                                 planned_session=lambda _: None, clock=lambda: datetime.now(UTC)))
        rows = [valid_row(i, "79", "760") for i in range(6)]
        rival = parse_row(list(COLUMNS), [rows[2].get(c, "") for c in COLUMNS], upload_id="", organisation_id="ORG-RIVAL",
                          line=0, person_id=str(uuid7()))
        context = CommandContext("officer-79", "province_officer")
        real_append, raced = store.append, []

        def append_after_a_rival(changes, context, **kwargs):
            if not raced:
                raced.append(True)
                bus.handle(rival, context)
            return real_append(changes, context, **kwargs)
        store.append = append_after_a_rival

        report = io.StringIO()
        summary = BulkUpload(bus).process("ORG-SCHOOLS", io.BytesIO(to_csv(rows)), context, report)
        assert (summary.registered, summary.already_registered) == (5, 1)
        [problem] = [json.loads(line) for line in report.getvalue().splitlines()]
        assert (problem["line"], problem["status"], problem["person_id"]) == (4, "already_registered",
                                                                               rival.person_id)
    finally:
        pool.close()
