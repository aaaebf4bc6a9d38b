"""The allocation service over real HTTP against the real stack (gunicorn web + worker, PostgreSQL, Kafka).

The other services' events are published to their topics by the test (tests/integration/allocation_world.py).
Scenario of issue 4: a national plan allocates a lot to two provinces and a special unit, a second officer
approves it, it is released (AllocationReleased on the topic); the province allocates to a district the
same way; the district plans a session and dispenses to a site. Every invariant family is also sent a bad
example over HTTP, answered 422 problem+json naming the rule and field, with nothing appended.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests

from vaxtrail.allocation.v1 import events_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail_cli.main import main as cli_main

from .allocation_world import (
    World,
    allocation,
    assert_rejected,
    bearer,
    events_of,
    get,
    national_plan,
    on_hand,
    plan_id,
    post,
    session_body,
    world,
)
from .kafka_helpers import read_topic, wait_for

__all__ = ["allocation", "world"]  # module-scoped fixtures shared by the allocation test modules


def test_a_national_plan_is_approved_by_a_second_officer_released_and_the_district_dispenses(allocation, world, infra):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    pid = plan_id()

    drafted = post(allocation, "/v1/allocation-plans", national_plan(world, pid), anh)
    assert drafted.status_code == 201, drafted.text
    plan = get(allocation, f"/v1/allocation-plans/{pid}", anh).json()
    assert {(x["recipient_unit_id"], x["doses"]) for x in plan["lines"]} == {
        ("96", 27_000), ("95", 9_000), (world.army, 4_000)}  # 36,000 split 30 : 10 after the army's quota

    assert post(allocation, f"/v1/allocation-plans/{pid}/submit", {"comment": "wave 3"}, anh).status_code == 201
    before = events_of(allocation, pid)
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/release", {}, binh), "INV-16", "status")
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/approve", {}, anh), "INV-16", "actor_id")
    assert events_of(allocation, pid) == before
    approved = post(allocation, f"/v1/allocation-plans/{pid}/approve", {"comment": "ok"}, binh)
    assert approved.status_code == 201 and approved.json()["status"] == "APPROVED"
    released = post(allocation, f"/v1/allocation-plans/{pid}/release", {}, binh)
    assert released.status_code == 201 and released.json()["status"] == "RELEASED", released.text

    records = wait_for(lambda: [r for r in read_topic(infra.kafka_bootstrap, "vaxtrail.allocation.v1")
                                if r.key == pid.encode() and dict(r.headers)["ce_type"].endswith(b"Released")],
                       what="AllocationReleased on the topic")
    releases = {m.recipient_unit_id: m for m in (events_pb2.AllocationReleased.FromString(r.value) for r in records)}
    assert set(releases) == {"96", "95", world.army}
    to_96 = releases["96"]
    assert (to_96.from_location_id, to_96.recipient_location_id, to_96.presentation_id, to_96.doses) == (
        world.national, world.store["96"], world.presentation, 27_000)
    assert [(x.lot_id, x.doses, x.vials) for x in to_96.lines] == [(world.lot, 27_000, 2_700)]

    # Inventory ships the province its line; the province allocates to its district with four eyes too.
    world.ship(pid, to_96.line_id, world.national, world.store["96"], 27_000)
    wait_for(lambda: on_hand(allocation, world.store["96"], world) == 27_000, what="the province's stock")
    lan = bearer(allocation, "province_officer", "province:96", sub="officer-lan")
    minh = bearer(allocation, "province_officer", "province:96", sub="officer-minh")
    ppid = plan_id()
    body = {"plan_id": ppid, "level": "PROVINCE", "province_code": "96",
            # Other test modules register stores of province 96 on the shared topic too: name ours.
            "source_location_id": world.store["96"], "presentation_id": world.presentation,
            "method": "MANUAL", "funding_source": "COVAX", "legal_reference": "QD-96/SYT",
            "completion_deadline_date": "2099-05-31", "lines": [{"recipient_unit_id": "964", "doses": 2_000}]}
    outsider = bearer(allocation, "province_officer", "province:95", sub="officer-95")
    assert post(allocation, "/v1/allocation-plans", body, outsider).status_code == 403
    drafted = post(allocation, "/v1/allocation-plans", body, lan)
    assert drafted.status_code == 201, drafted.text
    assert post(allocation, f"/v1/allocation-plans/{ppid}/submit", {}, lan).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{ppid}/approve", {}, minh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{ppid}/release", {}, minh).status_code == 201
    listed = get(allocation, "/v1/allocation-plans", lan, status="RELEASED").json()["items"]
    assert [p["plan_id"] for p in listed] == [ppid]  # a province officer sees its province's plans only
    world.ship(ppid, "L-964", world.store["96"], world.district, 2_000)
    wait_for(lambda: on_hand(allocation, world.district, world) == 2_000, what="the district's stock")

    # The district plans a session at its site and dispenses to it.
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    session = session_body(world, tables=1, persons=60)
    assert post(allocation, "/v1/sessions", session, bearer(allocation, "district_officer", "district:001")
                ).status_code == 403
    assert post(allocation, "/v1/sessions", session, officer).status_code == 201
    dispensed = post(allocation, f"/v1/sessions/{session['session_id']}/dispensations",
                     {"lines": [{"lot_id": world.lot, "doses": 60, "vials": 6}]}, officer)
    assert dispensed.status_code == 201, dispensed.text
    before = events_of(allocation, session["session_id"])
    too_much = post(allocation, f"/v1/sessions/{session['session_id']}/dispensations",
                    {"lines": [{"lot_id": world.lot, "doses": 1_500, "vials": 150}]}, officer)
    assert_rejected(too_much, "INV-19", "lines")
    assert events_of(allocation, session["session_id"]) == before


def test_plans_beyond_the_uncommitted_stock_are_a_422_naming_inv_15_and_write_nothing(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "96", "doses": 2_100_000}])
    assert_rejected(post(allocation, "/v1/allocation-plans", body, admin), "INV-15", "lines")
    assert events_of(allocation, pid) == 0


def test_unknown_recipients_and_late_use_by_dates_are_422_naming_inv_17(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    unknown = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "XX-UNKNOWN", "doses": 100}])
    assert_rejected(post(allocation, "/v1/allocation-plans", unknown, admin), "INV-17", "lines.0.recipient_unit_id")
    late = national_plan(world, pid, method="MANUAL", completion_deadline_date="2099-12-31",
                         lines=[{"recipient_unit_id": "96", "doses": 100, "use_by_date": "2099-12-31"}])
    assert_rejected(post(allocation, "/v1/allocation-plans", late, admin), "INV-17", "lines.0.use_by_date")
    assert events_of(allocation, pid) == 0


def test_first_doses_cannot_use_the_second_dose_reserve_inv_18(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    world.first_doses(20)
    reserve = {"unit_id": "96", "presentation_id": world.presentation, "cohort": "wave 3",
               "held_at_location_id": world.national}

    def reserved() -> int:
        response = post(allocation, "/v1/second-dose-reserves", reserve, admin)
        # 200 while the read model has not yet seen the doses: the recompute changes nothing, appends nothing.
        assert response.status_code in (200, 201), response.text
        return response.json()["reserved_doses"]
    wait_for(lambda: reserved() == 20, what="a reserve for the 20 first doses given")

    numbers = get(allocation, "/v1/availability", admin, location_id=world.national,
                  presentation_id=world.presentation).json()
    assert numbers["reserved"] == 20 and numbers["free_for_first_doses"] == numbers["free"] - 20
    pid = plan_id()
    # 10 doses more than the first doses may take: within the free stock (INV-15), but inside the reserve.
    greedy = national_plan(world, pid, method="MANUAL",
                           lines=[{"recipient_unit_id": "95", "doses": numbers["free_for_first_doses"] + 10}])
    assert_rejected(post(allocation, "/v1/allocation-plans", greedy, admin), "INV-18", "lines")
    assert events_of(allocation, pid) == 0


def test_a_retried_draft_with_the_same_idempotency_key_appends_once(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh") | {
        "Idempotency-Key": f"plan-{uuid.uuid4().hex}"}
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": 100}])
    first = post(allocation, "/v1/allocation-plans", body, admin)
    again = post(allocation, "/v1/allocation-plans", body, admin)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert events_of(allocation, pid) == 2


def test_sessions_beyond_the_site_capacity_are_a_422_naming_inv_19(allocation, world):
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    crowded = session_body(world, tables=1, persons=500)
    assert_rejected(post(allocation, "/v1/sessions", crowded, officer), "INV-19", "planned_persons")
    assert events_of(allocation, crowded["session_id"]) == 0


def test_vaxtrail_rebuild_replays_the_supply_read_model_from_offset_0(allocation, world, infra, monkeypatch):
    national = on_hand(allocation, world.national, world)
    with psycopg.connect(allocation.database_url) as conn:
        conn.execute("UPDATE supply_stock SET doses = 1 WHERE lot_id = %s", (world.lot,))  # a corrupted read model
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("ALLOCATION_DATABASE_URL", allocation.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "allocation", "supply"]) == 0
    wait_for(lambda: on_hand(allocation, world.national, world) == national, what="the replayed supply read model")


def approved_plan(allocation, world: World, doses: int = 1_000) -> str:
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": doses}])
    assert post(allocation, "/v1/allocation-plans", body, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/submit", {}, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/approve", {}, binh).status_code == 201
    return pid


def test_an_approved_plan_is_not_edited_but_amended_and_approved_again_by_another_officer(allocation, world):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    pid = approved_plan(allocation, world)
    before = events_of(allocation, pid)
    edit = post(allocation, f"/v1/allocation-plans/{pid}/lines", {"recipient_unit_id": "95", "doses": 5_000}, anh)
    assert_rejected(edit, "INV-16", "status")
    assert events_of(allocation, pid) == before

    amended = post(allocation, f"/v1/allocation-plans/{pid}/amendments",
                   {"line_id": "L-95", "delta_doses": 500, "reason": "outbreak in 95"}, binh)
    assert amended.status_code == 201 and amended.json()["status"] == "SUBMITTED"
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/release", {}, binh), "INV-16", "status")
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/approve", {}, binh), "INV-16", "actor_id")
    assert post(allocation, f"/v1/allocation-plans/{pid}/approve", {}, anh).json()["status"] == "APPROVED"
    plan = get(allocation, f"/v1/allocation-plans/{pid}", anh).json()
    assert (plan["lines"][0]["doses"], plan["approved_by"]) == (1_500, "admin-anh")


def test_a_rejected_plan_goes_back_to_draft_and_a_cancelled_one_cannot_be_released(allocation, world):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "96", "doses": 1_000}])
    assert post(allocation, "/v1/allocation-plans", body, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/submit", {}, anh).status_code == 201
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/reject", {"comment": ""}, binh), "INV-16", "comment")
    rejected = post(allocation, f"/v1/allocation-plans/{pid}/reject", {"comment": "use the new lot"}, binh)
    assert rejected.json()["status"] == "DRAFT"
    assert post(allocation, f"/v1/allocation-plans/{pid}/lines", {"recipient_unit_id": "96", "doses": 800},
                anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/cancel", {"comment": "superseded"}, anh
                ).json()["status"] == "CANCELLED"
    before = events_of(allocation, pid)
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/release", {}, binh), "INV-16", "status")
    assert events_of(allocation, pid) == before


def test_province_officers_may_not_touch_national_plans(allocation, world):
    pid = approved_plan(allocation, world)
    officer = bearer(allocation, "province_officer", "province:96", sub="officer-lan")
    before = events_of(allocation, pid)
    response = post(allocation, f"/v1/allocation-plans/{pid}/release", {}, officer)
    assert response.status_code == 403 and response.json()["rule"] == "role"
    assert response.headers["Content-Type"] == "application/problem+json"
    anonymous = post(allocation, f"/v1/allocation-plans/{pid}/release", {}, {})
    assert anonymous.status_code == 401 and anonymous.headers["Content-Type"] == "application/problem+json"
    analyst = post(allocation, f"/v1/allocation-plans/{pid}/release", {}, bearer(allocation, "analyst", "national"))
    assert analyst.status_code == 403
    assert events_of(allocation, pid) == before


def test_a_release_beyond_the_approved_line_or_a_second_cancellation_writes_nothing(allocation, world):
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = approved_plan(allocation, world)
    before = events_of(allocation, pid)
    too_much = post(allocation, f"/v1/allocation-plans/{pid}/release", {"lines": [{"line_id": "L-95", "doses": 1_010}]},
                    anh)
    assert_rejected(too_much, "INV-15", "lines.0.doses")
    assert requests.put(allocation.url(f"/v1/allocation-plans/{pid}"), json={"total_doses": 1}, headers=anh,
                        timeout=10).status_code == 405  # INV-33: no route edits a plan in place
    assert post(allocation, f"/v1/allocation-plans/{pid}/cancel", {"comment": "superseded"}, anh).status_code == 201
    cancelled = events_of(allocation, pid)
    assert cancelled == before + 1
    assert_rejected(post(allocation, f"/v1/allocation-plans/{pid}/cancel", {"comment": "again"}, anh), "INV-16",
                    "plan_id")
    assert events_of(allocation, pid) == cancelled


def test_concurrent_plannings_of_one_session_create_it_once(allocation, world):
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    session = session_body(world, tables=1, persons=40)
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda _: post(allocation, "/v1/sessions", session, officer).status_code, range(4)))
    assert statuses == [201, 409, 409, 409]  # DuplicateEntity, or INV-37 when both decided on version 0
    assert events_of(allocation, session["session_id"]) == 1


def test_an_id_that_names_another_kind_of_record_is_a_422_not_a_500_and_writes_nothing(allocation, world):
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    officer = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    session = session_body(world, tables=1, persons=10)
    assert post(allocation, "/v1/sessions", session, officer).status_code == 201
    pid = approved_plan(allocation, world)
    before = (events_of(allocation, session["session_id"]), events_of(allocation, pid))
    plan_named_like_the_session = national_plan(world, session["session_id"], method="MANUAL",
                                                lines=[{"recipient_unit_id": "95", "doses": 100}])
    assert_rejected(post(allocation, "/v1/allocation-plans", plan_named_like_the_session, admin), "aggregate-kind",
                    "plan_id")
    assert_rejected(post(allocation, "/v1/sessions", {**session_body(world, tables=1, persons=10), "session_id": pid},
                         officer), "aggregate-kind", "session_id")
    assert get(allocation, f"/v1/allocation-plans/{session['session_id']}", admin).status_code == 422
    assert (events_of(allocation, session["session_id"]), events_of(allocation, pid)) == before


def test_a_district_officer_plans_and_dispenses_only_in_their_district(allocation, world):
    ours = bearer(allocation, "district_officer", "district:964", sub="officer-964")
    theirs = bearer(allocation, "district_officer", "district:999", sub="officer-999")
    session = session_body(world, tables=1, persons=10)
    denied = post(allocation, "/v1/sessions", session, theirs)
    assert denied.status_code == 403 and denied.json()["rule"] == "scope", denied.text
    assert events_of(allocation, session["session_id"]) == 0
    assert post(allocation, "/v1/sessions", session, ours).status_code == 201
    lines = {"lines": [{"lot_id": world.lot, "doses": 10, "vials": 1}]}
    denied = post(allocation, f"/v1/sessions/{session['session_id']}/dispensations", lines, theirs)
    assert denied.status_code == 403 and denied.headers["Content-Type"] == "application/problem+json"
    site_manager = post(allocation, "/v1/sessions", session_body(world, tables=1, persons=10),
                        bearer(allocation, "site_manager", f"site:{world.site}"))
    assert site_manager.status_code == 403
    assert events_of(allocation, session["session_id"]) == 1


def test_second_dose_reserves_follow_the_doses_given_without_a_request(allocation, world, infra, monkeypatch):
    """Issue 17: first doses grow the unit's reserve, second doses and a first dose entered in error shrink it -
    each through the reserve worker, nobody calling POST /v1/second-dose-reserves; a replay adds nothing."""
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    presentation = f"{world.presentation}-R"
    world.publish("inventory", presentation, inventory.PresentationDefined(
        presentation_id=presentation, version=1, doses_per_vial=10, series_doses=2, brand="Vaxzevria"))

    def give(dose_number: int) -> str:
        dose = str(uuid.uuid4())
        world.publish("immunization", dose, immunization.DoseAdministered(
            dose_id=dose, person_id=str(uuid.uuid4()), site_id=world.site, presentation_id=presentation,
            lot_id=world.lot, series="PRIMARY", dose_number=dose_number))
        return dose

    def reserve_streams() -> list[str]:
        with psycopg.connect(allocation.database_url) as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT aggregate_id FROM events WHERE aggregate_id LIKE %s",
                                               (f"reserve:%:96:{presentation}",))]

    def reserved() -> int:
        return get(allocation, "/v1/availability", admin, location_id=store,
                   presentation_id=presentation).json()["reserved"]

    first = [give(1) for _ in range(6)]
    [stream] = wait_for(reserve_streams, what="a reserve opened by the first doses")
    store = stream.split(":")[1]
    wait_for(lambda: reserved() == 6, what="the reserve following 6 first doses")
    give(2), give(2)
    wait_for(lambda: reserved() == 4, what="the reserve shrunk by 2 second doses")
    world.publish("immunization", first[0], immunization.DoseEnteredInError(dose_id=first[0], person_id="P"))
    wait_for(lambda: reserved() == 3, what="the reserve shrunk by a first dose entered in error")

    appended = events_of(allocation, stream)
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("ALLOCATION_DATABASE_URL", allocation.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    assert cli_main(["rebuild", "allocation", "doses_given"]) == 0
    with psycopg.connect(allocation.database_url) as conn:
        wait_for(lambda: conn.execute("SELECT count(*) FROM reserve_pending").fetchone()[0] == 0
                 and conn.execute("SELECT count(*) FROM doses_given WHERE presentation_id = %s",
                                  (presentation,)).fetchone()[0] == 8, what="the replayed doses recomputed")
    assert events_of(allocation, stream) == appended and reserved() == 3


def test_a_decision_records_where_the_read_models_it_read_stood(allocation, world):
    """Issue 17: like registration's and immunization's decisions, an allocation plan's events carry the read
    models' Kafka positions (``topic:partition:offset``), for an auditor's ``--as-of`` replay."""
    admin = bearer(allocation, "national_admin", "national", sub="admin-anh")
    pid = plan_id()
    body = national_plan(world, pid, method="MANUAL", lines=[{"recipient_unit_id": "95", "doses": 100}])
    assert post(allocation, "/v1/allocation-plans", body, admin).status_code == 201
    with psycopg.connect(allocation.database_url) as conn:
        [(payload,)] = conn.execute("SELECT payload FROM events WHERE aggregate_id = %s AND event_type = %s",
                                    (pid, "vaxtrail.allocation.v1.AllocationPlanDrafted")).fetchall()
    positions = events_pb2.AllocationPlanDrafted.FromString(bytes(payload)).read_model_positions
    assert {p.rsplit(":", 2)[0] for p in positions} >= {"vaxtrail.inventory.v1", "vaxtrail.registration.v1"}
    assert all(p.rsplit(":", 2)[1].isdigit() and p.rsplit(":", 2)[2].isdigit() for p in positions)
