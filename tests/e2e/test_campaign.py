"""A vaccination campaign end to end, over HTTP, across the five real services.

Inventory, registration, allocation, immunization and certificate each run as their own gunicorn web +
worker against one PostgreSQL server and one Kafka broker; nothing here publishes an event a service
should have produced — every fact one service learns from another travels through that service's relay
and topic. The steps run in order and hand on their results (``Campaign``); a step whose predecessor did
not complete is skipped, so a broken link in the chain shows as one failure, not a cascade.

Hand-computed figures (doses of one fresh 10-dose AstraZeneca lot):

    step                                      NAT-EPI  CDC-79  CDC-01  SU-ARMY  DHC-760  S-79-760-01
    1 receipt at the national store 1,000       1,000       0       0        0        0            0
    3 national plan 600 -> 79, 100 -> 01,         100     600     100      200        0            0
      200 -> army, released, dispatched, delivered
    3 province plan 300 -> district 760           100     300     100      200      300            0
    3 session: 30 dispensed, shipped to site      100     300     100      200      270           30
    5 two vials opened (19 doses, 1 residual)     100     300     100      200      270           10

    1,000 people: the session's 20 (12 by bulk CSV upload, 8 by citizens) and 980 more by one organisation
    upload across provinces 79 and 01 (three bad rows reported by line), each approved by its own province
    and assigned to its district centre (DHC-760, DHC-001). The 20 are booked into the session; 19 screened eligible and vaccinated, one postponed (38.2 °C); open-vial wastage 1 dose;
    19 PARTIAL certificates (one AstraZeneca dose of a two-dose series), each HC1 verifying offline. A walk-in
    is registered at the site during the session, approved there under the site's standing delegation and
    checked in by identity document (postponed: fever). Last, an AEFI classified A2 suspends the lot nationally.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from services.audit.domain import merkle, notes
from services.certificate import verify as offline_verifier
from tests.integration.kafka_helpers import read_topic, wait_for
from tests.integration.registration_csv import to_csv, valid_row
from tests.integration.registration_support import person_body, wait_for_centre, wait_for_session
from tests.integration.service_procs import private_workdir
from vaxtrail_cli import main as cli
from vaxtrail_cli.campaign import registry, supply
from vaxtrail_cli.campaign.people import people as make_people

from .audit_oracle import expected_dose_trail
from .campaign import (
    ARMY,
    CDC,
    CDC_2,
    CENTRE,
    CENTRE_2,
    DISTRICT,
    DISTRICT_2,
    ICT,
    NATIONAL,
    PRESENTATION,
    PROVINCE,
    PROVINCE_2,
    SITE,
    TIMEOUT,
    Campaign,
    scalar,
    wait_for_immunization_references,
    wait_rows,
)
from .stack import start_stack, stop_stack

UPLOADED, SELF_REGISTERED = 12, 8  # the session's 20 people
REST = {PROVINCE: (DISTRICT, CENTRE, 490), PROVINCE_2: (DISTRICT_2, CENTRE_2, 490)}  # the other 980 of 1,000
FEVER = {"temperature_celsius": "38.2", "pulse_per_minute": 80, "systolic_mmhg": 120, "diastolic_mmhg": 75,
         "respiratory_rate_per_minute": 16}
NORMAL = FEVER | {"temperature_celsius": "36.8"}


@pytest.fixture(scope="module")
def campaign(infra):
    stack = start_stack(infra, private_workdir("e2e"))
    try:
        yield Campaign(stack)
    finally:
        stop_stack(stack, infra)


def after(campaign: Campaign, step: str) -> None:
    if step not in campaign.done:
        pytest.skip(f"step {step} did not complete")


def created(response, what: str) -> dict:
    assert response.status_code == 201, f"{what}: {response.status_code} {response.text}"
    return response.json()


# -- 1. inventory: reference data and a national receipt ---------------------------------------------------

def test_1_inventory_seeds_the_reference_data_and_receives_a_lot_at_the_national_store(campaign):
    c, stack = campaign, campaign.stack
    seeded = stack.post("inventory", "/v1/reference/seed", {"version": 1}, c.national())
    assert seeded.status_code in (200, 201), seeded.text
    c.lot = f"LOT-E2E-{c.run}"
    created(stack.post("inventory", "/v1/lots", {
        "lot_id": c.lot, "lot_number": c.lot, "presentation_id": PRESENTATION, "presentation_version": 1,
        "manufacture_date": (c.now - timedelta(days=60)).date().isoformat(),
        "label_expiry_date": (c.now + timedelta(days=400)).date().isoformat(), "funding_source": "COVAX",
        "release_certificate_reference": f"NICVB-{c.run}"}, c.national()), "the lot")
    created(stack.post("inventory", "/v1/receipts", {
        "location_id": NATIONAL, "lot_id": c.lot, "presentation_id": PRESENTATION, "doses": 1_000, "vials": 100,
        "source": "covax", "shipment_reference": f"COVAX-{c.run}", "received_at": c.ago(hours=8)}, c.national()),
        "the national receipt")
    c.expect_stock({NATIONAL: 1_000}, "1,000 doses at the national store")
    c.done.add("1")


# -- 2. registration: people registered, approved, assigned to a district centre ---------------------------

def test_2_people_register_and_the_province_approves_and_assigns_them_to_the_district_centre(campaign):
    after(campaign, "1")
    c, stack, registration = campaign, campaign.stack, campaign.stack["registration"]
    rows = [valid_row(i, PROVINCE, DISTRICT) for i in range(UPLOADED)]
    upload = stack.http.post(registration.url(f"/v1/organisations/ORG-E2E-{c.run}/uploads"), data=to_csv(rows),
                             headers=c.province() | {"Content-Type": "text/csv"}, timeout=120)
    report = created(upload, "the bulk upload")
    assert (report["rows"], report["registered"], report["problems"]) == (UPLOADED, UPLOADED, [])
    for i in range(SELF_REGISTERED):
        citizen = stack.headers("citizen", "person:none", sub=f"citizen-{c.run}-{i}")
        created(stack.post("registration", "/v1/persons", person_body(PROVINCE, DISTRICT, full_name="Lê Văn Tâm"),
                           citizen), "a citizen's registration")

    # The persons this registration service registered (its own event store): 12 uploaded + 8 citizens.
    c.people = _registered(registration)
    assert len(c.people) == UPLOADED + SELF_REGISTERED

    # The rest of the campaign's 1,000: one organisation upload across two provinces, with bad rows - each
    # reported with its line number - and a row repeated within the file.
    homes = [(province, district) for province, (district, _, count) in REST.items() for _ in range(count)]
    rest = [valid_row(1_000 + n, province, district) for n, (province, district) in enumerate(homes)]
    bad = [rest[0] | {"national_id": "12345"},                       # not a national ID (line 982)
           valid_row(9_001, PROVINCE, DISTRICT) | {"date_of_birth": "2030-01-01"},  # born in the future (983)
           rest[1]]                                                   # the same person twice in one file (984)
    upload = stack.http.post(registration.url(f"/v1/organisations/ORG-E2E-REST-{c.run}/uploads"),
                             data=to_csv(rest + bad), headers=c.national() | {"Content-Type": "text/csv"},
                             timeout=300)
    report = created(upload, "the bulk upload of 980 people")
    assert (report["rows"], report["registered"]) == (len(rest) + len(bad), len(rest)), report
    assert sorted(problem["line"] for problem in report["problems"]) == [982, 983, 984], report["problems"]
    everyone = _registered(registration)
    assert len(everyone) == 1_000

    def queued() -> bool:
        items = stack.get("registration", f"/v1/provinces/{PROVINCE}/approval-queue", c.province(),
                          district_code=DISTRICT, limit=100).json()["items"]
        return {i["person_id"] for i in items} >= set(c.people)
    wait_for(queued, timeout=TIMEOUT, what="20 people in the province's approval queue")

    # Registration learned the district centres from inventory's LocationRegistered, relayed from its seed.
    wait_for_centre(registration, CENTRE)
    wait_for_centre(registration, CENTRE_2)
    for person in c.people:
        created(stack.post("registration", f"/v1/persons/{person}/approval", {}, c.province()), "an approval")
        created(stack.post("registration", f"/v1/persons/{person}/district-assignment",
                           {"district_health_centre_id": CENTRE}, c.province()), "a district assignment")

    # Each province's officer approves its own people from its queue and assigns them to a district centre.
    def queue(province: str) -> set[str]:
        items = stack.get("registration", f"/v1/provinces/{province}/approval-queue", c.province(province=province),
                          limit=1000).json()["items"]
        return {i["person_id"] for i in items}

    wait_for(lambda: len(queue(PROVINCE)) + len(queue(PROVINCE_2)) == 1_000 - len(c.people), timeout=TIMEOUT,
             what="the other 980 people in their provinces' approval queues")
    cross = stack.post("registration", f"/v1/persons/{next(iter(queue(PROVINCE_2)))}/approval", {}, c.province())
    assert (cross.status_code, cross.json()["rule"]) == (403, "scope"), cross.text  # only its own province

    def approve_and_assign(job: tuple[str, str]) -> None:
        person, province = job
        officer, centre = c.province(province=province), REST[province][1]
        created(stack.post("registration", f"/v1/persons/{person}/approval", {}, officer), "an approval")
        created(stack.post("registration", f"/v1/persons/{person}/district-assignment",
                           {"district_health_centre_id": centre}, officer), "a district assignment")

    jobs = [(person, province) for province in REST for person in queue(province)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(approve_and_assign, jobs))
    wait_for(lambda: not queue(PROVINCE) and not queue(PROVINCE_2), timeout=TIMEOUT,
             what="both approval queues emptied by the approvals")
    record = stack.get("registration", f"/v1/persons/{c.people[0]}", c.citizen(c.people[0])).json()
    assert record["status"] == "APPROVED", record
    c.done.add("2")


def _registered(registration) -> list[str]:
    return scalar(registration, "SELECT coalesce(array_agg(aggregate_id ORDER BY position), '{}') FROM events"
                  " WHERE event_type = %s", "vaxtrail.registration.v1.PersonRegistered")


# -- 3. allocation down the supply tree, with inventory moving the stock -----------------------------------

def test_3a_a_national_plan_is_released_shipped_and_delivered_then_the_province_releases_to_its_district(
        campaign):
    after(campaign, "2")
    c = campaign
    c.expect_supply(NATIONAL, 1_000)  # allocation reads inventory's DoseReceived from the topic
    # ... and registration's approvals and assignments: the demand a plan can be proposed from.
    wait_for(lambda: c.demand("NATIONAL", "") == {PROVINCE: 510, PROVINCE_2: 490}
             and c.demand("PROVINCE", PROVINCE) == {DISTRICT: 510},
             timeout=TIMEOUT, what="1,000 approved registrants in allocation's demand read model")

    national = _release_plan(c, {
        "plan_id": f"AP-NAT-{c.run}", "level": "NATIONAL", "source_location_id": NATIONAL, "lot_ids": [c.lot],
        "lines": [{"recipient_unit_id": PROVINCE, "doses": 600}, {"recipient_unit_id": PROVINCE_2, "doses": 100},
                  {"recipient_unit_id": ARMY, "doses": 200}]},
        writer=c.national("anh"), approver=c.national("binh"))
    lines = {line["recipient_unit_id"]: line for line in national["lines"]}
    assert {unit: (line["doses"], line["released"]) for unit, line in lines.items()} == {
        PROVINCE: (600, 600), PROVINCE_2: (100, 100), ARMY: (200, 200)}

    # Inventory ships each released line (it learns the release from allocation's topic) and the
    # receivers sign the proof of delivery.
    _ship(c, national["plan_id"], lines[PROVINCE]["line_id"], NATIONAL, CDC, 600, 7, c.national(), c.province())
    _ship(c, national["plan_id"], lines[PROVINCE_2]["line_id"], NATIONAL, CDC_2, 100, 7, c.national(),
          c.province(province=PROVINCE_2))
    _ship(c, national["plan_id"], lines[ARMY]["line_id"], NATIONAL, ARMY, 200, 7, c.national(), c.national())
    c.expect_stock({NATIONAL: 100, CDC: 600, CDC_2: 100, ARMY: 200}, "the national plan delivered")
    c.expect_supply(CDC, 600)

    province = _release_plan(c, {
        "plan_id": f"AP-79-{c.run}", "level": "PROVINCE", "province_code": PROVINCE,
        "lines": [{"recipient_unit_id": DISTRICT, "doses": 300}]},
        writer=c.province("lan"), approver=c.province("minh"))
    [c.district_line] = province["lines"]
    assert (c.district_line["recipient_location_id"], c.district_line["released"]) == (CENTRE, 300)
    c.province_plan = province["plan_id"]
    c.done.add("3a")


def test_3b_inventory_checks_a_dispatch_against_a_province_plan_line_like_a_national_one(campaign):
    """310 doses against a line released for 300: once the district line is matched, the answer is INV-15
    (more than released), as for a national line. Either way nothing is written."""
    after(campaign, "3a")
    c = campaign
    _wait_for_release(c, c.province_plan, c.district_line["line_id"])
    refused = c.stack.post("inventory", "/v1/shipments", {
        "shipment_id": f"SHP-{c.run}-OVER", "from_location_id": CDC, "to_location_id": CENTRE,
        "lines": [{"lot_id": c.lot, "doses": 310}], "dispatched_at": c.ago(hours=6, minutes=30),
        "allocation_plan_id": c.province_plan, "allocation_line_id": c.district_line["line_id"]}, c.province())
    assert refused.status_code == 422, refused.text
    assert (refused.json()["rule"], refused.json()["field"]) == ("INV-15", "lines"), refused.json()


def test_3c_the_district_receives_its_stock_plans_a_session_and_dispenses_to_the_site(campaign):
    after(campaign, "3a")
    c, stack = campaign, campaign.stack
    # Names the province plan's line: inventory checks the dispatch against it (recipient, released doses)
    # and allocation sees the line as shipped.
    _ship(c, c.province_plan, c.district_line["line_id"], CDC, CENTRE, 300, 6, c.province(), c.district())
    c.expect_stock({CDC: 300, CENTRE: 300}, "the province plan delivered")
    c.expect_supply(CENTRE, 300)

    # The district plans a session at its site (starting soon, so appointments can still be booked) and
    # dispenses three vials to it; the dispatch to the site cites the dispensation (INV-17), within its doses.
    starts = (c.now + timedelta(minutes=20)).astimezone(ICT)
    c.session_id = f"SES-E2E-{c.run}"
    created(stack.post("allocation", "/v1/sessions", {
        "session_id": c.session_id, "site_id": SITE, "session_date": starts.date().isoformat(),
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=4)).isoformat(),
        "injection_tables": 1, "presentation_id": PRESENTATION, "planned_persons": 30, "planned_doses": 30},
        c.district()), "the session plan")
    created(stack.post("allocation", f"/v1/sessions/{c.session_id}/dispensations",
                       {"lines": [{"lot_id": c.lot, "doses": 30, "vials": 3}]}, c.district()), "the dispensation")
    uncited = c.stack.post("inventory", "/v1/shipments", {
        "shipment_id": f"SHP-{c.run}-UNCITED", "from_location_id": CENTRE, "to_location_id": SITE,
        "lines": [{"lot_id": c.lot, "doses": 30}], "dispatched_at": c.ago(hours=4, minutes=30)}, c.district())
    assert (uncited.status_code, uncited.json()["rule"], uncited.json()["field"]) == (422, "INV-17", "session_id")
    supply.ship(c.api, c.clock, f"SHP-{c.run}-{SITE}", CENTRE, SITE, {c.lot: 30}, 4, c.district(), c.site_manager(),
                session_id=c.session_id)
    c.expect_stock({NATIONAL: 100, CDC: 300, CDC_2: 100, ARMY: 200, CENTRE: 270, SITE: 30}, "30 doses at the site")
    wait_rows(stack["inventory"], "SELECT count(*) FROM shipments WHERE session_id = %s", c.session_id, expected=1,
              what="the shipment citing the session in inventory's read model")
    beyond = c.stack.post("inventory", "/v1/shipments", {
        "shipment_id": f"SHP-{c.run}-BEYOND", "from_location_id": CENTRE, "to_location_id": SITE,
        "lines": [{"lot_id": c.lot, "doses": 10}], "dispatched_at": c.ago(hours=3, minutes=30),
        "session_id": c.session_id}, c.district())
    assert (beyond.status_code, beyond.json()["rule"]) == (422, "INV-15"), beyond.text   # all 30 shipped already
    c.done.add("3c")


def _release_plan(c: Campaign, plan: dict, *, writer: dict, approver: dict) -> dict:
    """Draft (MANUAL), submit, refused self-approval (INV-16), approve by a second officer, release."""
    supply.draft_plan(c.api, c.clock, plan, writer)
    self_approval = c.stack.post("allocation", f"/v1/allocation-plans/{plan['plan_id']}/approve", {}, writer)
    assert (self_approval.status_code, self_approval.json()["rule"]) == (422, "INV-16"), self_approval.text
    released = supply.approve_and_release(c.api, plan["plan_id"], approver)
    assert released["status"] == "RELEASED", released
    return released


def _wait_for_release(c: Campaign, plan_id: str, line_id: str) -> None:
    """Inventory's read of allocation's topic must have seen the release before a dispatch names it (INV-16)."""
    wait_rows(c.stack["inventory"], "SELECT count(*) FROM allocation_lines WHERE plan_id = %s AND line_id = %s"
              " AND doses_released > 0", plan_id, line_id, expected=1, what=f"release {plan_id}/{line_id}")


def _ship(c: Campaign, plan_id: str, line_id: str, sender: str, receiver: str, doses: int, hours_ago: int,
          shipper: dict, signer: dict) -> None:
    """Inventory: dispatch (naming the allocation it fulfils; sent again until inventory has seen its release)
    and the receiver's proof of delivery."""
    supply.ship(c.api, c.clock, f"SHP-{c.run}-{receiver}", sender, receiver, {c.lot: doses}, hours_ago, shipper,
                signer, plan_id=plan_id, line_id=line_id)


# -- 4. registration: appointments in the planned session ---------------------------------------------------

def test_4_everyone_gets_an_appointment_in_the_planned_session(campaign):
    after(campaign, "3c")
    c, registration = campaign, campaign.stack["registration"]
    wait_for_session(registration, c.session_id)  # SessionPlanned, relayed from allocation
    for person in c.people:
        created(c.stack.post("registration", f"/v1/persons/{person}/appointments", {"session_id": c.session_id},
                             c.district()), "an appointment")
    record = c.stack.get("registration", f"/v1/persons/{c.people[-1]}", c.citizen(c.people[-1])).json()
    assert record["appointment"]["session_id"] == c.session_id, record
    c.done.add("4")


# -- 5. immunization: the session day ----------------------------------------------------------------------

def test_5_the_site_vaccinates_and_inventory_books_the_opened_vials_out_of_the_site_stock(campaign):
    after(campaign, "4")
    c, immunization = campaign, campaign.stack["immunization"]
    wait_for_immunization_references(c)
    vaccinator = c.vaccinator()
    created(c.stack.post("immunization", f"/v1/sessions/{c.session_id}/open", {
        "opened_at": c.ago(hours=3), "staff": [{"actor_id": "vaccinator-s1", "role": "VACCINATOR"}]},
        c.site_manager()), "the session opening")

    visits = {}
    for n, person in enumerate(c.people):
        visits[person] = _check_in_and_screen(c, person, n, vaccinator)
    c.postponed = [p for p, (_, outcome) in visits.items() if outcome == "POSTPONED"]
    c.vaccinated = [p for p, (_, outcome) in visits.items() if outcome == "ELIGIBLE"]
    assert (len(c.vaccinated), len(c.postponed)) == (19, 1)

    vial = ""
    for i, person in enumerate(c.vaccinated):
        when = c.ago(hours=2, minutes=20 - 2 * i)
        if i % 10 == 0:  # a fresh 10-dose vial for every ten people; the empty one is discarded
            if vial:
                created(c.stack.post("immunization", f"/v1/sessions/{c.session_id}/vials/{vial}/discard",
                                     {"discarded_at": when, "reason": "EMPTY", "residual_doses": 0}, vaccinator),
                        "an empty vial's discard")
            vial = created(c.stack.post("immunization", f"/v1/sessions/{c.session_id}/vials",
                                        {"lot_id": c.lot, "opened_at": when}, vaccinator),
                           "a vial opening")["vial_opening_id"]
        visit = visits[person][0]
        created(c.stack.post("immunization", f"/v1/visits/{visit}/doses", {
            "vial_opening_id": vial, "series": "PRIMARY", "dose_number": 1, "administered_at": when}, vaccinator),
            "a dose")
        created(c.stack.post("immunization", f"/v1/visits/{visit}/observation", {
            "ended_at": c.ago(hours=2, minutes=20 - 2 * i - 31), "outcome": "NO_REACTION"}, vaccinator),
            "an observation")
    [postponed] = c.postponed
    created(c.stack.post("immunization", f"/v1/visits/{visits[postponed][0]}/not-administered",
                         {"reason": "POSTPONED", "recorded_at": c.ago(hours=1)}, vaccinator), "no dose")
    walk_in_visit = _walk_in(c, vaccinator)
    created(c.stack.post("immunization", f"/v1/visits/{walk_in_visit}/not-administered",
                         {"reason": "POSTPONED", "recorded_at": c.ago(minutes=35)}, vaccinator), "no dose")
    created(c.stack.post("immunization", f"/v1/sessions/{c.session_id}/close",
                         {"closed_at": c.ago(minutes=30), "discard_open_vials": True}, c.site_manager()),
            "the session closing")

    def day_sheet() -> dict | None:
        sheet = c.stack.get("immunization", f"/v1/sessions/{c.session_id}/day-sheet", c.site_manager()).json()
        totals = sheet.get("totals", {})
        return sheet if sheet.get("status") == "CLOSED" and (totals["observed"], totals["doses_drawn"]) == (
            19, 19) and all(v["discarded_at"] for v in sheet["vials"]) else None
    totals = wait_for(day_sheet, timeout=TIMEOUT, what="the closed session's day sheet")["totals"]
    # Not "vaccinated": the day sheet joins doses to visits in a read model that can drop one (docs/e2e.md).
    assert {k: totals[k] for k in ("checked_in", "postponed", "doses_opened", "doses_drawn", "open_vial_wastage")
            } == {"checked_in": 21, "postponed": 2, "doses_opened": 20, "doses_drawn": 19, "open_vial_wastage": 1}
    wait_for(lambda: _doses_reported(c) == 19, timeout=TIMEOUT, what="19 doses in the site's dose report")

    # Inventory consumes VialOpened from immunization's topic: two whole vials leave the site's stock.
    c.expect_stock({SITE: 10, CENTRE: 270}, "two opened vials booked out of the site's stock")
    card = c.stack.get("inventory", "/v1/stock-card", c.site_manager(), location_id=SITE, lot_id=c.lot).json()
    assert [(line["kind"], line["doses"], line["balance"]) for line in card["lines"]] == [
        ("TRANSFER_IN", 30, 30), ("CONSUMPTION", -10, 20), ("CONSUMPTION", -10, 10)]
    # ... and VialDiscarded's residual dose as open-vial wastage (its own read model: wait for it too).
    def wastage() -> dict | None:
        report = c.stack.get("inventory", "/v1/wastage", c.site_manager(), location_id=SITE).json()
        return report if report["open_vial_wastage_doses"] == 1 and report["doses_administered"] == 19 else None

    wait_for(wastage, timeout=TIMEOUT, what="the site's open-vial wastage of 1 dose")
    assert scalar(immunization, "SELECT count(*) FROM events WHERE event_type = %s",
                  "vaxtrail.immunization.v1.DoseAdministered") == 19
    c.done.add("5")


def _walk_in(c: Campaign, vaccinator: dict) -> str:
    """Someone not registered turns up: the site registers them on the spot, approves them under its standing
    delegation (the approval names the rule and the approver; they are assigned to the site's district centre)
    and checks them in by their ID document, all in the one visit; screened with a fever, they are postponed.
    (Business times in this campaign are written relative to the run's start, like every other visit's.) The
    registration and the approval are the campaign driver's (``vaxtrail load`` walks one in at every site)."""
    [walker] = make_people(1, PROVINCE, DISTRICT)
    person = registry.walk_in(c.api, c.actors, walker, SITE, c.session_id).person_id
    record = c.stack.get("registration", f"/v1/persons/{person}", vaccinator | {"X-Purpose": "CARE"}).json()
    assert (record["decision"]["delegation_rule"], record["decision"]["approver_id"],
            record["district"]["district_health_centre_id"]) == ("SITE_WALK_IN_DELEGATION", f"vaccinator-{SITE}-1", CENTRE), \
        record

    def checked_in() -> list | None:
        # Sent again until immunization has read the approval and the assignment from registration's topic
        # (a refused check-in appends nothing).
        response = c.stack.post("immunization", f"/v1/sessions/{c.session_id}/check-ins", {
            "visit_id": f"VIS-WALK-IN-{c.run}", "identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID",
            "document_number": walker.national_id, "presence_override_reason": "walk-in: ID document checked",
            "checked_in_at": c.ago(minutes=40)}, vaccinator)
        refused = response.status_code == 422 and response.json()["rule"] == "identity"
        return None if refused else [response]
    [visit] = wait_for(checked_in, timeout=TIMEOUT, what="immunization to know the walk-in as approved")
    visit_id = created(visit, "the walk-in's check-in")["visit_id"]
    screened = created(c.stack.post("immunization", f"/v1/visits/{visit_id}/screening", {
        "vitals": FEVER, "screened_at": c.ago(minutes=38)}, vaccinator), "the walk-in's screening")
    assert screened["outcome"] == "POSTPONED", screened
    def queue() -> dict:
        return c.stack.get("registration", f"/v1/provinces/{PROVINCE}/approval-queue", c.province()).json()
    # the province sees the approval made in its name, once registration's queue has read it from its topic
    wait_for(lambda: queue()["walk_in_approvals"] == 1, timeout=TIMEOUT, what="the walk-in approval in the queue")
    c.walk_in = person
    return visit_id


def _doses_reported(c: Campaign) -> int:
    """Doses given at the site, from immunization's dose report (one row per day and vaccine code)."""
    days = {"date_from": (c.now - timedelta(days=1)).date().isoformat(),
            "date_to": (c.now + timedelta(days=1)).date().isoformat()}
    report = c.stack.get("immunization", "/v1/reports/doses", c.site_manager(), level="site", code=SITE, **days)
    assert report.status_code == 200, report.text
    return sum(row["doses"] for row in report.json()["items"])


def _check_in_and_screen(c: Campaign, person: str, n: int, vaccinator: dict) -> tuple[str, str]:
    issued = c.stack.get("immunization", f"/v1/persons/{person}/check-in-pass", c.citizen(person),
                         session_id=c.session_id)
    assert issued.status_code == 200, issued.text
    check_in_pass = issued.json()  # the citizen's app: QR token and presence code
    visit = created(c.stack.post("immunization", f"/v1/sessions/{c.session_id}/check-ins", {
        "identity_method": "QR", "qr_token": check_in_pass["qr_token"],
        "presence_code": check_in_pass["presence_code"], "checked_in_at": c.ago(hours=2, minutes=59 - n)},
        vaccinator), "a check-in")["visit_id"]
    vitals = FEVER if n == len(c.people) - 1 else NORMAL
    screened = created(c.stack.post("immunization", f"/v1/visits/{visit}/screening", {
        "vitals": vitals, "screened_at": c.ago(hours=2, minutes=58 - n)}, vaccinator), "a screening")
    return visit, screened["outcome"]


def test_5b_allocation_reserves_second_doses_for_the_first_doses_the_site_gave(campaign):
    """Allocation reads DoseAdministered from immunization's topic (INV-18's input) and keeps the province's
    reserve at the first doses given by itself (its reserve worker); asking for a recompute then finds it
    already there (200, nothing appended) or brings it there (201)."""
    after(campaign, "5")
    c = campaign
    wait_rows(c.stack["allocation"], "SELECT count(*) FROM doses_given WHERE site_id = %s", SITE, expected=19,
              what="19 doses given in allocation's read model")
    response = c.stack.post("allocation", "/v1/second-dose-reserves", {
        "unit_id": PROVINCE, "presentation_id": PRESENTATION, "cohort": c.session_id}, c.national())
    assert response.status_code in (200, 201), response.text
    reserved = response.json()
    assert reserved["reserved_doses"] == 19, reserved
    def reserved_in_availability() -> bool:
        availability = c.stack.get("allocation", "/v1/availability", c.national(), location_id=NATIONAL,
                                   presentation_id=PRESENTATION).json()
        return availability["reserved"] == 19

    wait_for(reserved_in_availability, timeout=TIMEOUT, what="19 reserved doses in allocation's availability")


# -- 6. certificates -----------------------------------------------------------------------------------------

def test_6_every_vaccinated_person_gets_a_certificate_that_verifies_offline(campaign, tmp_path, capsys):
    after(campaign, "5")
    c, certificate = campaign, campaign.stack["certificate"]

    def current_dcc(person: str) -> dict | None:
        response = c.stack.get("certificate", f"/v1/persons/{person}/record", c.citizen(person))
        if response.status_code != 200:
            return None
        return response.json()["current"].get("EU_DCC_HC1")

    verifier = ["--sync", certificate.base_url, "--cache", str(tmp_path / "verifier")]
    for person in c.vaccinated:
        dcc = wait_for(lambda p=person: current_dcc(p), timeout=TIMEOUT, what=f"a certificate for {person}")
        assert dcc["level"] == "PARTIAL" and dcc["qr"].startswith("HC1:"), dcc
        assert offline_verifier.main([dcc["qr"], *verifier]) == 0
        verified = json.loads(capsys.readouterr().out)
        assert (verified["valid"], verified["certificate_id"], verified["entries"][0]["dn"]) == (
            True, dcc["certificate_id"], 1), verified
    assert current_dcc(c.postponed[0]) is None

    # Registration's citizen view shows the dose and the certificate (immunization + certificate topics).
    def citizen_view(person: str) -> dict | None:
        record = c.stack.get("registration", f"/v1/persons/{person}", c.citizen(person)).json()
        return record if len(record["doses"]) == 1 and record["certificates"] else None
    for person in c.vaccinated:
        wait_for(lambda p=person: citizen_view(p), timeout=TIMEOUT, what=f"{person}'s dose and certificate")
    c.done.add("6")


# -- 7. nothing was lost on the way -------------------------------------------------------------------------

def test_7_no_service_dead_lettered_any_event_of_the_campaign(campaign, infra):
    """Every event type each service met on the topics it reads was handled or explicitly ignored."""
    after(campaign, "6")
    if not infra.kafka_managed:
        pytest.skip("a shared broker (KAFKA_BOOTSTRAP) may hold other runs' dead letters")
    dead = {service: len(read_topic(infra.kafka_bootstrap, f"vaxtrail.{service}.dlq.v1"))
            for service in campaign.stack.services}
    assert dead == dict.fromkeys(campaign.stack.services, 0)


# -- 8. the audit trail of a dose ---------------------------------------------------------------------------

def test_8_the_audit_trail_of_a_dose_holds_exactly_the_events_that_produced_it_and_one_proof_verifies(campaign):
    """The trail the audit service assembled from the five topics equals what the five stores say produced
    the dose (tests/e2e/audit_oracle.py); then one of its events is proven in a signed checkpoint."""
    after(campaign, "6")
    c, person = campaign, campaign.vaccinated[0]
    dose_id, expected = expected_dose_trail(c.stack, person, c.lot)
    auditor = c.stack.headers("auditor", "national", sub="auditor-1")

    def trail() -> dict | None:
        response = c.stack.get("audit", f"/v1/doses/{dose_id}/trail", auditor)
        return response.json() if response.status_code == 200 else None

    def complete() -> dict | None:
        found = trail()
        return found if found and {s["event_id"] for s in found["steps"]} == set(expected) else None

    try:
        found = wait_for(complete, timeout=TIMEOUT, interval=0.5, what="the dose's audit trail")
    except TimeoutError:
        steps = {s["event_id"]: f"{s['service']} {s['event_type']}" for s in (trail() or {"steps": []})["steps"]}
        raise AssertionError(f"missing {sorted(expected[i] for i in set(expected) - set(steps))}, "
                             f"extra {sorted(steps[i] for i in set(steps) - set(expected))}") from None
    assert found["services"] == ["allocation", "certificate", "immunization", "inventory", "registration"]
    assert found["chain_verified"]
    dose_step = next(s for s in found["steps"] if s["event_type"].endswith(".DoseAdministered"))
    wait_for(lambda: trail()["steps"][found["steps"].index(dose_step)]["leaf_index"] is not None,
             timeout=TIMEOUT, interval=0.5, what="the dose sealed into the immunization log")
    signed = c.stack.http.post(c.stack["audit"].url("/v1/checkpoints"), json={}, headers=auditor, timeout=60)
    assert signed.status_code in (200, 201), signed.text
    proof = wait_for(lambda: (r := c.stack.get("audit", "/v1/proofs/inclusion", auditor,
                                               event_id=dose_step["event_id"])).status_code == 200 and r.json(),
                     timeout=TIMEOUT, interval=0.5, what="an inclusion proof of the dose")
    public = base64.b64decode(c.stack.get("audit", "/v1/checkpoints/latest", {}).json()["public_key"])
    checkpoint = notes.parse_checkpoint(notes.open_note(proof["checkpoint"], proof["origin"], public))
    assert proof["leaf_data"] == dose_step["hash"]
    merkle.verify_inclusion(merkle.leaf_hash(bytes.fromhex(proof["leaf_data"])), proof["leaf_index"],
                            checkpoint.size, [base64.b64decode(h) for h in proof["proof"]], checkpoint.root)
    c.done.add("8")


def test_9_the_cli_prints_the_trail_verifies_every_store_and_proves_the_dose(campaign, monkeypatch, tmp_path,
                                                                            capsys):
    """``vaxtrail trail``, ``vaxtrail audit verify`` and ``vaxtrail audit verify-proof`` against the running
    services, as an operator runs them (a token minted with the dev key, the stores found as the services
    find them, the audit key from the audit service's state folder)."""
    after(campaign, "8")
    c, audit = campaign, campaign.stack["audit"]
    dose_id, _ = expected_dose_trail(c.stack, c.vaccinated[0], c.lot)
    key = tmp_path / "dev.private.pem"
    key.write_bytes(c.stack.private_key)
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP", "VAXTRAIL_STATE_DIR"):
        monkeypatch.setenv(name, audit.env[name])
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(key))
    for name, service in c.stack.services.items():
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", service.database_url)
    assert cli.main(["trail", "dose", dose_id, "--base-url", audit.base_url]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"dose {dose_id}\n") and "across 5 services" in printed, printed
    assert "every chain link verified" in printed and "DoseAdministered" in printed
    assert cli.main(["audit", "verify"]) == 0, capsys.readouterr().out
    verified = capsys.readouterr().out
    assert verified.count(": OK") == 5, verified
    trail = c.stack.get("audit", f"/v1/doses/{dose_id}/trail", c.stack.headers("auditor", "national")).json()
    dose_event = next(s["event_id"] for s in trail["steps"] if s["event_type"].endswith(".DoseAdministered"))
    assert cli.main(["audit", "verify-proof", "--event-id", dose_event, "--base-url", audit.base_url]) == 0
    assert "OK: event" in capsys.readouterr().out


# -- 10. an A2 AEFI opens a lot review ----------------------------------------------------------------------

def test_10_an_aefi_classified_a2_suspends_the_lot_nationally_pending_its_review(campaign):
    """Last, as it suspends the campaign's lot: a vaccinated person reports a non-serious AEFI, the district
    classifies it A2 (vaccine quality defect), and inventory's lot review worker suspends the lot nationally,
    naming the AEFI (it learns the classification from immunization's topic)."""
    after(campaign, "6")
    c, person = campaign, campaign.vaccinated[-1]
    record = c.stack.get("registration", f"/v1/persons/{person}", c.citizen(person)).json()
    [dose] = record["doses"]
    reported = created(c.stack.post("immunization", "/v1/aefi", {
        "person_id": person, "dose_ids": [dose["dose_id"]], "onset_at": c.ago(hours=1), "symptoms": ["injection-site swelling"],
        "serious": False, "outcome": "RECOVERING", "source": "SELF_REPORT", "reported_at": c.ago(minutes=20)},
        c.citizen(person)), "the AEFI report")
    aefi = reported["aefi_id"]
    created(c.stack.post("immunization", f"/v1/aefi/{aefi}/classification", {
        "level": "DISTRICT", "causality": "A2", "rationale": "swelling cluster from one lot"}, c.district()),
        "the A2 classification")

    def suspended() -> dict | None:
        lots = c.stack.get("inventory", "/v1/lots", c.national()).json()["items"]
        row = next((r for r in lots if r["lot_id"] == c.lot), None)
        return row if row and row["national_status"] == "SUSPENDED" else None
    lot = wait_for(suspended, timeout=TIMEOUT, what="the lot suspended nationally for review")
    assert lot["national_decision"]["decision_reference"] == f"AEFI:{aefi}", lot
