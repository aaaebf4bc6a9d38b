"""Invariant families over HTTP: each bad input is a 4xx problem naming its rule and field, and appends nothing.

Schedule rules (INV-21, INV-23, INV-24) with a historical dose from abroad, corrections (INV-33),
idempotent retries (INV-34), role and scope checks, and the overdue lists (doses per district, AEFI
deadlines) and AEFI rates read models.
"""

from __future__ import annotations

import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir

from .immunization_world import NORMAL_VITALS, at, checked_in_and_screened, problem, start_immunization
from .immunization_world import hospital_day as open_hospital_day
from .kafka_helpers import wait_for

NORMAL = NORMAL_VITALS


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-rules"), MIGRATIONS)


@pytest.fixture(scope="module")
def hospital_day(immunization, infra):
    """A session at a hospital-capable site on 21 Aug 2021: people 1-5 adults, person 6 born in 2005."""
    return open_hospital_day(immunization, infra.kafka_bootstrap)


def test_a_postponement_at_one_visit_refuses_a_dose_at_the_next_visit_from_the_persons_record(hospital_day):
    """INV-20 across visits: the postponement is on the person's record (same append as the screening), so the
    dose at a new visit is refused on event-sourced state, whatever the worker's read models have seen."""
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    person = world.person(20)

    def check_in(minute: int) -> str:
        body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID",
                "document_number": world.national_id(20), "presence_override_reason": "app offline",
                "checked_in_at": at(10, minute)}
        visit = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
        assert visit.status_code == 201, visit.text
        return visit.json()["visit_id"]

    first = check_in(0)
    fever = {**NORMAL, "temperature_celsius": "38.4"}
    postponed = api.post(f"/v1/visits/{first}/screening", {"vitals": fever, "screened_at": at(10, 1)}, staff).json()
    assert postponed["outcome"] == "POSTPONED" and len(postponed["event_ids"]) == 2
    assert api.count_events(person) == 1  # noted on the person's record in the screening's own append
    second = check_in(10)
    assert api.post(f"/v1/visits/{second}/screening", {"vitals": NORMAL, "screened_at": at(10, 11)},
                    staff).json()["outcome"] == "ELIGIBLE"
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(10, 15)}
    assert problem(api.post(f"/v1/visits/{second}/doses", dose, staff)) == (422, "INV-20", "administered_at")
    assert api.count_events() == before


def test_schedule_rules_are_enforced_over_http_and_a_rejection_appends_nothing(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    person = world.person(1)
    officer = api.headers("district_officer", "district:760")
    historical = {"product": "210", "lot_number": "ABV1234", "administered_date": "2021-08-01", "country": "FR",
                  "source": "FOREIGN_CERTIFICATE", "series": "PRIMARY", "dose_number": 1}
    assert api.post(f"/v1/persons/{person}/historical-doses", historical, officer).status_code == 201
    visit = checked_in_and_screened(day, 1)
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 2, "administered_at": at(9)}
    assert problem(api.post(f"/v1/visits/{visit}/doses", dose, staff)) == (422, "INV-21", "administered_at")
    assert problem(api.post(f"/v1/visits/{visit}/doses", {**dose, "dose_number": 3}, staff)) == (
        422, "INV-23", "dose_number")
    teen_visit = checked_in_and_screened(day, 6)
    middle = api.count_events()
    assert problem(api.post(f"/v1/visits/{teen_visit}/doses", {**dose, "dose_number": 1}, staff))[:2] == (
        422, "INV-24")
    assert api.count_events() == middle and middle == before + 2  # only the teen's check-in and screening

    early = {**dose, "interval_override": {"reason": "leaving the country", "approver_id": "doctor-7"}}
    assert api.post(f"/v1/visits/{visit}/doses", early, staff).status_code == 201


def test_product_continuity_and_the_vials_lot_are_enforced_over_http(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    person = world.person(7)
    sinopharm = {"product": "510", "administered_date": "2021-07-25", "country": "CN", "source": "PAPER_CARD",
                 "series": "PRIMARY", "dose_number": 1}
    assert api.post(f"/v1/persons/{person}/historical-doses", sinopharm,
                    api.headers("district_officer", "district:760")).status_code == 201
    visit = checked_in_and_screened(day, 7)
    before = api.count_events()
    dose = {"vial_opening_id": day["pfizer_vial"], "series": "PRIMARY", "dose_number": 2, "administered_at": at(9),
            "heterologous_consent": True}
    assert problem(api.post(f"/v1/visits/{visit}/doses", dose, staff)) == (422, "INV-22", "vial_opening_id")
    mixed_up = {**dose, "vial_opening_id": day["vial"], "lot_id": world.lot("FF2153")}
    assert problem(api.post(f"/v1/visits/{visit}/doses", mixed_up, staff)) == (422, "INV-28", "lot_id")
    assert api.count_events() == before


def device_batch(day: dict, n: int, vial: str, presence_code: str | None = None) -> dict:
    api, world, person = day["api"], day["world"], day["world"].person(n)
    code = api.get(f"/v1/persons/{person}/check-in-pass", api.headers("citizen", f"person:{person}", sub=person),
                   session_id=day["session_id"]).json()
    visit = f"V-DEV-{world.tag}-{n}"
    return {"items": [
        {"sequence": 1, "kind": "check_in", "session_id": day["session_id"],
         "body": {"visit_id": visit, "identity_method": "QR", "qr_token": code["qr_token"],
                  "presence_code": presence_code or code["presence_code"], "checked_in_at": at(12, n)}},
        {"sequence": 2, "kind": "screening", "visit_id": visit, "body": {"vitals": NORMAL, "screened_at": at(12, 20)}},
        {"sequence": 3, "kind": "dose", "visit_id": visit,
         "body": {"vial_opening_id": vial, "series": "PRIMARY", "dose_number": 1, "administered_at": at(12, 30)}},
    ]}


def test_two_offline_devices_drawing_one_single_dose_vial_conflict_per_item(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    vial = api.post(f"/v1/sessions/{day['session_id']}/vials", {"lot_id": world.lot("SP0412"),
                                                                "opened_at": at(12)}, staff).json()["vial_opening_id"]
    url = f"/v1/sites/{day['site']}/devices/{{}}/batches"
    first = api.post(url.format(f"TAB-A-{world.tag}"), device_batch(day, 8, vial), staff).json()
    assert [i["status"] for i in first["items"]] == ["accepted"] * 3, first
    before = api.count_events()
    second = api.post(url.format(f"TAB-B-{world.tag}"), device_batch(day, 9, vial), staff).json()
    assert [i["status"] for i in second["items"]] == ["accepted", "accepted", "rejected"], second
    assert (second["items"][2]["rule"], second["items"][2]["field"]) == ("INV-25", "vial_opening_id")
    assert api.count_events() == before + 2  # the check-in and the screening only
    wrong_code = api.post(url.format(f"TAB-C-{world.tag}"), device_batch(day, 10, vial, presence_code="000000"),
                          staff).json()
    assert (wrong_code["items"][0]["rule"], wrong_code["items"][0]["field"]) == ("presence", "presence_code")


def test_corrections_reference_the_original_and_are_never_edits(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    visit = checked_in_and_screened(day, 2)
    given = api.post(f"/v1/visits/{visit}/doses", {"vial_opening_id": day["vial"], "series": "PRIMARY",
                                                   "dose_number": 1, "administered_at": at(9, 30)}, staff)
    assert given.status_code == 201
    person, dose_id, event_id = world.person(2), given.json()["dose_id"], given.json()["event_ids"][0]
    base = f"/v1/persons/{person}/doses/{dose_id}"
    before = api.count_events(person)
    lot_change = {"reverses_event_id": event_id, "reason": "typo",
                  "changes": [{"field": "lot_id", "old_value": "x", "new_value": "y"}]}
    assert problem(api.post(f"{base}/corrections", lot_change, staff)) == (422, "INV-33", "changes")
    assert problem(api.post(f"{base}/entered-in-error", {"reverses_event_id": "not-the-original", "reason": "x"},
                            staff)) == (422, "INV-33", "reverses_event_id")
    assert api.count_events(person) == before
    arm = {**lot_change, "changes": [{"field": "body_site", "old_value": "LEFT_DELTOID", "new_value": "RIGHT_DELTOID"}]}
    assert api.post(f"{base}/corrections", arm, staff).status_code == 201
    assert api.post(f"{base}/entered-in-error", {"reverses_event_id": event_id, "reason": "wrong person"},
                    staff).status_code == 201
    after = api.count_events(person)
    assert problem(api.post(f"{base}/entered-in-error", {"reverses_event_id": event_id, "reason": "again"},
                            staff)) == (422, "INV-33", "dose_id")
    assert api.count_events(person) == after
    assert api.client_put(base, {"lot_id": "LOT-OTHER"}, staff) in {404, 405}  # no route edits a dose

    officer = api.headers("district_officer", "district:760", purpose="CARE")  # a staff read declares why
    doses = wait_for(lambda: [d for d in api.get(f"/v1/persons/{person}/doses", officer).json()["items"]
                              if d["entered_in_error"]], what="the voided dose in the read model")
    assert doses[0]["corrections"] == 1


def test_a_retried_check_in_with_the_same_idempotency_key_appends_once(hospital_day):
    day = hospital_day
    api, world = day["api"], day["world"]
    staff = api.headers("vaccinator", f"site:{day['site']}", key=f"tablet-3-{world.tag}-17")
    body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(3),
            "presence_override_reason": "no phone", "checked_in_at": at(10)}
    before = api.count_events()
    first = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
    again = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (201, 200, "true")
    assert again.json() == first.json() and api.count_events() == before + 1
    assert problem(api.post(f"/v1/sessions/{day['session_id']}/check-ins", {**body, "checked_in_at": at(11)},
                            staff))[:2] == (422, "INV-34")


def test_roles_and_scopes_are_checked(hospital_day):
    day = hospital_day
    api, world = day["api"], day["world"]
    elsewhere = api.headers("vaccinator", "site:S-OTHER-01")
    body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(4),
            "presence_override_reason": "no phone", "checked_in_at": at(10)}
    assert problem(api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, elsewhere)) == (403, "scope",
                                                                                                 "site_id")
    citizen = api.headers("citizen", f"person:{world.person(4)}", sub=world.person(4))
    assert api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, citizen).status_code == 403
    other = {"person_id": world.person(5), "dose_ids": ["D-x"], "onset_at": at(12), "symptoms": ["rash"],
             "serious": False, "outcome": "RECOVERED", "source": "SELF_REPORT"}
    assert problem(api.post("/v1/aefi", other, citizen)) == (403, "scope", "person_id")
    assert api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, {}).status_code == 401


def test_overdue_lists_and_aefi_rates(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    visit = checked_in_and_screened(day, 5)
    given = api.post(f"/v1/visits/{visit}/doses", {"vial_opening_id": day["vial"], "series": "PRIMARY",
                                                   "dose_number": 1, "administered_at": at(11)}, staff)
    assert given.status_code == 201, given.text
    person = world.person(5)
    citizen = api.headers("citizen", f"person:{person}", sub=person)
    late_report = {"person_id": person, "dose_ids": [given.json()["dose_id"]], "onset_at": at(20),
                   "symptoms": ["high fever", "seizure"], "serious": True, "seriousness_criteria": ["HOSPITALISATION"],
                   "outcome": "RECOVERING", "source": "SELF_REPORT", "reported_at": at(23)}
    reported = api.post("/v1/aefi", late_report, citizen)
    assert reported.status_code == 201, reported.text
    before = api.count_events()
    assert problem(api.post("/v1/aefi", {**late_report, "onset_at": at(-48)}, citizen)) == (422, "INV-30", "onset_at")
    assert problem(api.post("/v1/aefi", {**late_report, "seriousness_criteria": []}, citizen)) == (
        422, "INV-30", "seriousness_criteria")
    assert api.count_events() == before

    officer = api.headers("district_officer", "district:760")
    overdue = wait_for(lambda: [a for a in api.get("/v1/aefi/overdue", officer, district_code="760").json()["items"]
                                if a["aefi_id"] == reported.json()["aefi_id"]], what="the overdue AEFI")
    assert overdue[0]["investigation_overdue"] and overdue[0]["classification_overdue"]
    drop_outs = wait_for(lambda: [p for p in api.get("/v1/districts/760/overdue-doses", officer).json()["items"]
                                  if p["person_id"] == person], what="the drop-out list")
    assert (drop_outs[0]["series"], drop_outs[0]["dose_number"], drop_outs[0]["due_date"]) == ("PRIMARY", 2,
                                                                                              "2021-10-30")
    analyst = api.headers("analyst", "national")
    rates = {r["key"]: r for r in api.get("/v1/reports/aefi-rates", analyst, by="lot").json()["items"]}
    lot = rates[world.lot("ABV5300")]
    assert lot["aefi_cases"] >= 1 and lot["rate_per_100000"] == round(lot["aefi_cases"] * 100000 / lot["doses"], 2)


def test_malformed_inputs_are_4xx_problems_naming_the_field_and_append_nothing(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    officer = api.headers("district_officer", "district:760")
    visit = checked_in_and_screened(day, 3)
    before = api.count_events()
    assert problem(api.get("/v1/districts/760/overdue-doses", officer, as_of="next tuesday"))[::2] == (422, "as_of")
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(9)}
    assert problem(api.post(f"/v1/visits/{visit}/doses", {**dose, "dose_number": "one"}, staff))[0] == 422
    assert problem(api.post(f"/v1/visits/{visit}/doses", {**dose, "dose_colour": "red"}, staff))[0] == 422
    assert problem(api.post(f"/v1/visits/{visit}/doses", {"series": "PRIMARY"}, staff))[0] == 422
    report = {"person_id": world.person(3), "dose_ids": ["D-" + "9" * 100_000], "onset_at": at(12),
              "symptoms": ["rash"], "serious": False, "outcome": "RECOVERED", "source": "SITE_OBSERVATION"}
    assert problem(api.post("/v1/aefi", report, staff))[0] in (403, 422)
    huge = {"items": [{"sequence": 2 ** 64, "kind": "dose", "visit_id": visit, "body": dose}]}
    response = api.post(f"/v1/sites/{day['site']}/devices/TAB-Z-{world.tag}/batches", huge, staff)
    assert problem(response)[::2] == (422, "items.0.sequence")
    assert api.count_events() == before


def test_a_dose_after_the_vials_discard_time_is_a_422_naming_inv_26_and_appends_nothing(hospital_day):
    day = hospital_day
    api, staff = day["api"], day["staff"]
    visit = checked_in_and_screened(day, 4)
    before = api.count_events()
    late = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(14, 30)}
    assert problem(api.post(f"/v1/visits/{visit}/doses", late, staff)) == (422, "INV-26", "administered_at")
    assert api.count_events() == before


def test_an_id_that_names_another_kind_of_record_is_a_422_not_a_500_and_appends_nothing(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    before = api.count_events()
    squatting = {"visit_id": day["session_id"], "identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID",
                 "document_number": world.national_id(9), "presence_override_reason": "app offline",
                 "checked_in_at": at(13)}
    assert problem(api.post(f"/v1/sessions/{day['session_id']}/check-ins", squatting, staff)) == (
        422, "aggregate-kind", "visit_id")
    officer = api.headers("district_officer", "district:760")
    report = {"aefi_id": day["session_id"], "person_id": world.person(1), "dose_ids": ["D-none"], "onset_at": at(12),
              "symptoms": ["rash"], "serious": False, "outcome": "RECOVERED", "source": "SITE_OBSERVATION"}
    assert problem(api.post("/v1/aefi", report, officer)) == (422, "aggregate-kind", "aefi_id")
    assert api.count_events() == before


def test_an_oversized_self_report_is_a_422_and_appends_nothing(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    visit = checked_in_and_screened(day, 3)
    given = api.post(f"/v1/visits/{visit}/doses", {"vial_opening_id": day["vial"], "series": "PRIMARY",
                                                   "dose_number": 1, "administered_at": at(11, 30)}, staff)
    assert given.status_code == 201, given.text
    person = world.person(3)
    citizen = api.headers("citizen", f"person:{person}", sub=person)
    before = api.count_events()
    # ~1.2 MB of symptoms: stored, it would exceed Kafka's 1 MB message limit and stall the relay for everyone
    flood = {"person_id": person, "dose_ids": [given.json()["dose_id"]], "onset_at": at(20),
             "symptoms": ["x" * 600] * 2_000,
             "serious": False, "outcome": "RECOVERED", "source": "SELF_REPORT"}
    assert problem(api.post("/v1/aefi", flood, citizen))[::2] == (422, "symptoms")
    long_one = {**flood, "symptoms": ["x" * 5_000]}
    assert problem(api.post("/v1/aefi", long_one, citizen))[::2] == (422, "symptoms.0")
    many_doses = {**flood, "symptoms": ["rash"], "dose_ids": [f"D-{n}" for n in range(1_000)]}
    assert problem(api.post("/v1/aefi", many_doses, citizen))[::2] == (422, "dose_ids")
    assert api.count_events() == before



def test_far_off_times_and_dates_are_422s_not_500s_and_append_nothing(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]
    officer = api.headers("district_officer", "district:760")
    year_one = "0001-01-01T00:00:00+14:00"  # overflowed converting to local time
    before = api.count_events()
    vial = api.post(f"/v1/sessions/{day['session_id']}/vials", {"lot_id": world.lot("ABV5300"), "opened_at": year_one},
                    staff)
    assert problem(vial)[::2] == (422, "opened_at")
    check_in = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(8),
                "presence_override_reason": "app offline", "checked_in_at": year_one}
    assert problem(api.post(f"/v1/sessions/{day['session_id']}/check-ins", check_in, staff))[::2] == (
        422, "checked_in_at")
    ancient = {"product": "210", "administered_date": "0001-01-01", "country": "FR", "source": "PAPER_CARD",
               "series": "PRIMARY", "dose_number": 1}
    # Year 1 is refused by the request model (a Day is 1900-2099); a date before any COVID-19 vaccine by INV-8.
    assert problem(api.post(f"/v1/persons/{world.person(8)}/historical-doses", ancient, officer)) == (
        422, "date-range", "administered_date")
    assert problem(api.post(f"/v1/persons/{world.person(8)}/historical-doses",
                            {**ancient, "administered_date": "2019-12-31"}, officer)) == (
        422, "INV-8", "administered_date")
    assert api.count_events() == before


def test_staff_of_another_site_and_read_only_roles_write_nothing(hospital_day):
    day = hospital_day
    api, world = day["api"], day["world"]
    visit = checked_in_and_screened(day, 9)
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(12)}
    elsewhere = api.headers("vaccinator", "site:S-OTHER-01")
    assert problem(api.post(f"/v1/visits/{visit}/doses", dose, elsewhere)) == (403, "scope", "site_id")
    assert problem(api.post(f"/v1/visits/{visit}/screening", {"vitals": NORMAL, "screened_at": at(12)},
                            elsewhere)) == (403, "scope", "site_id")
    for role in ("analyst", "auditor", "partner", "citizen"):
        assert api.post(f"/v1/visits/{visit}/doses", dose, api.headers(role, "national")).status_code == 403
    person = world.person(9)
    assert api.get(f"/v1/persons/{person}/doses", api.headers("partner", "national")).status_code == 403
    assert api.get(f"/v1/persons/{person}/doses", api.headers("citizen", f"person:{world.person(8)}")).status_code == 403
    assert api.count_events() == before
