"""A session day at the site, on one tablet, in a real browser against the real services: pick the session
from the site's list of the day and open it, check people in (the camera reads a real QR pass; a typed code;
an identity document with an attributed override), screen them under the ruleset in force, open a vial and watch its discard time, vaccinate - then
the network goes away mid-session: the app reloads from its service worker, work queues on the tablet, and
when the network returns it uploads through the device-batch API, each item once, one refused by its rule.
Then the observation list raises its alert after 30 minutes, an AEFI is reported, a walk-in is registered and
approved under the site's standing delegation,
and the session is closed with its vial accounting and wastage."""

from __future__ import annotations

import re

import psycopg
from playwright.sync_api import expect

from tests.e2e.campaign import SITE, wait_for_immunization_references
from tests.integration.kafka_helpers import wait_for
from tests.integration.registration_support import citizen_id
from vaxtrail.immunization.v1 import events_pb2

from .camera import qr_video
from .ui import expect_done, field, open_as, submit
from .world import TIMEOUT, World

WAIT = TIMEOUT * 1000
NORMAL = {"vitals.temperature_celsius": "36.8", "vitals.pulse_per_minute": "78", "vitals.systolic_mmhg": "118",
          "vitals.diastolic_mmhg": "76"}


def screen_person(page, vitals: dict[str, str], answers: dict[str, str] | None = None) -> None:
    for name, value in vitals.items():
        field(page, "screening", name).fill(value)
    for name, value in (answers or {}).items():
        field(page, "screening", name).select_option(value)
    submit(page, "screening")


def check_in_by_code(page, token: str, code: str) -> str:
    page.goto("/site/check-in")
    page.get_by_label("Nhập mã").check()
    field(page, "check-in", "qr_token").fill(token)
    field(page, "check-in", "presence_code").fill(code)
    submit(page, "check-in")
    expect(page).to_have_url(re.compile(r"/site/visits/"))
    return page.url.rsplit("/", 1)[-1]


def test_6_a_session_day_on_a_tablet_with_the_network_gone_mid_session(world: World, browser):
    world.require("session")
    c, immunization = world.campaign, world.stack["immunization"]
    wait_for_immunization_references(c)
    scanned, typed, by_document, feverish = world.people[:4]
    passes = {person: world.check_in_pass(person) for person in (scanned, typed, feverish)}
    qr_video(passes[scanned]["qr_token"], world.camera)

    context, page = open_as(browser, world, "site_manager", f"site:{SITE}", "manager-s1", permissions=["camera"])
    page.goto("/site")
    # today's sessions of the site, from immunization's list (the district planned this one in test_4)
    planned = page.locator(f"button[data-session='{world.session_id}']")
    expect(planned).to_be_visible(timeout=WAIT)
    expect(page.locator("tr", has=planned)).to_contain_text("đã lên kế hoạch")
    world.screens.check(page, "site-choose-session")
    planned.click()
    page.locator("#open-session").click()
    expect(page.locator("#session-status")).to_have_text("đang mở", timeout=WAIT)
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)
    world.screens.check(page, "site-session")

    # 1. the camera reads the pass; the presence code is typed from the person's phone
    page.goto("/site/check-in")
    page.locator("#start-camera").click()
    expect(page.get_by_text(f"Thẻ của người {scanned}")).to_be_visible()
    field(page, "check-in", "presence_code").fill(passes[scanned]["presence_code"])
    world.screens.check(page, "site-check-in")
    submit(page, "check-in")
    expect(page).to_have_url(re.compile(r"/site/visits/"))
    expect(page.locator("#ruleset-in-force")).to_contain_text("QD-4355-AMENDED-2021-12-01")
    screen_person(page, NORMAL)
    expect(page.locator("#screening-outcome")).to_contain_text("Đủ điều kiện tiêm")
    world.screens.check(page, "site-visit-screening")
    scanned_visit = page.url

    # 2. a typed code; fever: postponed, and why
    check_in_by_code(page, passes[typed]["qr_token"], passes[typed]["presence_code"])
    screen_person(page, NORMAL | {"vitals.temperature_celsius": "38.6"})
    expect(page.locator("#screening-outcome")).to_contain_text("Tạm hoãn")
    expect(page.locator("#screening-outcome")).to_contain_text("Tạm hoãn đến")
    world.screens.check(page, "site-visit-postponed")
    field(page, "not-administered", "reason").select_option("POSTPONED")
    submit(page, "not-administered")
    expect(page.get_by_text("Không tiêm: Tạm hoãn")).to_be_visible()

    # 3. a vial, its discard time counting down; the first dose
    page.goto("/site/vials")
    field(page, "open-vial", "lot_id").fill(world.lot)
    submit(page, "open-vial")
    expect_done(page, "open-vial")
    expect(page.locator("[data-countdown]")).to_have_count(1)
    expect(page.locator("[data-countdown]")).to_contain_text(re.compile(r"\d:\d\d:\d\d"), timeout=WAIT)
    expect(page.locator("[data-countdown]")).not_to_contain_text("≈")  # the opening's answer: the server's time
    world.screens.check(page, "site-vials")
    page.goto(scanned_visit)
    submit(page, "dose")
    expect(page.get_by_text(re.compile("Theo dõi: còn"))).to_be_visible()
    page.goto("/site/sync")
    expect(page.locator("#pending-count")).to_have_text("0", timeout=WAIT)

    # 4. the network goes away: the app still loads (service worker), work queues on the tablet
    context.set_offline(True)
    page.goto("/site")
    expect(page.locator("#connection")).to_have_text("Ngoại tuyến")
    page.goto("/site/check-in")
    page.get_by_label("Giấy tờ tùy thân").check()
    field(page, "check-in", "document_kind").select_option("CITIZEN_ID")
    field(page, "check-in", "document_number").fill(world.national_ids[by_document])
    field(page, "check-in", "presence_override_reason").fill("Điện thoại hết pin")
    submit(page, "check-in")
    expect(page).to_have_url(re.compile(r"/site/visits/"))
    screen_person(page, NORMAL)
    expect(page.locator("#screening-outcome")).to_contain_text("Máy chủ quyết định")
    submit(page, "dose")
    expect(page.locator("#given-title")).to_be_visible()
    document_visit = page.url
    check_in_by_code(page, passes[feverish]["qr_token"], passes[feverish]["presence_code"])
    screen_person(page, NORMAL, {"ACUTE_ILLNESS": "YES"})
    submit(page, "dose")  # the outcome is not known offline; the service will refuse this dose (INV-20)
    expect(page.locator("#given-title")).to_be_visible()
    page.goto("/site/sync")
    expect(page.locator("#pending-count")).to_have_text("6")
    world.screens.check(page, "site-offline-queue")

    # 5. back online: one device batch, each item once; the dose for the feverish person refused by its rule
    context.set_offline(False)
    expect(page.locator("#pending-count")).to_have_text("0", timeout=WAIT)
    expect(page.locator("#refused-count")).to_have_text("1")
    expect(page.locator("#main table")).to_contain_text("INV-20")
    world.screens.check(page, "site-sync")
    page.locator("#sync-now").click()  # uploading again changes nothing: nothing is pending
    expect(page.locator("#pending-count")).to_have_text("0")
    page.goto(document_visit)
    expect(page.locator("#screening-outcome")).to_contain_text("Đủ điều kiện tiêm", timeout=WAIT)

    # 6. thirty minutes later the observation list says who may go
    page.goto("/site/observation")
    expect(page.locator("[data-remaining]")).to_have_count(2)
    context.clock.fast_forward("31:00")
    expect(page.locator("#observation-alert")).to_contain_text("2 người đã đủ 30 phút")
    world.screens.check(page, "site-observation")
    for _ in range(2):
        page.locator("#main table form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
    expect(page.locator("[data-remaining]")).to_have_count(0, timeout=WAIT)

    # 7. an adverse event, a walk-in, the close with its vial accounting
    page.goto("/site/aefi")
    field(page, "aefi", "symptoms").fill("Sốt nhẹ 37,8 °C\nĐau tại chỗ tiêm")
    submit(page, "aefi")
    expect_done(page, "aefi", "Đã báo cáo")
    world.screens.check(page, "site-aefi")
    page.goto("/site/walk-in")
    for name, value in {"full_name": "Đặng Văn Hùng", "national_id": citizen_id("79", "MALE"),
                        "date_of_birth": "1985-03-14", "phone": "0912345678",
                        "address.address_line": "45 Nguyễn Huệ"}.items():
        field(page, "walk-in", name).fill(value)
    field(page, "walk-in", "sex").select_option("MALE")
    submit(page, "walk-in")
    expect_done(page, "walk-in", "Đã đăng ký với mã")
    page.locator("#walk-in-approve").click()   # the site's standing delegation, for today's session
    expect(page.locator("#main [role=status]", has_text="ủy quyền")).to_be_visible(timeout=WAIT)
    world.screens.check(page, "site-walk-in")
    page.goto("/site/close")
    expect(page.locator("[data-total=wastage]")).to_have_text("8")
    world.screens.check(page, "site-close")
    page.locator("#close-session").click()
    expect(page.locator("#session-closed")).to_be_visible(timeout=WAIT)

    def closed_day_sheet():
        sheet = c.stack.get("immunization", f"/v1/sessions/{world.session_id}/day-sheet", c.site_manager()).json()
        return sheet if sheet["status"] == "CLOSED" and sheet["totals"]["observed"] == 2 else None
    totals = wait_for(closed_day_sheet, timeout=TIMEOUT, what="the closed session's day sheet")["totals"]
    assert {k: totals[k] for k in ("checked_in", "doses_opened", "doses_drawn", "open_vial_wastage")} == {
        "checked_in": 4, "doses_opened": 10, "doses_drawn": 2, "open_vial_wastage": 8}, totals
    # each dose once, whatever was retried: two draws on the streams of the vials the session registered
    assert draws_from_the_sessions_vials(immunization, world.session_id) == 2
    page.locator("header button", has_text="English").click()
    page.goto("/site")
    expect(page.locator("h1")).to_contain_text("Session")
    world.screens.check(page, "site-session-en")
    context.close()


def draws_from_the_sessions_vials(immunization, session_id: str) -> int:
    """``VialDoseDrawn`` events on the streams (one per vial) of the vials in the session's vial register."""
    with psycopg.connect(immunization.database_url) as conn:
        register = conn.execute("SELECT payload FROM events WHERE aggregate_id = %s AND event_type = %s",
                                (f"{session_id}/vials", "vaxtrail.immunization.v1.VialRegistered")).fetchall()
        vials = [events_pb2.VialRegistered.FromString(payload).vial_opening_id for (payload,) in register]
        return conn.execute("SELECT count(*) FROM events WHERE aggregate_id = ANY(%s) AND event_type = %s",
                            (vials, "vaxtrail.immunization.v1.VialDoseDrawn")).fetchone()[0]
