"""Allocation request bodies and query strings are strict, one family of bad input per test, over real HTTP.

Whatever a request model accepts must be storable and projectable by every read model (issue 9), so the
models refuse what the old lax models coerced or let through to the codec: numbers given as text or as
floats, booleans for numbers, date-times for dates, times and dates outside 1900-2099, integers beyond the
wire's int32, control characters in text (a lone surrogate is not even JSON: a 400), unknown query
parameters. Each refusal is a problem+json naming the pydantic rule and the *request* field, and the
service's ``events`` table does not change.
"""

from __future__ import annotations

from .allocation_world import (
    all_events,
    allocation,
    assert_rejected,
    bearer,
    events_of,
    get,
    national_plan,
    plan_id,
    post,
    post_raw,
    session_body,
    world,
)

__all__ = ["allocation", "world"]  # module-scoped fixtures shared by the allocation test modules


def refused(allocation, path: str, body: dict, headers, rule: str, field: str) -> None:
    before = all_events(allocation)
    assert_rejected(post_raw(allocation, path, body, headers), rule, field)
    assert all_events(allocation) == before


def manual(world, **line) -> dict:
    return national_plan(world, plan_id(), method="MANUAL",
                         lines=[{"recipient_unit_id": "95", "doses": 100, **line}])


def test_numbers_given_as_text_floats_or_booleans_are_422s_not_coerced(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    refused(allocation, "/v1/sessions", {**session_body(world, tables=1, persons=10), "injection_tables": "1"},
            officer, "int_type", "injection_tables")
    refused(allocation, "/v1/sessions", {**session_body(world, tables=1, persons=10), "planned_persons": 10.0},
            officer, "int_type", "planned_persons")
    refused(allocation, "/v1/allocation-plans", manual(world, doses=True), admin, "int_type", "lines.0.doses")
    refused(allocation, "/v1/allocation-plans", national_plan(world, plan_id(), total_doses="40000"), admin,
            "int_type", "total_doses")
    refused(allocation, "/v1/allocation-plans", {**manual(world), "lot_ids": [7]}, admin, "string_type",
            "lot_ids.0")


def test_dates_are_dates_and_lie_between_1900_and_2099(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    refused(allocation, "/v1/allocation-plans", {**manual(world), "completion_deadline_date": "2099-05-31T00:00:00"},
            admin, "date_parsing", "completion_deadline_date")
    # A deadline in year 9999 was stored as long as each line named an earlier use-by date.
    refused(allocation, "/v1/allocation-plans",
            {**manual(world, use_by_date="2099-05-31"), "completion_deadline_date": "9999-12-31"},
            admin, "date-range", "completion_deadline_date")
    refused(allocation, "/v1/allocation-plans", manual(world, use_by_date="1899-12-31"), admin, "date-range",
            "lines.0.use_by_date")
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    session = session_body(world, tables=1, persons=10)
    refused(allocation, "/v1/sessions", {**session, "starts_at": "0242-01-01T08:00:00+00:00"}, officer,
            "time-range", "starts_at")
    refused(allocation, "/v1/sessions", {**session, "ends_at": session["ends_at"][:19]}, officer,
            "timezone_aware", "ends_at")


def test_integers_beyond_the_wires_int32_are_422s_naming_the_field(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    refused(allocation, "/v1/allocation-plans", national_plan(world, plan_id(), total_doses=2**31), admin,
            "less_than_equal", "total_doses")
    refused(allocation, "/v1/allocation-plans", national_plan(world, plan_id(), fixed_quotas={world.army: 2**31}),
            admin, "less_than_equal", f"fixed_quotas.{world.army}")
    refused(allocation, "/v1/allocation-plans", manual(world, doses=0), admin, "greater_than_equal", "lines.0.doses")
    refused(allocation, "/v1/allocation-plans", national_plan(world, plan_id(), unit_weights={"96": 1e300}),
            admin, "less_than_equal", "unit_weights.96")


def test_text_with_control_characters_is_a_422_naming_the_request_field(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    refused(allocation, "/v1/allocation-plans", {**manual(world), "legal_reference": "QD-3355\u0000"}, admin,
            "control-character", "legal_reference")
    refused(allocation, "/v1/allocation-plans", {**manual(world), "legal_reference": "QD-3355\nQD-BYT"}, admin,
            "control-character", "legal_reference")
    before = all_events(allocation)  # a lone surrogate is not even JSON to the model's parser
    lone = post_raw(allocation, "/v1/allocation-plans", {**manual(world), "legal_reference": "QD-\ud800"}, admin)
    assert_rejected(lone, "json", None, status=400)
    assert all_events(allocation) == before
    body = manual(world)
    assert post(allocation, "/v1/allocation-plans", body, admin).status_code == 201
    refused(allocation, f"/v1/allocation-plans/{body['plan_id']}/submit", {"comment": "wave 3\u0007"}, admin,
            "control-character", "comment")
    reserve = {"unit_id": "96", "presentation_id": world.presentation, "cohort": "wave\u00853"}
    refused(allocation, "/v1/second-dose-reserves", reserve, admin, "control-character", "cohort")
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    refused(allocation, "/v1/sessions", {**session_body(world, tables=1, persons=10), "site_id": "S-1\u0000"},
            officer, "string_pattern_mismatch", "site_id")


def test_query_strings_refuse_unknown_parameters_and_values_outside_their_types(allocation, world):
    analyst = bearer(allocation, "analyst", "national")
    extra = get(allocation, "/v1/supply", analyst, location_id=world.national, presentation_id=world.presentation,
                lot_id=world.lot)
    assert_rejected(extra, "extra_forbidden", "lot_id")
    assert_rejected(get(allocation, "/v1/demand", analyst, level="COUNTRY"), "literal_error", "level")
    assert_rejected(get(allocation, "/v1/allocation-plans", analyst, status="done"), "literal_error", "status")
    assert_rejected(get(allocation, "/v1/availability", analyst, location_id="NAT\u0000",
                        presentation_id=world.presentation), "control-character", "location_id", status=400)


def test_malformed_plans_and_sessions_are_422s_naming_the_field_and_write_nothing(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    for status, field, changes in ((400, None, {"unit_weights": {"96": float("nan")}}),  # NaN is not JSON
                                   (400, None, {"unit_weights": {"96": float("inf")}}),
                                   (422, "group_weights.G1", {"group_weights": {"G1": -5.0}}),
                                   (422, "target_group_codes.0", {"target_group_codes": ["G" * 100_000]})):
        pid = plan_id()
        response = post_raw(allocation, "/v1/allocation-plans",
                            national_plan(world, pid, method="PRIORITY_WEIGHTED", **changes), admin)
        assert response.status_code == status and response.json().get("field") == field, response.text
        assert events_of(allocation, pid) == 0
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    for field, changes in (("target_dose_numbers.0", {"target_dose_numbers": [2 ** 40]}),
                           ("planned_doses", {"planned_doses": 2 ** 70}),
                           ("priority_group_codes.0", {"priority_group_codes": ["G" * 100_000]}),
                           ("injection_tables", {"injection_tables": "two"}),
                           ("site_id", {"site_id": None})):
        body = {**session_body(world, tables=1, persons=10), **changes}
        response = post_raw(allocation, "/v1/sessions", body, officer)
        assert response.status_code == 422 and response.json()["field"] == field, response.text
        assert events_of(allocation, body["session_id"]) == 0



def test_oversized_plans_are_422s_and_write_nothing(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    lines = [{"line_id": f"L-{n}", "recipient_unit_id": "95", "doses": 10} for n in range(1_001)]
    response = post(allocation, "/v1/allocation-plans", national_plan(world, pid, method="MANUAL", lines=lines), admin)
    assert response.status_code == 422 and response.json()["field"] == "lines", response.text
    quotas = {f"SU-{n}": 10 for n in range(1_001)}
    response = post(allocation, "/v1/allocation-plans", national_plan(world, pid, fixed_quotas=quotas), admin)
    assert response.status_code == 422 and response.json()["field"] == "fixed_quotas", response.text
    assert events_of(allocation, pid) == 0



def test_far_off_session_times_and_past_use_by_dates_are_422s_and_write_nothing(allocation, world):
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    far = {**session_body(world, tables=1, persons=10), "session_date": "9999-12-31",
           "starts_at": "9999-12-31T10:00:00-14:00", "ends_at": "9999-12-31T11:00:00-14:00"}  # overflowed: a 500
    response = post(allocation, "/v1/sessions", far, officer)
    assert response.status_code == 422 and response.json()["field"] == "session_date", response.text
    assert events_of(allocation, far["session_id"]) == 0
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    past = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": 100,
                                                              "use_by_date": "2001-01-01"}])
    assert_rejected(post(allocation, "/v1/allocation-plans", past, admin), "INV-17", "lines.0.use_by_date")
    assert events_of(allocation, pid) == 0


