"""Parsing one CSV row of an organisation upload (the streaming and registering is tested over HTTP)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from services.registration.bulk import COLUMNS, BulkUpload, RowError, parse_row

from .builders import bus

HEADER = list(COLUMNS)


def row(**values) -> list[str]:
    base = {"national_id_kind": "citizen_id", "national_id": "079185000001", "full_name": "Trần Văn Bình",
            "date_of_birth": "1985-03-14", "sex": "male", "province_code": "79", "district_code": "760"}
    base.update(values)
    return [base.get(column, "") for column in HEADER]


def parse(cells):
    return parse_row(HEADER, cells, upload_id="U-1", organisation_id="ORG-SAIGON-SCHOOLS", line=7, person_id="P-7")


def test_a_row_becomes_an_organisation_bulk_registration():
    command = parse(row(priority_group="g4"))
    assert (command.channel, command.registered_by, command.registered_by_kind) == \
        ("ORGANISATION_BULK", "ORG-SAIGON-SCHOOLS", "ORGANISATION")
    assert (command.national_id_kind, command.sex, command.priority_group, command.upload_line) == \
        ("CITIZEN_ID", "MALE", "G4", 7)


@pytest.mark.parametrize("cells, field, rule", [
    (row(full_name=""), "full_name", "missing"),
    (row(date_of_birth="14/03/1985"), "date_of_birth", "date-format"),
    (row(date_of_birth_estimated="maybe"), "date_of_birth_estimated", "bool-format"),
    (row()[:-1], "(row)", "csv-columns"),
    (row(address_line="12 Lê Lợi\x00"), "address_line", "control-character"),
    (row(occupation="giáo\x1bviên"), "occupation", "control-character"),
    (row(full_name="Trần\nVăn Bình"), "full_name", "control-character"),
])
def test_unparseable_rows_name_their_field_and_rule(cells, field, rule):
    with pytest.raises(RowError) as caught:
        parse(cells)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def uploads() -> BulkUpload:
    """A BulkUpload over the in-memory store: enough for files whose rows never reach registration."""
    return BulkUpload(bus())


def process(body: bytes) -> tuple[object, list[dict]]:
    report = io.StringIO()
    summary = uploads().process("ORG-HCMC-TEACHERS", io.BytesIO(body), CommandContext("officer-79", "province_officer"),
                                report)
    return summary, [json.loads(line) for line in report.getvalue().splitlines()]


def test_a_line_that_is_not_utf8_is_a_row_problem_and_the_file_is_hashed_whole():
    body = (",".join(HEADER).encode() + b"\n" + ",".join(row(full_name="")).encode() + b"\n\xff\xfe broken\n"
            + ",".join(row(date_of_birth="1985")).encode() + b"\n")
    summary, problems = process(body)
    assert [(p["line"], p["rule"]) for p in problems] == [(2, "missing"), (3, "encoding"), (4, "date-format")]
    assert summary.file_sha256 == hashlib.sha256(body).hexdigest() and summary.registered == 0


def test_an_unreadable_header_or_unknown_columns_reject_the_whole_file():
    for body in (b"\xff\xfe\xfa", b"cmnd,ten\n1,2\n"):
        with pytest.raises(DomainError) as caught:
            process(body)
        assert (caught.value.field, caught.value.rule) == ("header", "csv-header")


def test_a_row_with_a_control_character_is_reported_and_the_other_rows_are_registered():
    body = "\n".join([",".join(HEADER), ",".join(row(national_id="079085000001")),  # 0 = a man born in the 1900s
                      ",".join(row(national_id="079085000002", address_line="phòng\x00 2"))]).encode()
    summary, problems = process(body)
    assert (summary.registered, summary.invalid) == (1, 1)
    assert [(p["line"], p["field"], p["rule"]) for p in problems] == [(3, "address_line", "control-character")]
