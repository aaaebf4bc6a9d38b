"""Whatever registration accepts, every projection can apply: request bodies, query strings and CSV cells are
refused at the door (naming the request field or CSV line), never coerced, and nothing is appended.

Before the strict models registration coerced (``"1"`` for a dose number, ``"yes"`` for a boolean, a date-time
for a date of birth) and let control characters through to the store.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.integration.service_procs import private_workdir

from .registration_csv import to_csv, valid_row
from .registration_support import bearer, events_count, person_body, start_registration, stop_registration


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-requests"))
    yield service
    stop_registration(service, infra)


def citizen(service) -> dict:
    return bearer(service, "citizen", "person:none", sub=f"citizen-{uuid.uuid4().hex[:8]}")


def officer(service) -> dict:
    return bearer(service, "province_officer", "province:79", sub="officer-79")


def assert_refused(response, status: int, rule: str, field: str | None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem.get("rule"), problem.get("field")) == (rule, field), problem
    return problem


REGISTRATIONS = {
    "NUL in the name": (person_body(full_name="Nguyễn\x00Lan"), "control-character", "full_name"),
    "bell in the address line": (person_body() | {"address": {"province_code": "79", "district_code": "760",
                                                              "address_line": "12 Lê Lợi\x07"}},
                                 "control-character", "address.address_line"),
    "line break in the phone": (person_body(phone="0912345678\n"), "control-character", "phone"),
    "a date-time for the date of birth": (person_body(date_of_birth="1985-03-14T00:00:00Z"), "date_parsing",
                                          "date_of_birth"),
    "'yes' for a boolean": (person_body(date_of_birth_estimated="yes"), "bool_type", "date_of_birth_estimated"),
    "a number for a code": (person_body(nationality=84), "string_type", "nationality"),
    "an unknown field": (person_body(blood_type="O"), "extra_forbidden", "blood_type"),
}


@pytest.mark.parametrize("body, rule, field", REGISTRATIONS.values(), ids=REGISTRATIONS.keys())
def test_a_registration_that_is_not_exactly_well_typed_is_a_422_naming_the_field(registration, body, rule, field):
    before = events_count(registration)
    response = registration.http.post(registration.url("/v1/persons"), json=body, headers=citizen(registration),
                                      timeout=10)
    assert_refused(response, 422, rule, field)
    assert events_count(registration) == before


COMMANDS = {
    "a string for the dose number": ("/appointments", {"session_id": "SES-1", "dose_number": "1"}, "int_type",
                                     "dose_number"),
    "a float for the dose number": ("/appointments", {"session_id": "SES-1", "dose_number": 1.0}, "int_type",
                                    "dose_number"),
    "NUL in a corrected value": ("/corrections", {"changes": {"address.address_line": "a\x00b"}, "reason": "moved"},
                                 "control-character", "changes.address.address_line"),
    "NUL in a reason": ("/appointments/cancellation", {"reason": "ill\x00"}, "control-character", "reason"),
    "a slash in a person id": ("/merges", {"merged_person_id": "session-seats/SES-1", "reason": "dup"},
                               "string_pattern_mismatch", "merged_person_id"),
    "a year-242 effective date": ("/priority-groups", {"group_code": "G1", "evidence": "roster",
                                                       "effective_date": "0242-02-26"}, "date-range",
                                  "effective_date"),
}


@pytest.mark.parametrize("path, body, rule, field", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_command_body_that_is_not_exactly_well_typed_is_a_422_before_anything_loads(registration, path, body,
                                                                                     rule, field):
    before = events_count(registration)
    staff = bearer(registration, "national_admin", "national", sub="admin-national")
    if path.startswith("/appointments"):
        staff = bearer(registration, "district_officer", "district:760", sub="officer-760")
    response = registration.http.post(registration.url(f"/v1/persons/P-UNKNOWN{path}"), json=body, headers=staff,
                                      timeout=10)
    assert_refused(response, 422, rule, field)
    assert events_count(registration) == before


def test_a_body_that_repeats_a_key_is_a_400_and_appends_nothing(registration):
    body = person_body()
    raw = json.dumps(body)[:-1] + ', "national_id": "079185000001"}'  # the same key twice
    before = events_count(registration)
    response = registration.http.post(registration.url("/v1/persons"), data=raw.encode(), timeout=10,
                                      headers=citizen(registration) | {"Content-Type": "application/json"})
    assert_refused(response, 400, "duplicate-key", "national_id")
    assert events_count(registration) == before


def test_query_strings_refuse_unknown_parameters_and_malformed_values(registration):
    queue = registration.url("/v1/provinces/79/approval-queue")
    headers = officer(registration)
    assert registration.http.get(queue, params={"limit": "10"}, headers=headers, timeout=10).status_code == 200
    assert_refused(registration.http.get(queue, params={"limit": "ten"}, headers=headers, timeout=10), 422,
                   "int_parsing", "limit")
    assert_refused(registration.http.get(queue, params={"limit": "0"}, headers=headers, timeout=10), 422,
                   "greater_than_equal", "limit")
    assert_refused(registration.http.get(queue, params={"order": "registered_at"}, headers=headers, timeout=10),
                   422, "extra_forbidden", "order")
    catalogue = registration.url("/v1/priority-groups")
    assert_refused(registration.http.get(catalogue, params={"on": "0242-02-26"}, headers=headers, timeout=10), 422,
                   "date-range", "on")


def test_csv_cells_with_control_characters_are_invalid_rows_reported_by_line(registration):
    rows = [valid_row(i, "79", "760") for i in range(4)]
    rows[1]["address_line"] = "12 Lê Lợi\x00"
    rows[2]["occupation"] = "giáo\x1bviên"
    before = events_count(registration, event_type="vaxtrail.registration.v1.PersonRegistered")
    response = registration.http.post(registration.url(f"/v1/organisations/ORG-{uuid.uuid4().hex[:6]}/uploads"),
                                      data=to_csv(rows), headers=officer(registration) | {"Content-Type": "text/csv"},
                                      timeout=60)
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["registered"], report["invalid"]) == (2, 2)
    assert [(p["line"], p["status"], p["field"], p["rule"]) for p in report["problems"]] == [
        (3, "invalid", "address_line", "control-character"), (4, "invalid", "occupation", "control-character")]
    after = events_count(registration, event_type="vaxtrail.registration.v1.PersonRegistered")
    assert after == before + 2
