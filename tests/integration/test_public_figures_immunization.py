"""Public figures of the real immunization service: doses in over the site workflow, figures out without a
token - counts by province and day, small counts as "<10", coverage over the census - and never a person.

The hospital day is in province 92 (Cần Thơ), where no other module gives doses: the immunization topic is shared
by the session, and other modules give doses on the same day in province 79. Exact figures are read from
province 92's own series (``province=92``); a cell of a series spanning provinces may also be suppressed
because of another province's small count (secondary suppression), so there it is 12 or "<10".
"""

from __future__ import annotations

import pytest
import requests

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir

from .immunization_world import Publisher, World, checked_in_and_screened, people, start_immunization
from .immunization_world import at as at_hospital
from .immunization_world import hospital_day as open_hospital_day
from .kafka_helpers import wait_for

DAY = "2021-08-21"
PERIOD = {"from": "2021-08-20", "to": "2021-08-22", "province": "92"}


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-public"), MIGRATIONS)


@pytest.fixture(scope="module")
def day(immunization, infra):
    return open_hospital_day(immunization, infra.kafka_bootstrap, World(province="92", district="916"))


def public(service, path: str, **params) -> requests.Response:
    """A request as the portal makes it: no Authorization header at all."""
    return requests.get(service.url(path), params=params, timeout=15)


def vaccinate(day: dict, n: int, vial: str) -> None:
    visit = checked_in_and_screened(day, n)
    dose = {"vial_opening_id": vial, "series": "PRIMARY", "dose_number": 1, "administered_at": at_hospital(9, n)}
    answer = day["api"].post(f"/v1/visits/{visit}/doses", dose, day["staff"])
    assert answer.status_code == 201, answer.text


def figures_once(service, expected) -> dict | None:
    body = public(service, "/v1/public/figures", **PERIOD).json()
    return body if body["by_day"][1]["doses"] == expected else None


def assert_no_person_in(text: str, day: dict) -> None:
    world = day["world"]
    assert world.tag not in text  # every person id, site id and lot of this world carries the tag
    assert "Person " not in text and "person_id" not in text


def test_eight_doses_are_published_as_less_than_ten_without_a_token(immunization, day):
    for n in (1, 2, 3, 4, 5, 7, 8, 9):
        vaccinate(day, n, day["vial"])
    body = wait_for(lambda: figures_once(immunization, "<10"), timeout=60, what="8 doses in the public figures")
    assert body["by_day"] == [{"date": "2021-08-20", "doses": 0, "first_doses": 0, "second_doses": 0, "further_doses": 0},
                              {"date": DAY, "doses": "<10", "first_doses": "<10", "second_doses": 0, "further_doses": 0},
                              {"date": "2021-08-22", "doses": 0, "first_doses": 0, "second_doses": 0, "further_doses": 0}]
    mine = next(r for r in body["by_province"] if r["province_code"] == "92")
    assert (mine["doses"], mine["second_doses"]) == ("<10", 0)
    assert body["suppression"] == {"threshold": 10, "shown_as": "<10"} and body["province"] == "92"


def test_twelve_doses_are_published_exactly_by_province_and_by_day_and_never_name_anyone(immunization, day, infra):
    world = day["world"]
    publisher = Publisher(infra.kafka_bootstrap)
    publisher.publish("registration", people(world, 4, start=21))
    publisher.close()
    day["api"].wait_rows("SELECT count(*) FROM ref_person WHERE person_id LIKE %s AND district_health_centre_id <> ''",
                         f"P-{world.tag}-02%", expected=4, what="four more people")
    for n in (21, 22, 23, 24):
        vaccinate(day, n, day["pfizer_vial"])
    body = wait_for(lambda: figures_once(immunization, 12), timeout=60, what="12 doses in the public figures")
    assert body["by_day"][1] == {"date": DAY, "doses": 12, "first_doses": 12, "second_doses": 0, "further_doses": 0}
    mine = next(r for r in body["by_province"] if r["province_code"] == "92")
    assert mine["doses"] in (12, "<10") and mine["second_doses"] == 0
    elsewhere = public(immunization, "/v1/public/figures", **{**PERIOD, "province": "01"}).json()
    assert elsewhere["by_day"][1]["doses"] in (0, "<10")  # province 01's own series: not province 92's doses
    coverage = public(immunization, "/v1/public/coverage", to=DAY, province="92").json()
    assert [p["province_code"] for p in coverage["provinces"]] == ["92"]
    can_tho = coverage["provinces"][0]
    assert can_tho["people_first_dose"] in (12, "<10") and can_tho["people_second_dose"] == 0
    assert can_tho["population"] == 1_235_171 and can_tho["name"]
    assert can_tho["coverage_first_dose_pct"] == (0.0 if can_tho["people_first_dose"] == 12 else None)
    assert coverage["population_source"]["version"] == "vn-census-2019.v2"
    for response in (public(immunization, "/v1/public/figures", **PERIOD), public(immunization, "/v1/public/coverage")):
        assert response.status_code == 200 and response.headers["Cache-Control"].startswith("public")
        assert_no_person_in(response.text, day)


@pytest.mark.parametrize("params, field, rule", [
    ({"from": "2021-08-22", "to": "2021-08-20"}, "to", "date_range"),
    ({"province": "HCM"}, "province", "string_pattern_mismatch"),
    ({"person_id": "P-1"}, "person_id", "extra_forbidden"),
])
def test_a_bad_query_is_a_problem_naming_the_field_and_rule(immunization, params, field, rule):
    answer = public(immunization, "/v1/public/figures", **params)
    assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
    assert (answer.json()["field"], answer.json()["rule"]) == (field, rule)


def test_the_other_reads_still_refuse_a_request_without_a_token(immunization, day):
    answer = public(immunization, f"/v1/sessions/{day['session_id']}/day-sheet")
    assert answer.status_code == 401


def test_the_sessions_planned_at_a_site_are_public_and_name_no_one(immunization, day):
    answer = public(immunization, "/v1/public/sessions", **{"from": "2021-08-20", "days": 3, "province": "92"})
    assert answer.status_code == 200, answer.text
    mine = [s for s in answer.json()["items"] if s["site_id"] == day["site"]]
    assert [(s["session_date"], s["starts_at"][:16]) for s in mine] == [(DAY, "2021-08-21T00:00")]  # 07:00 ICT
    assert set(mine[0]) == {"session_id", "site_id", "session_date", "starts_at", "ends_at"}
    assert mine[0]["session_id"] == day["session_id"]  # what the e-health book books
    assert public(immunization, "/v1/public/sessions", **{"from": "2021-08-22", "site_id": day["site"]}).json() == {
        "items": []}
    refused = public(immunization, "/v1/public/sessions", days=32)
    assert refused.status_code == 422 and refused.json()["field"] == "days"
