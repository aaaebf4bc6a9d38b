"""What the site app reads instead of typing ids, over HTTP against the real service: a site's sessions of
a day (``GET /v1/sites/{site_id}/sessions?date=``), scope-checked and paginated, and the discard time that
opening a vial answers (the domain's INV-26 decision, online and through a device's batch)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir

from .immunization_world import HOSPITAL_DAY, Publisher, at, problem, session_plan, start_immunization
from .immunization_world import hospital_day as open_hospital_day
from .kafka_helpers import wait_for

DAY = HOSPITAL_DAY.date().isoformat()


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-site-sessions"), MIGRATIONS)


@pytest.fixture(scope="module")
def day(immunization, infra):
    """The hospital day (its session open), plus a later session there that day, one the next day, and one at
    the commune site the same day."""
    found = open_hospital_day(immunization, infra.kafka_bootstrap)
    api, world, hospital = found["api"], found["world"], found["site"]
    later, tomorrow, commune = f"SES-H2-{world.tag}", f"SES-H3-{world.tag}", f"SES-C-{world.tag}"
    publisher = Publisher(infra.kafka_bootstrap)
    publisher.publish("allocation", [
        *session_plan(world, later, hospital, HOSPITAL_DAY + timedelta(hours=13), HOSPITAL_DAY + timedelta(hours=18),
                      presentation="PFIZER"),
        *session_plan(world, tomorrow, hospital, HOSPITAL_DAY + timedelta(days=1, hours=7),
                      HOSPITAL_DAY + timedelta(days=1, hours=17)),
        *session_plan(world, commune, world.site(), HOSPITAL_DAY + timedelta(hours=7),
                      HOSPITAL_DAY + timedelta(hours=17))])
    publisher.close()
    api.wait_rows("SELECT count(*) FROM ref_session_plan WHERE session_id LIKE %s", f"SES-%-{world.tag}",
                  expected=4, what="the session plans")
    return {**found, "later": later, "tomorrow": tomorrow, "commune": commune}


def sessions(day: dict, headers: dict, **params):
    return day["api"].get(f"/v1/sites/{day['site']}/sessions", headers, **params)


def test_a_site_lists_its_sessions_of_the_day_not_other_sites_or_days_for_its_staff_and_officers_above(day):
    api, world, hospital = day["api"], day["world"], day["site"]
    manager = day["staff"]

    def listed() -> list[tuple[str, str]]:
        answer = sessions(day, manager, date=DAY)
        assert answer.status_code == 200, answer.text
        return [(s["session_id"], s["status"]) for s in answer.json()["items"]]

    # the open session reaches OPEN once its opening is projected; the later one is only planned
    wait_for(lambda: listed() == [(day["session_id"], "OPEN"), (day["later"], "PLANNED")], timeout=60,
             what="the day's sessions with their status")
    body = sessions(day, manager, date=DAY).json()
    assert (body["site_id"], body["date"], body["total"], body["limit"], body["offset"]) == (hospital, DAY, 2, 100, 0)
    first, second = body["items"]
    assert (first["site_id"], first["session_date"], first["vaccine_code"], first["presentation_id"]) == (
        hospital, DAY, "210", f"AZ-{world.tag}")
    assert datetime.fromisoformat(first["starts_at"]) == HOSPITAL_DAY + timedelta(hours=7)
    assert first["opened_at"] and first["closed_at"] is None
    assert (second["vaccine_code"], second["opened_at"]) == ("208", None)

    # another day of the same site; the commune site's own session is its own
    next_day = (HOSPITAL_DAY + timedelta(days=1)).date().isoformat()
    assert [s["session_id"] for s in sessions(day, manager, date=next_day).json()["items"]] == [day["tomorrow"]]
    commune = api.get(f"/v1/sites/{world.site()}/sessions",
                      api.headers("site_manager", f"site:{world.site()}"), date=DAY).json()
    assert [s["session_id"] for s in commune["items"]] == [day["commune"]]

    # paginated
    page = sessions(day, manager, date=DAY, limit=1, offset=1).json()
    assert (page["total"], [s["session_id"] for s in page["items"]]) == (2, [day["later"]])
    assert sessions(day, manager, date=DAY, offset=5).json()["items"] == []

    # the site's vaccinators and the officers above it
    for headers in (api.headers("vaccinator", f"site:{hospital}"), api.headers("district_officer", "district:760"),
                    api.headers("province_officer", "province:79")):
        assert [s["session_id"] for s in sessions(day, headers, date=DAY).json()["items"]] == [
            day["session_id"], day["later"]]


def test_other_sites_staff_and_officers_elsewhere_are_refused_and_a_bad_date_is_a_problem_naming_it(day):
    api, world = day["api"], day["world"]
    for headers in (api.headers("site_manager", f"site:{world.site()}"),
                    api.headers("vaccinator", f"site:{world.site()}"),
                    api.headers("district_officer", "district:999"), api.headers("province_officer", "province:01")):
        assert problem(sessions(day, headers, date=DAY)) == (403, "scope", "site_id")
    assert problem(sessions(day, api.headers("citizen", "person:P-1"), date=DAY))[:2] == (403, "role")

    manager = day["staff"]
    for bad in ("2021-13-01", "21-08-2021", "2021-08-21T00:00:00", "", "1899-12-31"):
        status, _, field = problem(sessions(day, manager, date=bad))
        assert (status, field) == (422, "date"), bad
    assert problem(sessions(day, manager))[::2] == (422, "date")  # the day is required
    assert problem(sessions(day, manager, date=DAY, limit=0))[::2] == (422, "limit")
    assert problem(sessions(day, manager, date=DAY, site="x"))[::2] == (422, "site")


def test_opening_a_vial_answers_its_discard_time_as_the_domain_decided_it(day):
    api, world, staff, session_id = day["api"], day["world"], day["staff"], day["session_id"]
    path = f"/v1/sessions/{session_id}/vials"

    # opened at 09:00: the AstraZeneca presentation's 6-hour window decides (the session ends at 17:00)
    opened = api.post(path, {"lot_id": world.lot("ABV5300"), "opened_at": at(9)}, api.headers(
        "vaccinator", f"site:{day['site']}", key=f"vial-9-{world.tag}"))
    assert opened.status_code == 201, opened.text
    answer = opened.json()
    assert datetime.fromisoformat(answer["opened_at"]) == datetime.fromisoformat(at(9))
    assert datetime.fromisoformat(answer["discard_at"]) == datetime.fromisoformat(at(9)) + timedelta(hours=6)
    assert answer["doses_in_vial"] == 10
    # a retry answers the same (the first response)
    again = api.post(path, {"lot_id": world.lot("ABV5300"), "opened_at": at(9)}, api.headers(
        "vaccinator", f"site:{day['site']}", key=f"vial-9-{world.tag}"))
    assert (again.status_code, again.json()["discard_at"]) == (200, answer["discard_at"])

    # opened at 13:00 through a device's upload: the session's end (17:00) comes first
    batch = api.post(f"/v1/sites/{day['site']}/devices/TAB-{world.tag}/batches", {"items": [
        {"sequence": 1, "kind": "vial_open", "session_id": session_id,
         "body": {"vial_opening_id": f"VIAL-13-{world.tag}", "lot_id": world.lot("FF2153"), "opened_at": at(13)}}]},
        staff)
    [item] = batch.json()["items"]
    assert item["status"] == "accepted", item
    assert datetime.fromisoformat(item["response"]["discard_at"]) == datetime.fromisoformat(at(17))

    # the day sheet says the same, once projected
    def sheet_discard_at() -> dict:
        vials = api.get(f"/v1/sessions/{session_id}/day-sheet", staff).json()["vials"]
        return {v["vial_opening_id"]: datetime.fromisoformat(v["discard_at"]) for v in vials}
    wait_for(lambda: {answer["vial_opening_id"], f"VIAL-13-{world.tag}"} <= set(sheet_discard_at()),
             what="the vials on the day sheet")
    assert sheet_discard_at()[answer["vial_opening_id"]] == datetime.fromisoformat(answer["discard_at"])
