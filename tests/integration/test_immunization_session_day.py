"""The issue's "done when": a full session day at a commune station, over HTTP against the real stack.

50 people check in (QR + presence code, one by ID document with an attributed presence override), are
screened under Decision 4355 (three postponed, one referred, one contraindicated, one with caution),
five 10-dose AstraZeneca vials are opened and discarded with open-vial wastage, 44 doses are given,
observations completed, one serious AEFI is reported, investigated and classified A2 (published for
inventory's lot review); an offline tablet uploads its batch twice. Rule breaks met along the way are
rejected naming their INV and append nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir
from vaxtrail.immunization.v1 import events_pb2

from .immunization_world import (
    Client,
    Publisher,
    World,
    catalogue,
    locations,
    people,
    problem,
    session_plan,
    start_immunization,
)
from .kafka_helpers import read_topic, wait_for

ICT = timezone(timedelta(hours=7))
DAY = datetime(2021, 10, 15, tzinfo=ICT)


def at(hour: int, minute: int = 0) -> str:
    return (DAY + timedelta(hours=hour, minutes=minute)).isoformat()


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization"), MIGRATIONS)


@pytest.fixture(scope="module")
def publisher(infra):
    p = Publisher(infra.kafka_bootstrap)
    yield p
    p.close()


NORMAL = {"temperature_celsius": "36.8", "pulse_per_minute": 78, "systolic_mmhg": 120, "diastolic_mmhg": 75,
          "respiratory_rate_per_minute": 16}
SCREENINGS = {
    44: {"vitals": {**NORMAL, "temperature_celsius": "38.2"}},
    45: {"vitals": NORMAL, "answers": [{"question_code": "ACUTE_ILLNESS", "answer": "YES"}]},
    46: {"vitals": NORMAL, "pregnancy_weeks": 8},
    47: {"vitals": NORMAL, "answers": [{"question_code": "SEVERE_ALLERGY_HISTORY", "answer": "YES"}]},
    48: {"vitals": NORMAL, "answers": [{"question_code": "ANAPHYLAXIS_PREVIOUS_DOSE", "answer": "VIRAL_VECTOR"}]},
    49: {"vitals": {**NORMAL, "pulse_per_minute": 112}},
}
EXPECTED = {44: "POSTPONED", 45: "POSTPONED", 46: "POSTPONED", 47: "REFER_TO_HOSPITAL", 48: "CONTRAINDICATED",
            49: "ELIGIBLE_WITH_CAUTION"}


def test_a_full_session_day(immunization, publisher, infra):  # noqa: PLR0915 - one story, told in order
    api, world = Client(immunization), World()
    site, session_id, lot = world.site(), f"SES-{world.tag}", world.lot("ABV5300")
    publisher.publish("inventory", locations(world) + catalogue(world, {"ABV5300": "AZ"}))
    publisher.publish("registration", people(world, 53))
    publisher.publish("allocation", session_plan(world, session_id, site, DAY + timedelta(hours=7),
                                                 DAY + timedelta(hours=17)))
    api.wait_rows("SELECT count(*) FROM ref_person WHERE person_id LIKE %s AND district_health_centre_id <> ''",
                  f"P-{world.tag}-%", expected=53, what="53 people in the registration read model")
    api.wait_rows("SELECT count(*) FROM ref_site_stock WHERE lot_id = %s", lot, expected=2, what="the lot at sites")
    api.wait_rows("SELECT count(*) FROM ref_session_plan WHERE session_id = %s", session_id, expected=1,
                  what="the session plan")

    manager = api.headers("site_manager", f"site:{site}", sub=f"manager-{world.tag}")
    vaccinator = api.headers("vaccinator", f"site:{site}", sub=f"vaccinator-{world.tag}")
    assert api.post(f"/v1/sessions/{session_id}/open", {"opened_at": at(7), "staff": [
        {"actor_id": f"vaccinator-{world.tag}", "role": "VACCINATOR"}]}, manager).status_code == 201

    # check-in and screening of 50 people
    visits: dict[int, str] = {}
    for n in range(1, 51):
        person = world.person(n)
        if n == 50:  # no phone: ID document, presence vouched for by the vaccinator
            body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID",
                    "document_number": world.national_id(n), "presence_override_reason": "no smartphone"}
        else:
            citizen = api.headers("citizen", f"person:{person}", sub=person)
            check_in_pass = api.get(f"/v1/persons/{person}/check-in-pass", citizen, session_id=session_id).json()
            body = {"identity_method": "QR", "qr_token": check_in_pass["qr_token"],
                    "presence_code": check_in_pass["presence_code"]}
        response = api.post(f"/v1/sessions/{session_id}/check-ins", {**body, "checked_in_at": at(7, 10 + n)},
                            vaccinator)
        assert response.status_code == 201, response.text
        assert response.json()["person_id"] == person
        visits[n] = response.json()["visit_id"]
        screening = {"vitals": NORMAL, **SCREENINGS.get(n, {}), "screened_at": at(7, 11 + n)}
        screened = api.post(f"/v1/visits/{visits[n]}/screening", screening, vaccinator)
        assert screened.status_code == 201, screened.text
        assert screened.json()["outcome"] == EXPECTED.get(n, "ELIGIBLE"), (n, screened.json())
        assert screened.json()["ruleset_id"] == "QD-4355-2021-09-10"

    # vials and doses: 44 doses from five 10-dose vials
    vials: list[str] = []
    doses: dict[int, str] = {}
    vaccinated = [n for n in range(1, 51) if n not in EXPECTED]
    for i, n in enumerate(vaccinated):
        when = at(8, 5 * i)
        if i % 10 == 0:
            if vials:
                assert api.post(f"/v1/sessions/{session_id}/vials/{vials[-1]}/discard",
                                {"discarded_at": when, "reason": "EMPTY", "residual_doses": 0},
                                vaccinator).status_code == 201
            opened = api.post(f"/v1/sessions/{session_id}/vials", {"lot_id": lot, "opened_at": when}, vaccinator)
            assert opened.status_code == 201, opened.text
            vials.append(opened.json()["vial_opening_id"])
        given = api.post(f"/v1/visits/{visits[n]}/doses", {"vial_opening_id": vials[-1], "series": "PRIMARY",
                                                           "dose_number": 1, "administered_at": when}, vaccinator)
        assert given.status_code == 201, given.text
        doses[n] = given.json()["dose_id"]
        if i == 9:  # INV-25: an 11th dose from the first (10-dose) vial
            before = api.count_events()
            extra = api.post(f"/v1/visits/{visits[vaccinated[10]]}/doses", {"vial_opening_id": vials[0], "series": "PRIMARY",
                                                                "dose_number": 1, "administered_at": when}, vaccinator)
            assert problem(extra) == (422, "INV-25", "vial_opening_id")
            assert api.count_events() == before

    # INV-20 at the commune station: postponed, referred, contraindicated, caution
    before = api.count_events()
    for n in EXPECTED:
        refused = api.post(f"/v1/visits/{visits[n]}/doses", {"vial_opening_id": vials[-1], "series": "PRIMARY",
                                                             "dose_number": 1, "administered_at": at(12)}, vaccinator)
        assert problem(refused) == (422, "INV-20", "visit_id"), (n, refused.text)
    assert api.count_events() == before
    assert api.post(f"/v1/visits/{visits[48]}/not-administered", {"reason": "CONTRAINDICATED",
                                                                  "recorded_at": at(12)}, vaccinator).status_code == 201

    # observation: INV-29 first, then >= 30 minutes for everyone vaccinated
    before = api.count_events()
    early = api.post(f"/v1/visits/{visits[1]}/observation", {"ended_at": at(8, 10), "outcome": "NO_REACTION"},
                     vaccinator)
    assert problem(early) == (422, "INV-29", "ended_at")
    assert api.count_events() == before
    for i, n in enumerate(vaccinated):
        outcome = "AEFI_REPORTED" if n == 1 else "NO_REACTION"
        done = api.post(f"/v1/visits/{visits[n]}/observation", {"ended_at": at(8, 5 * i + 31), "outcome": outcome},
                        vaccinator)
        assert done.status_code == 201, done.text

    # an offline tablet's batch (two more people, a new vial, one conflicting item), uploaded twice
    batch = offline_batch(api, world, session_id, lot, vials[0])
    device = f"/v1/sites/{site}/devices/TAB-{world.tag}/batches"
    first = api.post(device, batch, vaccinator)
    assert first.status_code == 200, first.text
    results = {r["sequence"]: r for r in first.json()["items"]}
    assert (first.json()["accepted"], first.json()["rejected"]) == (len(batch["items"]) - 1, 1), first.text
    assert (results[99]["rule"], results[99]["field"]) == ("INV-26", "vial_opening_id")

    # closing: INV-27 with a vial still open, a wrong residual; then discard with wastage and close
    last = vials[-1]
    before = api.count_events()
    assert problem(api.post(f"/v1/sessions/{session_id}/close", {"closed_at": at(16)}, manager)) == (
        422, "INV-27", "discard_open_vials")
    assert problem(api.post(f"/v1/sessions/{session_id}/vials/{last}/discard",
                            {"discarded_at": at(15), "reason": "SESSION_CLOSED", "residual_doses": 5}, vaccinator)) == (
        422, "INV-27", "residual_doses")
    assert api.count_events() == before
    assert api.post(f"/v1/sessions/{session_id}/vials/{last}/discard",
                    {"discarded_at": at(15), "reason": "SESSION_CLOSED", "residual_doses": 6},
                    vaccinator).status_code == 201
    closed = api.post(f"/v1/sessions/{session_id}/close", {"closed_at": at(16), "discard_open_vials": True}, manager)
    assert closed.status_code == 201, closed.text  # the tablet's vial is discarded by the close

    # the tablet retries its whole upload after the session closed: nothing is created twice
    stored = api.count_events()
    again = api.post(device, batch, api.headers("vaccinator", f"site:{site}", sub="another-login"))
    assert (again.json()["replayed"], again.json()["rejected"]) == (len(batch["items"]) - 1, 1), again.text
    assert api.count_events() == stored
    assert {r["sequence"]: r.get("response") for r in again.json()["items"]} == {
        r["sequence"]: r.get("response") for r in first.json()["items"]}

    # one serious AEFI: reported at the site, investigated by the district, classified A2 by the province
    report = api.post("/v1/aefi", {"person_id": world.person(1), "dose_ids": [doses[1]], "onset_at": at(8, 20),
                                   "symptoms": ["anaphylaxis"], "serious": True,
                                   "seriousness_criteria": ["HOSPITALISATION"], "outcome": "RECOVERED",
                                   "source": "SITE_OBSERVATION"}, vaccinator)
    assert report.status_code == 201, report.text
    aefi_id = report.json()["aefi_id"]
    district = api.headers("district_officer", "district:760")
    assert api.post(f"/v1/aefi/{aefi_id}/investigation", {"level": "DISTRICT"}, district).status_code == 201
    province = api.headers("province_officer", "province:79")
    assert problem(api.post(f"/v1/aefi/{aefi_id}/classification", {"level": "PROVINCE", "causality": "A5"},
                            province)) == (422, "INV-30", "causality")
    assert api.post(f"/v1/aefi/{aefi_id}/classification", {"level": "PROVINCE", "causality": "A2",
                                                            "rationale": "vial particles"}, province).status_code == 201

    check_read_models(api, world, session_id, site, aefi_id, lot, infra.kafka_bootstrap)


def offline_batch(api: Client, world: World, session_id: str, lot: str, spent_vial: str) -> dict:
    items, seq = [], 0
    vial = f"VIAL-TAB-{world.tag}"
    items.append({"sequence": (seq := seq + 1), "kind": "vial_open", "session_id": session_id,
                  "body": {"vial_opening_id": vial, "lot_id": lot, "opened_at": at(13)}})
    for n in (51, 52):
        person, visit = world.person(n), f"V-TAB-{world.tag}-{n}"
        code = api.get(f"/v1/persons/{person}/check-in-pass", api.headers("citizen", f"person:{person}", sub=person),
                       session_id=session_id).json()
        items += [
            {"sequence": (seq := seq + 1), "kind": "check_in", "session_id": session_id,
             "body": {"visit_id": visit, "identity_method": "QR", "qr_token": code["qr_token"],
                      "presence_code": code["presence_code"], "checked_in_at": at(13, n - 50)}},
            {"sequence": (seq := seq + 1), "kind": "screening", "visit_id": visit,
             "body": {"vitals": NORMAL, "screened_at": at(13, n - 49)}},
            {"sequence": (seq := seq + 1), "kind": "dose", "visit_id": visit,
             "body": {"dose_id": f"D-TAB-{world.tag}-{n}", "vial_opening_id": vial, "series": "PRIMARY",
                      "dose_number": 1, "administered_at": at(13, 10 + n - 50)}},
            {"sequence": (seq := seq + 1), "kind": "observation", "visit_id": visit,
             "body": {"ended_at": at(13, 45 + n - 50), "outcome": "NO_REACTION"}},
        ]
    # person 53: a dose recorded against the first vial, which another device had emptied and discarded
    person, visit = world.person(53), f"V-TAB-{world.tag}-53"
    code = api.get(f"/v1/persons/{person}/check-in-pass", api.headers("citizen", f"person:{person}", sub=person),
                   session_id=session_id).json()
    items += [
        {"sequence": 97, "kind": "check_in", "session_id": session_id,
         "body": {"visit_id": visit, "identity_method": "QR", "qr_token": code["qr_token"],
                  "presence_code": code["presence_code"], "checked_in_at": at(13, 5)}},
        {"sequence": 98, "kind": "screening", "visit_id": visit, "body": {"vitals": NORMAL, "screened_at": at(13, 6)}},
        {"sequence": 99, "kind": "dose", "visit_id": visit,
         "body": {"dose_id": f"D-TAB-{world.tag}-53", "vial_opening_id": spent_vial, "series": "PRIMARY",
                  "dose_number": 1, "administered_at": at(13, 20)}},
    ]
    return {"items": items}


def check_read_models(api: Client, world: World, session_id: str, site: str, aefi_id: str, lot: str,
                      bootstrap: str) -> None:
    manager = api.headers("site_manager", f"site:{site}")

    def sheet() -> dict | None:
        body = api.get(f"/v1/sessions/{session_id}/day-sheet", manager).json()
        # doses and observations live on different streams (so Kafka partitions): wait for both counts
        done = body.get("status") == "CLOSED" and body["totals"]["observed"] == body["totals"]["vaccinated"] == 46
        return body if done and all(v["discarded_at"] for v in body["vials"]) else None

    day = wait_for(sheet, timeout=60, what="the closed session's day sheet")
    totals = day["totals"]
    assert (totals["checked_in"], totals["screened"], totals["vaccinated"], totals["postponed"]) == (53, 53, 46, 3)
    assert totals["outcomes"] == {"ELIGIBLE": 47, "POSTPONED": 3, "REFER_TO_HOSPITAL": 1, "CONTRAINDICATED": 1,
                                  "ELIGIBLE_WITH_CAUTION": 1}
    assert (totals["doses_opened"], totals["doses_drawn"], totals["open_vial_wastage"]) == (60, 46, 14)

    district = api.headers("district_officer", "district:760")
    report = api.get("/v1/reports/doses", district, level="district", code="760", date_from="2021-10-15",
                     date_to="2021-10-15").json()["items"]
    assert sum(r["doses"] for r in report if r["vaccine_code"] == "210") >= 46
    citizen = api.headers("citizen", f"person:{world.person(2)}", sub=world.person(2))
    next_dose = api.get(f"/v1/persons/{world.person(2)}/next-dose", citizen).json()
    assert (next_dose["series"], next_dose["dose_number"], next_dose["earliest_date"]) == ("PRIMARY", 2, "2021-11-12")

    topic = read_topic(bootstrap, "vaxtrail.immunization.v1")
    dose_record = next(r for r in topic if r.key == world.person(2).encode()
                       and dict(r.headers)["ce_type"] == b"vaxtrail.immunization.v1.DoseAdministered")
    positions = events_pb2.DoseAdministered.FromString(dose_record.value).read_model_positions
    assert any(p.startswith("vaxtrail.inventory.v1:") for p in positions)  # what the decision had seen
    records = [r for r in topic if r.key == aefi_id.encode()]
    classified = [events_pb2.AefiClassified.FromString(r.value) for r in records
                  if dict(r.headers)["ce_type"] == b"vaxtrail.immunization.v1.AefiClassified"]
    assert classified and classified[0].lot_review_requested and list(classified[0].lot_ids) == [lot]
    # every record of this day was handled (or ignored on purpose): none of its keys was dead-lettered
    dead = {r.key.decode() for r in read_topic(bootstrap, "vaxtrail.immunization.dlq.v1") if r.key}
    assert not {k for k in dead if world.tag in k or k == aefi_id}

