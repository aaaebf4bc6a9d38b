"""Parsing one CSV row of an organisation upload (the streaming and registering is tested over HTTP)."""

from __future__ import annotations

import pytest

from services.registration.bulk import COLUMNS, RowError, parse_row

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
])
def test_unparseable_rows_name_their_field_and_rule(cells, field, rule):
    with pytest.raises(RowError) as caught:
        parse(cells)
    assert (caught.value.field, caught.value.rule) == (field, rule)
