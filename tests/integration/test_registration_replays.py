"""A retried registration command answers with the first answer (INV-34), even though the world has changed.

Each command is sent once with an ``Idempotency-Key`` and succeeds; the identical retry must be a 200 flagged
``Idempotent-Replayed: true`` with the first body and no new event. Before the move to ``EventSourcing.execute``
registration decided *before* it looked for a replay, so the retry was judged against the state the first
attempt had produced (a cancelled appointment is no longer there to cancel) and answered 422.
"""

from __future__ import annotations

import uuid

import pytest

from tests.integration.service_procs import private_workdir

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


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-replays"))
    yield service
    stop_registration(service, infra)


@pytest.fixture(scope="module")
def sessions(registration, infra):
    """A district centre with two planned sessions: (centre, session A, session B)."""
    publisher = Publisher(infra.kafka_bootstrap)
    tag = uuid.uuid4().hex[:6]
    centre, first, second = f"DHC-79-760-{tag}", f"SES-{tag}-A", f"SES-{tag}-B"
    try:
        publisher.district_centre(centre, "79", "760")
        publisher.session(first, centre, capacity=20)
        publisher.session(second, centre, capacity=20)
    finally:
        publisher.close()
    wait_for_centre(registration, centre)
    wait_for_session(registration, first)
    wait_for_session(registration, second)
    return centre, first, second


OFFICER = ("province_officer", "province:79")
DISTRICT = ("district_officer", "district:760")


def post(service, path: str, body: dict, headers: dict):
    return service.http.post(service.url(path), json=body, headers=headers, timeout=15)


def registered(service) -> str:
    response = post(service, "/v1/persons", person_body(), bearer(service, "vaccinator", "site:S-79-760-01"))
    assert response.status_code == 201, response.text
    return response.json()["person_id"]


def approved_in(service, centre: str) -> str:
    person, officer = registered(service), bearer(service, *OFFICER)
    assert post(service, f"/v1/persons/{person}/approval", {}, officer).status_code == 201
    assert post(service, f"/v1/persons/{person}/district-assignment", {"district_health_centre_id": centre},
                officer).status_code == 201
    return person


def booked_in(service, centre: str, session: str) -> str:
    person = approved_in(service, centre)
    response = post(service, f"/v1/persons/{person}/appointments", {"session_id": session},
                    bearer(service, *DISTRICT))
    assert response.status_code == 201, response.text
    return person


def assert_retry_replays(service, path: str, body: dict, headers: dict) -> dict:
    """Send the command twice with one key: the first appends, the retry replays it and appends nothing."""
    keyed = headers | {"Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    first = post(service, path, body, keyed)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    before = events_count(service)

    again = post(service, path, body, keyed)
    assert again.status_code == 200, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert events_count(service) == before
    return first.json()


def test_a_retried_correction_replays_the_first_answer(registration):
    person = registered(registration)
    answer = assert_retry_replays(registration, f"/v1/persons/{person}/corrections",
                                  {"changes": {"phone": "0987654321"}, "reason": "new number"},
                                  bearer(registration, *OFFICER))
    assert answer["person_id"] == person


def test_a_retried_merge_replays_the_first_answer(registration):
    kept, duplicate = registered(registration), registered(registration)
    answer = assert_retry_replays(registration, f"/v1/persons/{kept}/merges",
                                  {"merged_person_id": duplicate, "reason": "the same person twice"},
                                  bearer(registration, *OFFICER))
    assert answer["person_id"] == kept


def test_a_retried_booking_replays_the_first_answer(registration, sessions):
    centre, first, _ = sessions
    person = approved_in(registration, centre)
    answer = assert_retry_replays(registration, f"/v1/persons/{person}/appointments", {"session_id": first},
                                  bearer(registration, *DISTRICT))
    assert answer["person_id"] == person and answer["appointment_id"]


def test_a_retried_cancellation_replays_the_first_answer(registration, sessions):
    centre, first, _ = sessions
    person = booked_in(registration, centre, first)
    answer = assert_retry_replays(registration, f"/v1/persons/{person}/appointments/cancellation",
                                  {"reason": "ill"}, bearer(registration, *DISTRICT))
    assert answer["person_id"] == person and answer["appointment_id"]


def test_a_retried_reschedule_replays_the_first_answer(registration, sessions):
    centre, first, second = sessions
    person = booked_in(registration, centre, first)
    answer = assert_retry_replays(registration, f"/v1/persons/{person}/appointments/reschedule",
                                  {"session_id": second, "reason": "work"}, bearer(registration, *DISTRICT))
    assert answer["person_id"] == person and answer["appointment_id"]


def test_the_same_key_on_another_person_is_refused_not_replayed(registration):
    """The key is namespaced by the command's target: it cannot replay one person's answer for another."""
    headers = bearer(registration, *OFFICER) | {"Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    first, second = registered(registration), registered(registration)
    body = {"changes": {"national_id": citizen_id()}, "reason": "typo"}
    assert post(registration, f"/v1/persons/{first}/corrections", body, headers).status_code == 201
    other = post(registration, f"/v1/persons/{second}/corrections", body | {"changes": {"phone": "0987654321"}},
                 headers)
    assert other.status_code == 201, other.text
    assert other.json()["person_id"] == second
