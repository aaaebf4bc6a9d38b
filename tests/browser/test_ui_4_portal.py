"""The public information portal (/portal, /portal/sites, no sign-in) in Chromium, through the gateway: the
figures on the page are the services' public figures (read through the same gateway, without a token), no
person's id or national ID is anywhere on the page, and the site finder finds a site by words without accents.
The gateway lets the public routes through without a token; every other route is still refused (401).
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from .harness import Screens, new_context

PUBLIC = ("/api/inventory/v1/public/figures", "/api/inventory/v1/public/sites", "/api/registration/v1/public/figures",
          "/api/immunization/v1/public/figures", "/api/immunization/v1/public/coverage",
          "/api/allocation/v1/public/figures", "/api/immunization/v1/public/sessions")
PRIVATE = ("/api/inventory/v1/locations", "/api/registration/v1/provinces/79/approval-queue",
           "/api/immunization/v1/reports/doses", "/api/immunization/v1/districts/760/overdue-doses",
           "/api/allocation/v1/allocation-plans")


def vi_number(cell) -> str:
    return f"{cell:,}".replace(",", ".") if isinstance(cell, int) else str(cell)


@pytest.mark.parametrize("path", PUBLIC)
def test_the_gateway_lets_a_public_route_through_without_a_token(world, path):
    answer = requests.get(world.gateway.url(path), timeout=15)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize("path", PRIVATE)
def test_the_gateway_still_refuses_every_other_route_without_a_token(world, path):
    answer = requests.get(world.gateway.url(path), timeout=15)
    assert answer.status_code == 401, f"{path}: {answer.status_code} {answer.text[:200]}"
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_the_portal_shows_the_services_figures_and_finds_a_site_without_sign_in(world, browser):
    gateway = world.gateway
    context = new_context(browser, gateway)  # no sign-in
    screens = Screens()
    try:
        page = context.new_page()
        page.goto("/portal")
        totals = page.locator("#portal-totals")
        expect(totals).to_be_visible()
        expect(page.locator("#chart-doses-by-day svg[role=img]")).to_have_count(1)
        inventory = requests.get(gateway.url(PUBLIC[0]), timeout=15).json()["total"]
        registration = requests.get(gateway.url(PUBLIC[2]), timeout=15).json()["total"]
        doses = requests.get(gateway.url(PUBLIC[3]), timeout=15).json()["total"]
        allocated = requests.get(gateway.url(PUBLIC[5]), timeout=15).json()["total"]
        assert isinstance(inventory["received"], int) and inventory["received"] >= 1_000  # the world's receipt
        for label, cell in (("Vắc xin đã nhận", inventory["received"]), ("Người đã đăng ký", registration["registered"]),
                            ("Liều đã tiêm", doses["doses"]), ("Đã phân bổ", allocated["allocated"]),
                            ("Đã xuất cấp", allocated["released"])):
            expect(totals.locator("div", has_text=label).locator("dd")).to_have_text(vi_number(cell))
        html = page.content()
        for person in [*world.people, world.rejected]:
            assert person not in html and world.national_ids[person] not in html
        screens.check(page, "portal")

        page.get_by_role("link", name="Tìm điểm tiêm").click()
        expect(page.locator("#sites-count")).to_be_visible()
        page.get_by_label("Tên điểm tiêm").fill("diem tiem quan 1")
        page.locator("#sites-search").click()
        expect(page.locator("#portal-sites tbody")).to_contain_text("Điểm tiêm 1 Quận 1")
        expect(page.locator("#sites-count")).to_have_text(re.compile(r"^Tìm thấy \d+ điểm tiêm$"))
        expect(page.locator("#portal-sites thead")).to_contain_text("Buổi tiêm tiếp theo")
        screens.check(page, "portal-sites")
    finally:
        context.close()
