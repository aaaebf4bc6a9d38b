"""The response centre's reads over HTTP against the real services (web + worker, own database, the session's
Kafka): inventory's and immunization's ``GET /v1/reports/provinces`` and eventkit's ``GET /v1/ops/health``.

Figures: a receipt at the national store and its lot's national suspension show in inventory's report; a dose
and a serious AEFI in a province show in immunization's (the topics are shared with the session's other
modules, so a figure is compared with its value before the step). Access: national scope reads every
province, a province officer only their own (403 naming ``province_code``), roles outside the list 403; bad
input is a 422 problem naming the field. ``/v1/ops/health`` answers national administrators only.
"""

from __future__ import annotations

import pytest
import requests

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir

from .immunization_world import (
    Client,
    World,
    at,
    checked_in_and_screened,
    hospital_day,
    problem,
    start_immunization,
)
from .inventory_stack import bearer, day, eventually, get, post, receipt, register_lot, seeded_inventory

inventory, admin = seeded_inventory("inventory-provinces")
PROVINCE = "94"  # Sóc Trăng: no other module gives doses there
HOSPITAL_DAY = "2021-08-21"


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-provinces"), MIGRATIONS)


def national_row(report: dict) -> dict:
    return next((r for r in report["items"] if r["province_code"] == "NATIONAL"), {"doses": 0, "blocked_doses": 0})


def test_inventory_reports_stock_and_blocked_lots_by_province_within_the_readers_scope(inventory, admin):
    before = national_row(get(inventory, "/v1/reports/provinces", admin))
    lot = register_lot(inventory)
    assert post(inventory, "/v1/receipts", receipt(lot, 100), admin).status_code == 201
    eventually(lambda: national_row(get(inventory, "/v1/reports/provinces", admin))["doses"] >= before["doses"] + 100,
               what="the receipt in the national store's row")
    suspended = post(inventory, f"/v1/lots/{lot}/suspend", {
        "scope": "NATIONAL", "reason": "AEFI cluster under review", "authority": "MOH",
        "decision_reference": f"MOH-{lot}", "decided_at": day(1)}, admin)
    assert suspended.status_code == 201, suspended.text
    mine = {"lot_id": lot, "scope": "NATIONAL", "scope_id": "", "status": "SUSPENDED"}

    def blocked(report: dict) -> list[dict]:
        return [{k: b[k] for k in mine} for b in report["blocked_lots"] if b["lot_id"] == lot]

    report = eventually(lambda: (r := get(inventory, "/v1/reports/provinces", admin)) and blocked(r) == [mine] and r,
                        what="the suspension in the report")
    assert national_row(report)["blocked_doses"] >= 100
    assert all(r["usable_doses"] + r["blocked_doses"] == r["doses"] for r in report["items"])

    officer = bearer(inventory, "province_officer", "province:79")
    own = get(inventory, "/v1/reports/provinces", officer, province_code="79")
    assert {r["province_code"] for r in own["items"]} <= {"79"} and blocked(own) == [mine]  # a national decision
    for query in ({}, {"province_code": "01"}, {"province_code": "NATIONAL"}):
        refused = requests.get(inventory.url("/v1/reports/provinces"), params=query, headers=officer, timeout=10)
        assert problem(refused)[0] == 403 and refused.json()["field"] == "province_code", refused.text
    bad = requests.get(inventory.url("/v1/reports/provinces"), params={"province_code": "7x"}, headers=admin, timeout=10)
    assert problem(bad)[0] == 422 and "province_code" in bad.text
    vaccinator = bearer(inventory, "vaccinator", "site:S-79-760-01")
    assert requests.get(inventory.url("/v1/reports/provinces"), headers=vaccinator, timeout=10).status_code == 403


def test_immunization_reports_doses_and_aefi_of_a_province_and_refuses_another_province(immunization, infra):
    d = hospital_day(immunization, infra.kafka_bootstrap, World(province=PROVINCE))
    api = d["api"]
    national = api.headers("national_admin", "national")
    officer = api.headers("province_officer", f"province:{PROVINCE}")
    query = {"province_code": PROVINCE, "date_from": HOSPITAL_DAY, "date_to": HOSPITAL_DAY}

    def report(headers: dict = officer) -> dict:
        answer = api.get("/v1/reports/provinces", headers, **query)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def aefi(body: dict) -> dict:
        return next((r for r in body["aefi"] if r["province_code"] == PROVINCE),
                    {"doses": 0, "aefi_cases": 0, "serious_cases": 0, "investigations_overdue": 0})

    before = report()
    doses_before = sum(r["doses"] for r in before["doses_per_day"])
    visit = checked_in_and_screened(d, 1)
    dose = api.post(f"/v1/visits/{visit}/doses", {"vial_opening_id": d["vial"], "series": "PRIMARY", "dose_number": 1,
                                                  "administered_at": at(9, 30)}, d["staff"])
    assert dose.status_code == 201, dose.text
    after = eventually(lambda: (r := report()) and sum(x["doses"] for x in r["doses_per_day"]) == doses_before + 1
                       and r, what="the dose in the province's report", timeout=60)
    assert {r["day"] for r in after["doses_per_day"]} == {HOSPITAL_DAY}
    assert {r["province_code"] for r in after["doses_per_day"] + after["aefi"] + after["coverage"]} == {PROVINCE}

    reported = api.post("/v1/aefi", {
        "person_id": d["world"].person(1), "dose_ids": [dose.json()["dose_id"]],
        "onset_at": at(10), "symptoms": ["high fever", "seizure"], "serious": True,
        "seriousness_criteria": ["HOSPITALISATION"], "outcome": "RECOVERING", "source": "SITE_OBSERVATION",
        "reported_at": at(11)}, d["staff"])
    assert reported.status_code == 201, reported.text
    row = eventually(lambda: (r := aefi(report())) and r["serious_cases"] == aefi(before)["serious_cases"] + 1 and r,
                     what="the serious AEFI in the report", timeout=60)
    assert row["investigations_overdue"] == aefi(before)["investigations_overdue"] + 1  # reported in 2021: 24 h passed
    assert row["rate_per_100000"] == round(row["aefi_cases"] * 100_000 / row["doses"], 2)
    everywhere = api.get("/v1/reports/provinces", national, date_from=HOSPITAL_DAY, date_to=HOSPITAL_DAY).json()
    assert aefi(everywhere) == row

    for params in ({}, {"province_code": "01"}):
        assert problem(api.get("/v1/reports/provinces", officer, **params))[::2] == (403, "province_code")
    assert problem(api.get("/v1/reports/provinces", national, date_from="2021-08-22", date_to="2021-08-21")) == (
        422, "range", "date_from")
    assert problem(api.get("/v1/reports/provinces", national, date_from="2020-01-01", date_to="2021-08-21")) == (
        422, "range", "date_to")
    assert problem(api.get("/v1/reports/provinces", national, province_code="9"))[::2] == (422, "province_code")
    assert api.get("/v1/reports/provinces", d["staff"]).status_code == 403  # a site manager: not on the list


def test_ops_health_reports_relay_projections_and_dead_letters_to_national_administrators_only(immunization):
    api = Client(immunization)
    body = api.get("/v1/ops/health", api.headers("national_admin", "national")).json()
    assert body["service"] == "immunization" and body["kafka_error"] is None, body
    relay = body["relay"]
    assert relay["backlog_events"] >= 0 and relay["published_position"] <= relay["head_position"]
    names = {p["projection"] for p in body["projections"]}
    assert names and all(p["lag_records"] is not None and p["lag_records"] >= 0 for p in body["projections"])
    assert body["dead_letters"]["topic"] == "vaxtrail.immunization.dlq.v1"
    assert isinstance(body["dead_letters"]["records"], int)
    for headers in (api.headers("province_officer", "province:79"), api.headers("analyst", "national"),
                    api.headers("auditor", "national")):
        assert api.get("/v1/ops/health", headers).status_code == 403
    assert requests.get(immunization.url("/v1/ops/health"), timeout=10).status_code == 401
