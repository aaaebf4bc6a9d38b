"""The registration service over real HTTP, against the real PostgreSQL and Kafka.

Each invariant family is checked at least once here with its bad example: the 4xx problem+json naming the
rule and field, and no event appended. The pure rules are covered in depth by tests/unit/registration.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import jwt
import psycopg
import pytest
import requests
from google.protobuf.timestamp_pb2 import Timestamp

from eventkit.codec import decode_message
from eventkit.kafka_record import from_record
from services.registration.handlers import guard_id
from services.registration.settings import identity_key
from tests.integration.service_procs import private_workdir
from vaxtrail.certificate.v1 import events_pb2 as certificate_pb2
from vaxtrail.common.v1 import types_pb2 as common_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization_pb2
from vaxtrail_cli.main import main as cli_main

from .kafka_helpers import read_topic, wait_for
from .registration_support import (
    Publisher,
    bearer,
    citizen_id,
    events_count,
    person_body,
    start_registration,
    stop_registration,
    wait_for_centre,
    wait_for_session,
)

PDA = "vaxtrail.audit.v1.PersonalDataAccessed"


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration"))
    yield service
    stop_registration(service, infra)


@pytest.fixture(scope="module")
def publisher(infra):
    publisher = Publisher(infra.kafka_bootstrap)
    yield publisher
    publisher.close()


def post(service, path, body, headers):
    return service.http.post(service.url(path), json=body, headers=headers, timeout=10)


def citizen(service, account: str | None = None):
    return bearer(service, "citizen", "person:none", sub=account or f"citizen-{uuid.uuid4().hex[:8]}")


def register(service, headers=None, **overrides) -> str:
    response = post(service, "/v1/persons", person_body(**overrides), headers or citizen(service))
    assert response.status_code == 201, response.text
    return response.json()["person_id"]


def assert_problem(response, status: int, rule: str, field: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem.get("rule"), problem.get("field")) == (rule, field), problem
    return problem


# -- identity (INV-31, INV-34) ----------------------------------------------------------------------------

def staff(service):
    return bearer(service, "vaccinator", "site:S-79-760-01", sub="vaccinator-760-01")


def test_the_same_national_id_twice_is_a_409_that_names_the_existing_person_to_staff_and_appends_nothing(
        registration):
    body = person_body()
    first = post(registration, "/v1/persons", body, citizen(registration))
    assert first.status_code == 201, first.text
    before = events_count(registration)

    again = post(registration, "/v1/persons", body | {"full_name": "Nguyễn Lan"}, staff(registration))
    problem = assert_problem(again, 409, "INV-31", "national_id")
    assert problem["existing_person_id"] == first.json()["person_id"]
    assert again.headers["Location"] == f"/v1/persons/{first.json()['person_id']}"
    assert events_count(registration) == before


def test_a_citizens_duplicate_national_id_is_a_409_that_does_not_reveal_who_holds_the_number(registration):
    body = person_body()
    holder = post(registration, "/v1/persons", body, citizen(registration)).json()["person_id"]
    before = events_count(registration)

    again = post(registration, "/v1/persons", body | {"full_name": "Nguyễn Lan"}, citizen(registration))
    problem = assert_problem(again, 409, "INV-31", "national_id")
    assert "existing_person_id" not in problem and "Location" not in again.headers
    assert holder not in again.text
    assert events_count(registration) == before


@pytest.mark.parametrize("overrides, rule, field", [
    ({"date_of_birth": "2030-01-01", "national_id_kind": "LEGACY_ID_CARD", "national_id": "023456789"},
     "INV-31", "date_of_birth"),
    ({"phone": "0212345678"}, "phone-format", "phone"),
    ({"national_id": "12345"}, "national-id-format", "national_id"),
    ({"address": {"province_code": "79", "district_code": "001"}}, "admin-code", "address.district_code"),
])
def test_invalid_fields_are_422s_naming_the_rule_and_append_nothing(registration, overrides, rule, field):
    before = events_count(registration)
    assert_problem(post(registration, "/v1/persons", person_body(**overrides), citizen(registration)), 422, rule, field)
    assert events_count(registration) == before


def test_racing_registrations_of_one_national_id_register_exactly_one_person(registration):
    body = person_body()
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: requests.post(registration.url("/v1/persons"), json=body, timeout=30,
                                                          headers=staff(registration)), range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 5, [r.text for r in responses]
    winner = next(r.json()["person_id"] for r in responses if r.status_code == 201)
    assert {r.json()["existing_person_id"] for r in responses if r.status_code == 409} == {winner}


def test_personal_details_are_never_edited_in_place(registration):
    person = register(registration)
    before = events_count(registration)
    officer = bearer(registration, "province_officer", "province:79")
    for method in ("put", "patch", "delete"):
        response = getattr(registration.http, method)(registration.url(f"/v1/persons/{person}"),
                                                     json={"full_name": "Lê Thị Lan"}, headers=officer, timeout=5)
        assert response.status_code == 405
    assert events_count(registration) == before
    with psycopg.connect(registration.database_url) as conn, pytest.raises(psycopg.errors.RaiseException,
                                                                           match="INV-33"):
        conn.execute("UPDATE events SET payload = '' WHERE aggregate_id = %s", (person,))


def test_a_retried_registration_with_the_same_idempotency_key_registers_once(registration):
    headers = citizen(registration, "citizen-retry") | {"Idempotency-Key": f"app-{uuid.uuid4().hex}"}
    body = person_body()
    first = post(registration, "/v1/persons", body, headers)
    again = post(registration, "/v1/persons", body, headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = post(registration, "/v1/persons", person_body(), headers)
    assert_problem(other, 422, "INV-34", "idempotency_key")


def test_a_citizen_registers_family_under_one_account_and_sees_them(registration):
    account = citizen(registration, f"citizen-{uuid.uuid4().hex[:8]}")
    mother = register(registration, account)
    child = register(registration, account, relationship="CHILD", full_name="Trần Minh An", date_of_birth="2010-05-02",
                     sex="MALE", national_id=citizen_id(sex="MALE", born=date(2010, 5, 2)),
                     phone="")
    listed = wait_for(lambda: {p["person_id"] for p in registration.http.get(
        registration.url("/v1/me/persons"), headers=account, timeout=5).json()["items"]} == {mother, child} or None,
        what="the account's persons")
    assert listed
    record = registration.http.get(registration.url(f"/v1/persons/{child}"), headers=account, timeout=5).json()
    assert record["details"]["relationship"] == "CHILD" and record["details"]["account_id"] == account_id(account)
    stranger = registration.http.get(registration.url(f"/v1/persons/{child}"), headers=citizen(registration), timeout=5)
    assert stranger.status_code == 403


def account_id(headers) -> str:
    return jwt.decode(headers["Authorization"][7:], options={"verify_signature": False})["sub"]


def test_a_national_id_correction_moves_the_uniqueness_guard_and_a_merge_retires_the_duplicate(registration):
    officer = bearer(registration, "province_officer", "province:79")
    kept, typo = register(registration), register(registration)
    new_id = citizen_id()
    corrected = post(registration, f"/v1/persons/{typo}/corrections",
                     {"changes": {"national_id": new_id}, "reason": "typo on the form", "evidence": "CCCD scan"}, officer)
    assert corrected.status_code == 201, corrected.text
    taken = post(registration, "/v1/persons", person_body(national_id=new_id), staff(registration))
    assert taken.json()["existing_person_id"] == typo

    before = events_count(registration)
    assert_problem(post(registration, f"/v1/persons/{kept}/merges", {"merged_person_id": kept, "reason": "x"}, officer),
                   422, "merge", "merged_person_id")
    assert events_count(registration) == before
    merged = post(registration, f"/v1/persons/{kept}/merges", {"merged_person_id": typo, "reason": "same person"},
                  officer)
    assert merged.status_code == 201, merged.text
    moved = post(registration, "/v1/persons", person_body(national_id=new_id), staff(registration))
    assert moved.json()["existing_person_id"] == kept



def test_merging_an_id_that_names_another_kind_of_stream_is_a_422_not_a_500(registration):
    """Every stream but a person's has a '/' in its id, and a person id has none: the request model refuses
    such an id (the store's kind check, 422 aggregate-kind, stands behind it: see
    tests/unit/registration/test_registration_handlers.py)."""
    officer = bearer(registration, "province_officer", "province:79")
    body = person_body()
    kept = post(registration, "/v1/persons", body, citizen(registration)).json()["person_id"]
    guard = guard_id(identity_key("local", {}), body["national_id_kind"], body["national_id"])  # a national-ID guard
    before = events_count(registration)
    assert_problem(post(registration, f"/v1/persons/{kept}/merges", {"merged_person_id": guard, "reason": "dup"},
                        officer), 422, "string_pattern_mismatch", "merged_person_id")
    assert events_count(registration) == before


def assert_discreet_403(response, person: str) -> None:
    """A refusal names the rule, but not where the person lives (province, district) or is booked (site)."""
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["rule"] == "scope"
    detail = problem["detail"].replace(person, "<person>")
    assert not any(secret in detail for secret in ("79", "760", "S-79-760-01")), detail


def test_a_403_does_not_reveal_the_persons_province_district_or_site(registration):
    person = register(registration)
    elsewhere = bearer(registration, "province_officer", "province:01", sub="officer-hanoi")
    before = events_count(registration)
    assert_discreet_403(registration.http.get(registration.url(f"/v1/persons/{person}"), timeout=5,
                                              headers=elsewhere | {"X-Purpose": "CARE"}), person)
    assert_discreet_403(post(registration, f"/v1/persons/{person}/approval", {}, elsewhere), person)
    assert_discreet_403(post(registration, f"/v1/persons/{person}/corrections",
                             {"changes": {"phone": "0987654321"}, "reason": "new phone"}, elsewhere), person)
    district = bearer(registration, "district_officer", "district:001", sub="officer-ba-dinh")
    assert_discreet_403(post(registration, f"/v1/persons/{person}/priority-groups",
                             {"group_code": "G1", "evidence": "roster"}, district), person)
    assert events_count(registration) == before


# -- priority groups (INV-31), approval and district --------------------------------------------------------

def test_a_group_outside_the_active_catalogue_is_rejected_under_inv_31_and_appends_nothing(registration):
    person = register(registration)
    officer = bearer(registration, "province_officer", "province:79")
    before = events_count(registration)
    assert_problem(post(registration, f"/v1/persons/{person}/priority-groups",
                        {"group_code": "G12", "evidence": "letter"}, officer), 422, "INV-31", "group_code")
    assert_problem(post(registration, f"/v1/persons/{person}/priority-groups",
                        {"group_code": "G1", "catalogue_version": "QD-1210-2021", "evidence": "letter"}, officer),
                   422, "INV-31", "catalogue_version")
    assert events_count(registration) == before
    assigned = post(registration, f"/v1/persons/{person}/priority-groups",
                    {"group_code": "G1", "evidence": "Chợ Rẫy hospital staff list"}, officer)
    assert assigned.status_code == 201, assigned.text


def test_only_a_province_officer_of_the_persons_province_decides_and_the_queue_puts_priority_first(registration):
    officer_79, officer_01 = (bearer(registration, "province_officer", "province:79"),
                              bearer(registration, "province_officer", "province:01"))
    district = f"7{uuid.uuid4().int % 2 + 83}"  # 783 or 784: a district of its own for this test's queue
    early, late = register(registration, district=district), register(registration, district=district)
    post(registration, f"/v1/persons/{late}/priority-groups", {"group_code": "G1", "evidence": "roster"}, officer_79)

    def queue():
        response = registration.http.get(registration.url("/v1/provinces/79/approval-queue"),
                                         params={"district_code": district, "limit": 1000}, headers=officer_79,
                                         timeout=5)
        ids = [item["person_id"] for item in response.json()["items"]]
        return ids if {early, late} <= set(ids) and response.json()["items"][0]["priority_group"] else None
    ids = wait_for(queue, what="both in the queue, the G1 one ranked")
    assert ids.index(late) < ids.index(early)  # registered later, but priority group G1 comes first
    assert "full_name" not in registration.http.get(registration.url("/v1/provinces/79/approval-queue"),
                                                    headers=officer_79, timeout=5).text

    before = events_count(registration)
    denied = post(registration, f"/v1/persons/{early}/approval", {}, officer_01)
    assert denied.status_code == 403 and denied.json()["rule"] == "scope"
    national = post(registration, f"/v1/persons/{early}/approval", {},
                    bearer(registration, "province_officer", "national"))
    assert national.status_code == 403
    assert events_count(registration) == before
    assert post(registration, f"/v1/persons/{early}/approval", {}, officer_79).status_code == 201
    assert_problem(post(registration, f"/v1/persons/{late}/rejection", {}, officer_79), 422, "approval-reason", "reason")


def test_district_assignment_uses_centres_learned_from_the_inventory_topic(registration, publisher):
    officer = bearer(registration, "province_officer", "province:79")
    centre = f"DHC-79-760-{uuid.uuid4().hex[:6]}"
    centre_event = publisher.district_centre(centre, "79", "760")
    publisher.district_centre(f"DHC-01-001-{uuid.uuid4().hex[:6]}", "01", "001")
    person = register(registration)
    assert post(registration, f"/v1/persons/{person}/approval", {}, officer).status_code == 201
    assert_problem(post(registration, f"/v1/persons/{person}/district-assignment",
                        {"district_health_centre_id": "DHC-UNKNOWN"}, officer), 422, "district-centre",
                   "district_health_centre_id")
    wait_for_centre(registration, centre)
    assigned = post(registration, f"/v1/persons/{person}/district-assignment",
                    {"district_health_centre_id": centre}, officer)
    assert assigned.status_code == 201, assigned.text
    record = registration.http.get(registration.url(f"/v1/persons/{person}"), timeout=5,
                                   headers=officer | {"X-Purpose": "ADMINISTRATION"}).json()
    assert record["district"]["centre_source_event_id"] == centre_event  # the read-model fact the decision saw


# -- walk-ins: the site's standing delegation -------------------------------------------------------------

def test_a_walk_in_is_approved_by_the_sites_delegation_and_assigned_and_the_province_sees_it(registration,
                                                                                             publisher):
    """Registered on the spot at the site and approved there (the approval names the delegation and the
    approver, the person is assigned to the site's centre); the bad examples are refused and append nothing."""
    centre, tag = f"DHC-79-760-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex[:6]
    session = f"SES-WALK-{tag}"
    publisher.district_centre(centre, "79", "760")
    publisher.session(session, centre, capacity=10, days_ahead=0)  # today, at S-79-760-01
    vaccinator = bearer(registration, "vaccinator", "site:S-79-760-01", sub=f"vaccinator-{tag}")
    other_site = bearer(registration, "site_manager", "site:S-79-760-02", sub=f"manager-{tag}")
    officer = bearer(registration, "province_officer", "province:79")
    queue = registration.http.get(registration.url("/v1/provinces/79/approval-queue"), headers=officer, timeout=5)
    walk_ins_before = queue.json()["walk_in_approvals"]

    before = events_count(registration)
    assert_problem(post(registration, "/v1/persons", person_body(site_id="S-79-760-02"), vaccinator), 403, "scope",
                   "site_id")                                                    # another site's walk-in
    assert events_count(registration) == before
    walk_in = register(registration, vaccinator, site_id="S-79-760-01")
    by_app = register(registration)                                              # a citizen's own registration
    wait_for_centre(registration, centre)
    wait_for_session(registration, session)

    before = events_count(registration)
    assert_problem(post(registration, f"/v1/persons/{by_app}/walk-in-approval", {"session_id": session},
                        vaccinator), 422, "walk-in-delegation", "person_id")     # the province decides on it
    assert_problem(post(registration, f"/v1/persons/{walk_in}/walk-in-approval", {"session_id": "SES-NONE"},
                        vaccinator), 422, "walk-in-delegation", "session_id")
    assert_problem(post(registration, f"/v1/persons/{walk_in}/walk-in-approval", {"session_id": session},
                        other_site), 403, "scope", "session_id")                 # not the session's site
    assert_problem(post(registration, f"/v1/persons/{walk_in}/approval", {}, vaccinator), 403, "role", None)
    assert events_count(registration) == before

    approved = post(registration, f"/v1/persons/{walk_in}/walk-in-approval",
                    {"session_id": session, "reason": "walk-in at the site"}, vaccinator)
    assert approved.status_code == 201, approved.text
    record = registration.http.get(registration.url(f"/v1/persons/{walk_in}"), timeout=5,
                                   headers=vaccinator | {"X-Purpose": "CARE"}).json()
    assert record["status"] == "APPROVED"
    assert {k: record["decision"][k] for k in ("approver_id", "delegation_rule", "site_id", "session_id")} == {
        "approver_id": f"vaccinator-{tag}", "delegation_rule": "SITE_WALK_IN_DELEGATION", "site_id": "S-79-760-01",
        "session_id": session}
    assert (record["district"]["district_health_centre_id"], record["district"]["allocation_wave"]) == (centre,
                                                                                                      "WALK_IN")
    assert_problem(post(registration, f"/v1/persons/{walk_in}/walk-in-approval", {"session_id": session},
                        vaccinator | {"Idempotency-Key": f"again-{tag}"}), 422, "approval-state", "person_id")
    wait_for(lambda: registration.http.get(registration.url("/v1/provinces/79/approval-queue"), headers=officer,
                                           timeout=5).json()["walk_in_approvals"] == walk_ins_before + 1,
             what="the province's queue counting the walk-in approval apart")


# -- appointments -------------------------------------------------------------------------------------------

def approved_in(registration, centre: str, headers=None) -> str:
    officer = bearer(registration, "province_officer", "province:79")
    person = register(registration, headers)
    assert post(registration, f"/v1/persons/{person}/approval", {}, officer).status_code == 201
    assert post(registration, f"/v1/persons/{person}/district-assignment", {"district_health_centre_id": centre},
                officer).status_code == 201
    return person


def test_appointments_fill_a_session_to_capacity_then_cancel_and_reschedule(registration, publisher):
    centre, tag = f"DHC-79-760-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex[:6]
    small, big = f"SES-{tag}-A", f"SES-{tag}-B"
    publisher.district_centre(centre, "79", "760")
    publisher.session(small, centre, capacity=1)
    big_event = publisher.session(big, centre, capacity=5)
    wait_for_centre(registration, centre)
    wait_for_session(registration, small)
    wait_for_session(registration, big)
    family = citizen(registration)
    lan, binh = approved_in(registration, centre, family), approved_in(registration, centre)
    officer = bearer(registration, "district_officer", "district:760")

    assert post(registration, f"/v1/persons/{lan}/appointments", {"session_id": small}, family).status_code == 201
    before = events_count(registration)
    assert_problem(post(registration, f"/v1/persons/{binh}/appointments", {"session_id": small}, officer), 422,
                   "session-capacity", "session_id")
    assert events_count(registration) == before

    moved = post(registration, f"/v1/persons/{lan}/appointments/reschedule", {"session_id": big, "reason": "work"},
                 family)
    assert moved.status_code == 201, moved.text
    other_site = bearer(registration, "site_manager", "site:S-01-001-09", sub="manager-ba-dinh")
    assert_discreet_403(post(registration, f"/v1/persons/{binh}/appointments", {"session_id": small}, other_site),
                        binh)
    site_manager = bearer(registration, "site_manager", "site:S-79-760-01")
    assert post(registration, f"/v1/persons/{binh}/appointments", {"session_id": small},
                site_manager).status_code == 201
    cancelled = post(registration, f"/v1/persons/{binh}/appointments/cancellation", {"reason": "ill"}, officer)
    assert cancelled.status_code == 201
    record = registration.http.get(registration.url(f"/v1/persons/{lan}"), headers=family, timeout=5).json()
    assert record["appointment"]["session_id"] == big and record["appointment"]["replaces_appointment_id"]
    assert record["appointment"]["session_source_event_id"] == big_event


def test_racing_bookings_for_the_last_seat_give_it_to_exactly_one_person(registration, publisher):
    centre, session = f"DHC-79-760-{uuid.uuid4().hex[:6]}", f"SES-LAST-SEAT-{uuid.uuid4().hex[:6]}"
    publisher.district_centre(centre, "79", "760")
    publisher.session(session, centre, capacity=1)
    wait_for_centre(registration, centre)
    wait_for_session(registration, session)
    people = [approved_in(registration, centre) for _ in range(4)]
    officer = bearer(registration, "district_officer", "district:760")
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda p: requests.post(registration.url(f"/v1/persons/{p}/appointments"),
                                                          json={"session_id": session}, headers=officer, timeout=30),
                                  people))
    assert sorted(r.status_code for r in responses).count(201) == 1, [r.text for r in responses]
    for loser in (r for r in responses if r.status_code != 201):
        assert (loser.status_code, loser.json()["rule"]) in {(409, "INV-37"), (422, "session-capacity")}
    with psycopg.connect(registration.database_url) as conn:
        seats = conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (f"session-seats/{session}",))
        assert seats.fetchone()[0] == 1


# -- the citizen's view, personal data and its audit --------------------------------------------------------

def test_the_citizen_sees_doses_and_certificates_from_the_immunization_and_certificate_topics(registration, publisher):
    account = citizen(registration)
    person = register(registration, account)
    dose, certificate = f"DOSE-{uuid.uuid4().hex[:8]}", f"URN:UVCI:01:VN:{uuid.uuid4().hex[:10].upper()}"
    publisher.dose(person, dose)
    publisher.certificate(person, certificate)
    audited = events_count(registration, event_type=PDA)

    def record():
        body = registration.http.get(registration.url(f"/v1/persons/{person}"), headers=account, timeout=5).json()
        return body if body["doses"] and body["certificates"] else None
    body = wait_for(record, what="the dose and certificate in the citizen's record")
    assert body["doses"][0]["dose_id"] == dose and body["certificates"][0]["certificate_id"] == certificate
    assert body["status"] == "PENDING"
    assert events_count(registration, event_type=PDA) == audited  # a citizen reading their own record is not audited


def test_the_citizen_sees_historical_and_corrected_doses_and_a_suspended_certificate(registration, publisher):
    """Issue 17: a dose recorded from a foreign certificate, a correction of a dose given here (fields, reason) and a
    certificate suspended while its lot is under review (then reinstated) all show in the citizen's record."""
    account = citizen(registration)
    person = register(registration, account)
    given, abroad = f"DOSE-{uuid.uuid4().hex[:8]}", f"DOSE-{uuid.uuid4().hex[:8]}"
    certificate = f"URN:UVCI:01:VN:{uuid.uuid4().hex[:10].upper()}"
    publisher.publish("vaxtrail.immunization.v1", abroad, immunization_pb2.DoseRecordedHistorical(
        dose_id=abroad, person_id=person, product="EU/1/20/1528", lot_number="FE1234", administered_date="2021-06-01",
        country="FR", source="FOREIGN_CERTIFICATE", series="PRIMARY", dose_number=1), "immunization/test")
    publisher.dose(person, given)
    publisher.publish("vaxtrail.immunization.v1", given, immunization_pb2.DoseCorrected(
        dose_id=given, reverses_event_id=str(uuid.uuid4()), person_id=person, reason="wrong arm recorded",
        changes=[common_pb2.FieldChange(field="body_site", old_value="LEFT_DELTOID", new_value="RIGHT_DELTOID")],
        corrected_at=Timestamp(seconds=int(datetime.now(UTC).timestamp()))), "immunization/test")
    publisher.certificate(person, certificate)
    publisher.publish("vaxtrail.certificate.v1", certificate, certificate_pb2.CertificateSuspended(
        certificate_id=certificate, reason="LOT_UNDER_REVIEW", person_id=person,
        suspended_at=Timestamp(seconds=int(datetime.now(UTC).timestamp()))), "certificate/test")

    def read() -> dict:
        return registration.http.get(registration.url(f"/v1/persons/{person}"), headers=account, timeout=5).json()

    def complete():
        body = read()
        return body if len(body["doses"]) == 2 and body["doses"][1]["corrections"] and body["certificates"] \
            and body["certificates"][0]["suspended"] else None
    body = wait_for(complete, what="the historical dose, the correction and the suspension in the citizen's record")
    historical, corrected = body["doses"]
    assert (historical["dose_id"], historical["historical"], historical["administered_date"], historical["product"],
            historical["country"], historical["source"]) == (abroad, True, "2021-06-01", "EU/1/20/1528", "FR",
                                                            "FOREIGN_CERTIFICATE")
    assert corrected["dose_id"] == given and not corrected["historical"]
    [correction] = corrected["corrections"]
    assert correction["reason"] == "wrong arm recorded" and correction["changes"] == [
        {"field": "body_site", "old_value": "LEFT_DELTOID", "new_value": "RIGHT_DELTOID"}]
    [suspended] = body["certificates"]
    assert (suspended["valid"], suspended["suspended_reason"]) == (False, "LOT_UNDER_REVIEW")

    publisher.publish("vaxtrail.certificate.v1", certificate, certificate_pb2.CertificateReinstated(
        certificate_id=certificate, reason="LOT_RELEASED", person_id=person,
        reinstated_at=Timestamp(seconds=int(datetime.now(UTC).timestamp()))), "certificate/test")
    wait_for(lambda: read()["certificates"][0]["valid"], what="the certificate valid again once reinstated")


def test_a_staff_read_needs_a_purpose_and_records_personal_data_accessed(registration):
    person = register(registration)
    officer = bearer(registration, "province_officer", "province:79", sub="officer-nguyen-79")
    before = events_count(registration, event_type=PDA)
    no_purpose = registration.http.get(registration.url(f"/v1/persons/{person}"), headers=officer, timeout=5)
    assert_problem(no_purpose, 400, "purpose", "X-Purpose")
    other_province = registration.http.get(registration.url(f"/v1/persons/{person}"), timeout=5,
                                           headers=bearer(registration, "province_officer", "province:01")
                                           | {"X-Purpose": "CARE"})
    assert other_province.status_code == 403
    for role in ("analyst", "partner", "auditor"):  # never personal data, whatever their scope
        denied = registration.http.get(registration.url(f"/v1/persons/{person}"), timeout=5,
                                       headers=bearer(registration, role, "national") | {"X-Purpose": "CARE"})
        assert denied.status_code == 403 and denied.headers["Content-Type"] == "application/problem+json"
    someone_else = registration.http.get(registration.url(f"/v1/persons/{person}"), timeout=5,
                                         headers=citizen(registration))
    assert someone_else.status_code == 403
    assert events_count(registration, event_type=PDA) == before

    read = registration.http.get(registration.url(f"/v1/persons/{person}"), headers=officer | {"X-Purpose": "support"},
                                 timeout=5)
    assert read.status_code == 200 and read.json()["details"]["full_name"] == "Nguyễn Thị Lan"
    with psycopg.connect(registration.database_url) as conn:
        payload = conn.execute("SELECT payload FROM events WHERE event_type = %s ORDER BY position DESC LIMIT 1",
                               (PDA,)).fetchone()[0]
    access = decode_message(PDA, bytes(payload))
    assert (access.actor_id, access.actor_role, access.purpose, access.subject_person_id, access.endpoint) == (
        "officer-nguyen-79", "province_officer", "SUPPORT", person, "GET /v1/persons/<person_id>")


def test_only_person_events_carry_personal_data_on_the_topic_and_no_key_carries_a_national_id(registration, infra):
    national_id = citizen_id()
    person = register(registration, national_id=national_id)

    def published():
        records = read_topic(infra.kafka_bootstrap, "vaxtrail.registration.v1")
        return records if any(r.key == person.encode() for r in records) else None
    records = wait_for(published, what="the registration on the topic")
    carriers = set()
    for record in records:
        assert national_id.encode() not in record.key
        event = from_record(record.key, record.value, record.headers)
        if national_id.encode() in record.value:
            carriers.add(event.event_type)
    assert carriers == {"vaxtrail.registration.v1.PersonRegistered"}
    # Every event this service published was handled by its own projections. (Scoped to its own aggregates:
    # other services' tests in the same session publish hand-made registration events to the topic.)
    with psycopg.connect(registration.database_url) as conn:
        own = {aggregate for (aggregate,) in conn.execute("SELECT DISTINCT aggregate_id FROM events")}
    dead = [r for r in read_topic(infra.kafka_bootstrap, "vaxtrail.registration.dlq.v1") if r.key.decode() in own]
    assert dead == []


def test_vaxtrail_rebuild_replays_the_people_read_model_from_offset_zero(registration, infra, monkeypatch):
    person = register(registration)
    officer = bearer(registration, "province_officer", "province:79")

    def queued():
        items = registration.http.get(registration.url("/v1/provinces/79/approval-queue"),
                                      params={"limit": 1000}, headers=officer, timeout=5).json()["items"]
        return person in {i["person_id"] for i in items}
    wait_for(queued, what="the person in the queue")
    with psycopg.connect(registration.database_url) as conn:
        conn.execute("DELETE FROM person_queue")  # a lost read model
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("REGISTRATION_DATABASE_URL", registration.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "registration", "people"]) == 0
    wait_for(queued, what="the replayed queue")
