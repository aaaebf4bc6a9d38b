"""Issue 4, registration side of "Done when": 1,000 people registered over HTTP (most by two organisation bulk
uploads that contain bad rows, the rest one by one by citizens), approved by their own province's officer in
queue order, and assigned to district health centres learned from inventory's topic; a few get appointments.

Provinces 48 (Đà Nẵng) and 24 (Bắc Giang) are used by this module only, so the shared topic of the test
session does not mix other tests' people into the counts.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.integration.service_procs import private_workdir

from .kafka_helpers import wait_for
from .registration_csv import BAD_ROWS, bad_row, to_csv, valid_row
from .registration_support import (
    Publisher,
    bearer,
    person_body,
    start_registration,
    stop_registration,
    wait_for_centre,
    wait_for_session,
)

AREAS = {"48": ("490", "492"), "24": ("213", "222")}
BULK = {"48": 520, "24": 200}          # rows registered by upload, per province (48 spans two 500-row chunks)
SINGLE = {"48": 130, "24": 150}        # citizens registering themselves, per province


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-1000"))
    yield service
    stop_registration(service, infra)


def centre(province: str, district: str) -> str:
    return f"DHC-{province}-{district}"


def organisation_file(province: str, count: int) -> tuple[bytes, int]:
    """``count`` valid rows, one bad row of each kind, and a duplicate of row 1 after the 500-row chunk."""
    districts = AREAS[province]
    rows = [valid_row(i, province, districts[i % 2], group="G4" if i % 7 == 0 else "") for i in range(count)]
    rows += [bad_row(10_000 + k, province, districts[0], field) for k, field in enumerate(BAD_ROWS)]
    rows.append(dict(rows[0]))
    return to_csv(rows), len(BAD_ROWS) + 1


def test_a_thousand_people_are_registered_approved_by_their_province_and_assigned_to_districts(registration, infra):
    http, publisher = registration.http, Publisher(infra.kafka_bootstrap)
    try:
        for province, districts in AREAS.items():
            for district in districts:
                publisher.district_centre(centre(province, district), province, district)
        session = f"SES-48-490-{uuid.uuid4().hex[:6]}"
        publisher.session(session, centre("48", "490"), capacity=10, site_id="S-48-490-01")
    finally:
        publisher.close()
    officers = {p: bearer(registration, "province_officer", f"province:{p}", sub=f"officer-{p}") for p in AREAS}

    for province, count in BULK.items():
        body, problems = organisation_file(province, count)
        response = http.post(registration.url(f"/v1/organisations/ORG-{province}-{uuid.uuid4().hex[:4]}/uploads"),
                             data=body, headers=officers[province] | {"Content-Type": "text/csv"}, timeout=120)
        assert response.status_code == 201, response.text
        report = response.json()
        assert (report["registered"], len(report["problems"])) == (count, problems)
        assert report["problems"][-1] | {"line": 0} == {"line": 0, "status": "duplicate_in_file",
                                                         "duplicate_of_line": 2, "rule": "INV-31",
                                                         "field": "national_id"}

    def register_citizen(province: str, i: int) -> None:
        citizen = bearer(registration, "citizen", "person:none", sub=f"citizen-{province}-{uuid.uuid4().hex[:8]}")
        body = person_body(province=province, district=AREAS[province][i % 2], full_name="Lê Văn Tâm")
        response = requests.post(registration.url("/v1/persons"), json=body, headers=citizen, timeout=30)
        assert response.status_code == 201, response.text

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda job: register_citizen(*job), [(p, i) for p, n in SINGLE.items() for i in range(n)]))

    def queues() -> dict[str, list[dict]] | None:
        found = {}
        for province in AREAS:
            items = http.get(registration.url(f"/v1/provinces/{province}/approval-queue"), params={"limit": 1000},
                             headers=officers[province], timeout=10).json()["items"]
            if len(items) != BULK[province] + SINGLE[province]:
                return None
            found[province] = items
        return found
    pending = wait_for(queues, timeout=60, what="1,000 registrations in the two provinces' approval queues")
    assert sum(len(items) for items in pending.values()) == 1000
    ranks = [item["priority_rank"] for item in pending["48"]]
    assert ranks == sorted(ranks) and ranks[0] == 4  # G4 (teachers) first, whatever their registration time

    for province, items in pending.items():
        other = next(p for p in AREAS if p != province)
        assert http.post(registration.url(f"/v1/persons/{items[0]['person_id']}/approval"), json={},
                         headers=officers[other], timeout=10).status_code == 403
        for district in AREAS[province]:
            wait_for_centre(registration, centre(province, district))

    def approve_and_assign(province: str, item: dict) -> None:
        person, headers = item["person_id"], officers[province]
        approved = requests.post(registration.url(f"/v1/persons/{person}/approval"), json={}, headers=headers,
                                 timeout=30)
        assert approved.status_code == 201, approved.text
        assigned = requests.post(registration.url(f"/v1/persons/{person}/district-assignment"), headers=headers,
                                 json={"district_health_centre_id": centre(province, item["district_code"])},
                                 timeout=30)
        assert assigned.status_code == 201, assigned.text

    with ThreadPoolExecutor(max_workers=4) as pool:  # the officers work through their queues in order
        list(pool.map(lambda job: approve_and_assign(*job), [(p, i) for p, items in pending.items() for i in items]))

    def assigned_everyone() -> bool:
        with psycopg.connect(registration.database_url) as conn:
            return conn.execute("SELECT count(*) FROM person_queue WHERE province_code IN ('48', '24')"
                                " AND status = 'APPROVED' AND centre_id <> ''").fetchone()[0] == 1000
    wait_for(assigned_everyone, timeout=60, what="1,000 approved and assigned people in the read model")

    wait_for_session(registration, session)
    district_officer = bearer(registration, "district_officer", "district:490")
    in_490 = [i["person_id"] for i in pending["48"] if i["district_code"] == "490"][:10]
    for person in in_490:
        booked = http.post(registration.url(f"/v1/persons/{person}/appointments"), json={"session_id": session},
                           headers=district_officer, timeout=10)
        assert booked.status_code == 201, booked.text
