"""Issue 9 over HTTP: who may read a person's health record (and that every staff read is recorded), a
historical dose for nobody, and the strict request models - each refusal a 4xx problem naming its rule and
field, with the service's ``events`` table unchanged."""

from __future__ import annotations

import psycopg
import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir
from vaxtrail.audit.v1 import events_pb2 as audit

from .immunization_world import NORMAL_VITALS, at, checked_in_and_screened, problem, start_immunization
from .immunization_world import hospital_day as open_hospital_day
from .kafka_helpers import wait_for

NORMAL = NORMAL_VITALS
ACCESS = "vaxtrail.audit.v1.PersonalDataAccessed"


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-issue9"), MIGRATIONS)


@pytest.fixture(scope="module")
def day(immunization, infra):
    return open_hospital_day(immunization, infra.kafka_bootstrap)


def accesses(api) -> list[tuple[str, audit.PersonalDataAccessed]]:
    """Every PersonalDataAccessed the service stored: (aggregate type, message), in order."""
    with psycopg.connect(api.service.database_url) as conn:
        rows = conn.execute("SELECT aggregate_type, payload FROM events WHERE event_type = %s ORDER BY position",
                            (ACCESS,)).fetchall()
    return [(kind, audit.PersonalDataAccessed.FromString(payload)) for kind, payload in rows]


def test_a_persons_doses_are_read_by_the_person_and_by_officers_who_declare_why_each_staff_read_recorded(day):
    api, world = day["api"], day["world"]
    person = world.person(1)
    historical = {"product": "210", "administered_date": "2021-08-01", "country": "FR",
                  "source": "FOREIGN_CERTIFICATE", "series": "PRIMARY", "dose_number": 1}
    assert api.post(f"/v1/persons/{person}/historical-doses", historical,
                    api.headers("district_officer", "district:760")).status_code == 201
    own = api.headers("citizen", f"person:{person}", sub=person)
    wait_for(lambda: api.get(f"/v1/persons/{person}/next-dose", own).status_code == 200, what="the next dose")
    before = api.count_events()

    # the person reads their own record; nothing is recorded
    assert [d["dose_number"] for d in api.get(f"/v1/persons/{person}/doses", own).json()["items"]] == [1]
    other = api.headers("citizen", f"person:{world.person(2)}", sub=world.person(2))
    for route in ("doses", "next-dose"):
        path = f"/v1/persons/{person}/{route}"
        assert problem(api.get(path, other)) == (403, "scope", "person_id")  # another citizen
        for role in ("analyst", "auditor"):  # aggregates only: never a person's health record
            assert problem(api.get(path, api.headers(role, "national", purpose="INVESTIGATION")))[:2] == (403, "role")
        assert problem(api.get(path, api.headers("district_officer", "district:760"))) == (400, "purpose", "X-Purpose")
        assert problem(api.get(path, api.headers("district_officer", "district:999", purpose="CARE"))) == (
            403, "scope", "person_id")
        assert problem(api.get(path, api.headers("national_admin", "national", purpose="CARE"), sort="x"))[::2] == (
            422, "sort")
    assert problem(api.get("/v1/persons/P-NOBODY-1/doses", api.headers("national_admin", "national",
                                                                         purpose="SUPPORT"))) == (404, None, "person_id")
    assert api.count_events() == before and accesses(api) == []

    # officers in scope who say why: each read is recorded, after it was authorized and the person found
    officer = api.headers("district_officer", "district:760", sub="officer-760", purpose="CARE")
    assert api.get(f"/v1/persons/{person}/doses", officer).status_code == 200
    assert api.get(f"/v1/persons/{person}/next-dose", api.headers("province_officer", "province:79", sub="officer-79"),
                   purpose="INVESTIGATION").json()["dose_number"] == 2
    recorded = [(kind, m.actor_id, m.actor_role, m.purpose, m.subject_person_id, m.endpoint)
                for kind, m in accesses(api)]
    assert recorded == [
        ("personal_data_access", "officer-760", "district_officer", "CARE", person,
         "GET /v1/persons/<person_id>/doses"),
        ("personal_data_access", "officer-79", "province_officer", "INVESTIGATION", person,
         "GET /v1/persons/<person_id>/next-dose")]
    assert api.count_events() == before + 2


def test_a_historical_dose_for_a_person_nobody_registered_is_a_404_naming_person_id_and_appends_nothing(day):
    api = day["api"]
    admin = api.headers("national_admin", "national")
    before = api.count_events()
    historical = {"product": "210", "administered_date": "2021-08-01", "country": "FR", "source": "PAPER_CARD",
                  "series": "PRIMARY", "dose_number": 1}
    assert problem(api.post("/v1/persons/P-NEVER-REGISTERED/historical-doses", historical, admin)) == (
        404, None, "person_id")
    assert api.count_events() == before


def refusals(day: dict, visit_id: str, cases: list[tuple[str, dict]]) -> list[tuple]:
    """Each (path, body) POSTed as the site's manager (or an officer for records): (status, rule, field)."""
    api = day["api"]
    officer = api.headers("national_admin", "national")
    return [problem(api.post(path.format(visit=visit_id, session=day["session_id"]), body,
                             officer if path.startswith(("/v1/persons", "/v1/aefi/")) else day["staff"]))
            for path, body in cases]


def test_text_with_a_control_character_is_a_422_naming_the_request_field_and_appends_nothing(day):
    api, world = day["api"], day["world"]
    visit = checked_in_and_screened(day, 2)
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(9),
            "interval_override": {"reason": "leaving\u0000", "approver_id": "doctor-7"}}
    check_in = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(3),
                "presence_override_reason": "app\u0000offline", "checked_in_at": at(9)}
    report = {"person_id": world.person(2), "dose_ids": ["D-1"], "onset_at": at(12), "symptoms": ["rash\u0000"],
              "serious": False, "outcome": "RECOVERED", "source": "SITE_OBSERVATION"}
    assert refusals(day, visit, [
        ("/v1/visits/{visit}/doses", dose),
        ("/v1/sessions/{session}/check-ins", check_in),
        ("/v1/visits/{visit}/screening", {"vitals": NORMAL, "screened_at": at(9),
                                          "answers": [{"question_code": "ACUTE_ILLNESS", "answer": "NO\u0000"}]}),
        ("/v1/aefi", report),
        ("/v1/aefi/AEFI-1/classification", {"level": "PROVINCE", "causality": "A1", "rationale": "seen\u0000"}),
        ("/v1/persons/P-1/historical-doses", {"product": "AZ\u2028", "administered_date": "2021-08-01", "country": "FR",
                                              "source": "PAPER_CARD", "series": "PRIMARY", "dose_number": 1}),
    ]) == [(422, "control-character", "interval_override.reason"),
           (422, "control-character", "presence_override_reason"),
           (422, "control-character", "answers.0.answer"),
           (422, "control-character", "symptoms.0"),
           (422, "control-character", "rationale"),
           (422, "control-character", "product")]
    assert api.count_events() == before


def test_a_time_without_a_zone_or_far_off_and_a_date_time_for_a_date_are_422s_naming_the_field(day):
    api = day["api"]
    visit = checked_in_and_screened(day, 4)
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1}
    historical = {"product": "210", "country": "FR", "source": "PAPER_CARD", "series": "PRIMARY", "dose_number": 1}
    assert [r[::2] for r in refusals(day, visit, [
        ("/v1/visits/{visit}/doses", {**dose, "administered_at": "2021-08-21T09:00:00"}),
        ("/v1/visits/{visit}/doses", {**dose, "administered_at": "0242-08-21T09:00:00+07:00"}),
        ("/v1/visits/{visit}/screening", {"vitals": NORMAL, "screened_at": "2242-08-21T09:00:00Z"}),
        ("/v1/sessions/{session}/vials", {"lot_id": "LOT-1", "opened_at": "9999-12-31T23:59:59+00:00"}),
        ("/v1/persons/P-1/historical-doses", {**historical, "administered_date": "2021-08-01T00:00:00Z"}),
    ])] == [(422, "administered_at"), (422, "administered_at"), (422, "screened_at"), (422, "opened_at"),
            (422, "administered_date")]
    officer = api.headers("district_officer", "district:760")
    assert problem(api.get("/v1/districts/760/overdue-doses", officer, as_of="0242-01-01")) == (
        422, "date-range", "as_of")
    assert problem(api.get("/v1/reports/doses", officer, level="district", code="760",
                           date_from="2021-08-01T10:30:00Z", date_to="2021-08-31"))[::2] == (422, "date_from")
    assert api.count_events() == before


def test_text_for_an_integer_or_a_boolean_is_a_422_never_coerced(day):
    api = day["api"]
    visit = checked_in_and_screened(day, 5)
    before = api.count_events()
    assert refusals(day, visit, [
        ("/v1/visits/{visit}/doses", {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": "1",
                                      "administered_at": at(9)}),
        ("/v1/visits/{visit}/screening", {"vitals": {**NORMAL, "pulse_per_minute": "72"}, "screened_at": at(9)}),
        ("/v1/visits/{visit}/screening", {"vitals": NORMAL, "pregnancy_weeks": 8.0, "screened_at": at(9)}),
        ("/v1/sessions/{session}/vials/" + day["vial"] + "/discard", {"discarded_at": at(9), "reason": "BROKEN",
                                                                       "residual_doses": "10"}),
        ("/v1/sessions/{session}/close", {"closed_at": at(16), "discard_open_vials": "true"}),
    ]) == [(422, "int_type", "dose_number"), (422, "int_type", "vitals.pulse_per_minute"),
           (422, "int_type", "pregnancy_weeks"), (422, "int_type", "residual_doses"),
           (422, "bool_type", "discard_open_vials")]
    assert api.count_events() == before


def test_an_offline_batch_rejects_an_invalid_item_naming_its_field_and_applies_the_rest(day):
    api, world, staff = day["api"], day["world"], day["staff"]
    visit = checked_in_and_screened(day, 7)
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(10)}
    batch = {"items": [
        {"sequence": 1, "kind": "dose", "visit_id": visit, "body": {**dose, "dose_number": "1"}},
        {"sequence": 2, "kind": "dose", "visit_id": visit, "body": {**dose, "administered_at": "2021-08-21T10:00"}},
        {"sequence": 3, "kind": "not_administered", "visit_id": visit,
         "body": {"reason": "REFUSED", "recorded_at": "0242-08-21T10:00:00Z"}},
        {"sequence": 4, "kind": "screening", "visit_id": visit,
         "body": {"vitals": NORMAL, "screened_at": at(10), "answers": [{"question_code": "X\u0000", "answer": ""}]}},
        {"sequence": 5, "kind": "observation", "visit_id": visit, "body": {"ended_at": at(11), "outcome": "NO_REACTION",
                                                                          "colour": "red"}},
        {"sequence": 6, "kind": "dose", "visit_id": visit, "body": dose},
    ]}
    response = api.post(f"/v1/sites/{day['site']}/devices/TAB-S-{world.tag}/batches", batch, staff)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["status"], i.get("http_status"), i.get("rule"), i.get("field")) for i in items] == [
        ("rejected", 422, "int_type", "dose_number"),
        ("rejected", 422, "timezone_aware", "administered_at"),
        ("rejected", 422, "time-range", "recorded_at"),
        ("rejected", 422, "control-character", "answers.0.question_code"),
        ("rejected", 422, "extra_forbidden", "colour"),
        ("accepted", None, None, None)]
    assert api.count_events() == before + 3  # the dose: DoseAdministered, NextDoseRecommended, VialDoseDrawn


def test_an_id_in_the_path_that_no_stream_could_hold_is_refused_naming_the_path_parameter(day):
    api, staff = day["api"], day["staff"]
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(9)}
    # Control characters never reach a view (eventkit's URL guard: 400); other malformed ids are the model's 422.
    assert problem(api.post("/v1/visits/V%00X/doses", dose, staff))[::2] == (400, "visit_id")
    officer = api.headers("national_admin", "national", purpose="CARE")
    assert problem(api.get("/v1/persons/P%0A1/doses", officer))[::2] == (400, "person_id")
    assert problem(api.post(f"/v1/sites/{day['site']}/devices/TAB%201/batches", {"items": [
        {"sequence": 1, "kind": "dose", "visit_id": "V-1", "body": dose}]}, staff))[::2] == (422, "device_id")
    assert api.count_events() == before
