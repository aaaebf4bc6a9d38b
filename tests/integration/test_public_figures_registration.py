"""Public figures of the real registration service: people registered and approved by province and day,
without a token, small counts as "<10", and never a person's id, name or national ID."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.integration.service_procs import private_workdir

from .kafka_helpers import wait_for
from .registration_support import bearer, person_body, start_registration, stop_registration


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-public"))
    yield service
    stop_registration(service, infra)


def register(service, province: str, district: str) -> tuple[str, dict]:
    body = person_body(province, district)
    citizen = bearer(service, "citizen", "person:none", sub=f"citizen-{body['national_id']}")
    answer = requests.post(service.url("/v1/persons"), json=body, headers=citizen, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["person_id"], body


def test_registered_and_approved_by_province_and_day_without_a_token(registration):
    """In provinces 91 and 92, which no other test registers in (the registration topic is shared by the session:
    this service also counts the people other modules register, in 79 and 01)."""
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    people = [register(registration, "91", "899") for _ in range(12)] + [register(registration, "92", "916")]
    officer = bearer(registration, "province_officer", "province:91")
    for person, _ in people[:11]:
        answer = requests.post(registration.url(f"/v1/persons/{person}/approval"), json={}, headers=officer, timeout=10)
        assert answer.status_code == 201, answer.text

    def figures():  # no Authorization header
        body = requests.get(registration.url("/v1/public/figures"), params={"province": "91"}, timeout=10).json()
        return body if body["by_day"][-1] == {"date": today, "registered": 12, "approved": 11} \
            and any(r["province_code"] == "92" for r in body["by_province"]) else None

    body = wait_for(figures, timeout=60, what="12 registered and 11 approved in province 91 today, 92's one person")
    assert all(d["registered"] == d["approved"] == 0 for d in body["by_day"][:-1])
    provinces = {r["province_code"]: r for r in body["by_province"]}
    assert provinces["92"] == {"province_code": "92", "registered": "<10", "approved": 0}
    # 91's 12 is published, or suppressed too when 92's single small cell would otherwise be its only one.
    assert provinces["91"]["registered"] in (12, "<10") and provinces["91"]["approved"] in (11, "<10")
    answer = requests.get(registration.url("/v1/public/figures"), timeout=10)
    for person, details in people:
        assert person not in answer.text and details["national_id"] not in answer.text
    assert details["full_name"] not in answer.text and "person_id" not in answer.text


def test_the_approval_queue_still_refuses_a_request_without_a_token(registration):
    assert requests.get(registration.url("/v1/provinces/79/approval-queue"), timeout=10).status_code == 401
