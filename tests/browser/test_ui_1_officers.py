"""The officers' consoles in a real browser against the real services: a province officer works the approval
queue in bulk and uploads an organisation's CSV; two national administrators take an allocation plan through
four-eyes approval to release; inventory ships it and the province signs the proof of delivery; the district
plans a session and dispenses to it. Every screen is checked by axe-core and photographed (docs/ui.md)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.campaign import CENTRE, NATIONAL, PRESENTATION, SITE
from tests.integration.kafka_helpers import wait_for
from tests.integration.registration_csv import to_csv, valid_row

from .harness import new_context
from .ui import expect_done, field, open_as, sign_in, sign_in_with_the_form, submit
from .world import SESSION_PEOPLE, TIMEOUT, World

WAIT = TIMEOUT * 1000


def test_1_the_province_rejects_one_registration_approves_the_rest_in_bulk_and_uploads_a_csv(world: World, browser):
    c = world.campaign
    context = new_context(browser, world.gateway, clock_at=world.clock())
    page = context.new_page()
    page.goto("/signin")
    field(page, "dev-signin", "role").select_option("province_officer")
    field(page, "dev-signin", "scopes").fill("province:79")
    field(page, "dev-signin", "name").fill("officer-lan")
    world.screens.check(page, "signin")
    sign_in_with_the_form(page, "province_officer", "province:79", "officer-lan")
    expect(page).to_have_url(re.compile(r"/console$"))

    page.goto("/console/approvals")
    everyone = [*world.people, world.rejected]

    def queue_shows(n: int) -> bool:
        submit(page, "queue-filter")
        page.wait_for_load_state("networkidle")
        return all(page.get_by_label(f"Chọn {p}", exact=True).count() for p in everyone[:n])
    wait_for(lambda: queue_shows(len(everyone)), timeout=TIMEOUT, what="7 people in the approval queue")

    page.get_by_label(f"Chọn {world.rejected}", exact=True).check()
    field(page, "bulk", "action").select_option("REJECT")
    field(page, "bulk", "reason").fill("Trùng với hồ sơ đã đăng ký tại phường")
    submit(page, "bulk")
    expect_done(page, "bulk", "1 xong, 0 bị từ chối")
    expect(page.get_by_label(f"Chọn {world.rejected}", exact=True)).to_have_count(0, timeout=WAIT)

    page.locator("#choose-all").check()
    field(page, "bulk", "action").select_option("APPROVE_ASSIGN")
    field(page, "bulk", "district_health_centre_id").select_option(CENTRE)
    submit(page, "bulk")
    expect_done(page, "bulk", f"{SESSION_PEOPLE} xong, 0 bị từ chối")
    world.screens.check(page, "console-approvals")
    for person in world.people:
        record = c.stack.get("registration", f"/v1/persons/{person}", c.citizen(person)).json()
        assert (record["status"], record["district"]["district_health_centre_id"]) == ("APPROVED", CENTRE), record
    assert c.stack.get("registration", f"/v1/persons/{world.rejected}", c.citizen(world.rejected)).json()[
        "status"] == "REJECTED"

    page.goto("/console/uploads")
    rows = [valid_row(3_000 + i, "79", "760") for i in range(3)] + [valid_row(3_100, "79", "760") | {"phone": "0212345678"}]
    field(page, "upload", "organisation_id").fill(f"ORG-UI-{c.run}")
    field(page, "upload", "file").set_input_files(files=[{"name": "nhan-vien.csv", "mimeType": "text/csv",
                                                          "buffer": to_csv(rows)}])
    submit(page, "upload")
    expect_done(page, "upload", "Đã đăng ký 3 người")
    expect(page.locator("[data-count=invalid]")).to_have_text("1")
    expect(page.locator("#main table")).to_contain_text("phone-format")
    world.screens.check(page, "console-uploads")
    context.close()
    world.done.add("approvals")


def test_2_two_national_administrators_take_a_plan_through_four_eyes_approval_to_release(world: World, browser):
    world.require("approvals")
    c = world.campaign
    c.expect_supply(NATIONAL, 1_000)
    context, page = open_as(browser, world, "national_admin", "national", "admin-anh")
    page.goto("/console/plans")
    world.plan_id = f"AP-UI-{c.run}"
    expect(field(page, "draft-plan", "presentation_id").locator(f"option[value='{PRESENTATION}']")).to_have_count(1)
    field(page, "draft-plan", "plan_id").fill(world.plan_id)
    field(page, "draft-plan", "presentation_id").select_option(PRESENTATION)
    field(page, "draft-plan", "lot_ids").fill(world.lot)
    field(page, "draft-plan", "legal_reference").fill(f"QĐ-{c.run}/BYT")
    field(page, "draft-plan", "lines.0.recipient_unit_id").fill("79")
    field(page, "draft-plan", "lines.0.doses").fill("100")
    world.screens.check(page, "console-plans")
    submit(page, "draft-plan")
    expect(page).to_have_url(re.compile(f"/console/plans/{world.plan_id}$"))
    expect(page.locator("#plan-status")).to_contain_text("dự thảo")

    field(page, "submit-plan", "comment").fill("Đợt 1 cho TP. Hồ Chí Minh")
    submit(page, "submit-plan")
    expect(page.locator("#plan-status")).to_contain_text("chờ phê duyệt")
    submit(page, "approve-plan")  # by the one who submitted: refused, and the page says which rule
    expect(page.locator("#approve-plan .problem")).to_contain_text("INV-16")
    world.screens.check(page, "console-plan-four-eyes")

    sign_in(context, "national_admin", "national", "admin-binh")
    page.reload()
    submit(page, "approve-plan")
    expect(page.locator("#plan-status")).to_contain_text("đã phê duyệt")
    submit(page, "release-plan")
    expect(page.locator("#plan-status")).to_contain_text("đã xuất")
    world.screens.check(page, "console-plan")
    plan = c.stack.get("allocation", f"/v1/allocation-plans/{world.plan_id}", c.national()).json()
    assert (plan["status"], plan["submitted_by"], plan["approved_by"]) == ("RELEASED", "admin-anh", "admin-binh")
    assert [(line["recipient_unit_id"], line["released"]) for line in plan["lines"]] == [("79", 100)]

    page.goto("/console/reserves")
    field(page, "availability", "presentation_id").select_option(PRESENTATION)
    submit(page, "availability")
    expect(page.locator("#availability-figures")).to_be_visible()
    world.screens.check(page, "console-reserves")
    context.close()
    world.done.add("plan")


def test_3_the_release_is_shipped_and_the_province_signs_the_proof_of_delivery(world: World, browser):
    world.require("plan")
    c = world.campaign
    world.wait_for_release(world.plan_id)
    plan = c.stack.get("allocation", f"/v1/allocation-plans/{world.plan_id}", c.national()).json()
    context, page = open_as(browser, world, "national_admin", "national", "admin-anh")
    page.goto("/console/inventory/shipments")
    shipment = f"SHP-UI-{c.run}-79"
    for name, value in {"shipment_id": shipment, "to_location_id": "CDC-79", "lines.0.lot_id": world.lot,
                        "lines.0.doses": "100", "allocation_plan_id": world.plan_id,
                        "allocation_line_id": plan["lines"][0]["line_id"]}.items():
        field(page, "dispatch", name).fill(value)
    submit(page, "dispatch")
    expect_done(page, "dispatch")
    world.screens.check(page, "console-shipments")

    sign_in(context, "province_officer", "province:79", "officer-lan")
    page.goto("/console/inventory/shipments")
    expect(page.get_by_role("button", name=shipment)).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name=shipment).click()
    expect(field(page, "delivery", "lines.0.accepted_doses")).to_have_value("100")
    world.screens.check(page, "console-delivery")
    submit(page, "delivery")
    c.expect_stock({NATIONAL: 900, "CDC-79": 100}, "100 doses delivered to the province store")
    context.close()
    world.ship(f"SHP-UI-{c.run}-760", "CDC-79", CENTRE, 100, shipper=c.province(), signer=c.district())
    c.expect_supply(CENTRE, 100)
    world.done.add("shipped")


def test_4_the_district_plans_a_session_at_its_site_and_dispenses_to_it(world: World, browser):
    world.require("shipped")
    c = world.campaign
    context, page = open_as(browser, world, "district_officer", "district:760", "officer-760")
    page.goto("/console/sessions")
    expect(field(page, "plan-session", "site_id").locator(f"option[value='{SITE}']")).to_have_count(1)
    field(page, "plan-session", "site_id").select_option(SITE)
    field(page, "plan-session", "presentation_id").select_option(PRESENTATION)
    world.session_id = field(page, "plan-session", "session_id").input_value()
    submit(page, "plan-session")
    expect_done(page, "plan-session", world.session_id)
    field(page, "dispense", "lines.0.lot_id").fill(world.lot)
    field(page, "dispense", "lines.0.doses").fill("30")
    field(page, "dispense", "lines.0.vials").fill("3")
    submit(page, "dispense")
    expect_done(page, "dispense")
    field(page, "supply", "presentation_id").select_option(PRESENTATION)
    submit(page, "supply")
    world.screens.check(page, "console-sessions")
    context.close()
    world.wait_for_dispensation(world.session_id)
    world.ship(f"SHP-{world.session_id}", CENTRE, SITE, 30, session=world.session_id, shipper=c.district(),
               signer=c.site_manager())
    wait_for(lambda: c.stock(SITE) >= 30, timeout=TIMEOUT, what="30 doses at the site")
    world.done.add("session")


def test_5_the_inventory_console_shows_stock_and_puts_a_refusal_next_to_its_field(world: World, browser):
    world.require("plan")
    context, page = open_as(browser, world, "national_admin", "national", "admin-anh")
    page.goto("/console/inventory/stock")
    submit(page, "stock")
    expect(page.locator("#main table").first).to_contain_text(world.lot)
    submit(page, "near-expiry")
    world.screens.check(page, "console-inventory-stock")

    page.goto("/console/inventory/receipts")
    for name, value in {"lot_id": world.lot, "presentation_id": PRESENTATION, "doses": "105", "vials": "10",
                        "shipment_reference": "COVAX-SHORT"}.items():
        field(page, "receipt", name).fill(value)
    submit(page, "receipt")  # 105 doses are not whole 10-dose vials: INV-2, shown at the field it names
    expect(page.locator("#receipt .field-error").first).to_contain_text("INV-2")
    world.screens.check(page, "console-inventory-receipts")
    for tab in ("counts", "cold-chain", "lots"):
        page.goto(f"/console/inventory/{tab}")
        page.locator("#main form").first.wait_for()
        world.screens.check(page, f"console-inventory-{tab}")
    context.close()
