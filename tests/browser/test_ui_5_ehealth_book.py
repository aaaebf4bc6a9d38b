"""The e-health book (/book) in Chromium on a phone-sized screen, against the real services behind the gateway:
a citizen registers themself and their mother, sees the approval and the district, books, moves, cancels and books
again; the site vaccinates the mother (over the API, book_world.py) and the dose, the next dose and the
certificates with their QR show up in the book by themselves - the time from the dose accepted to it showing is
measured and printed (docs/ui.md); the PDF downloads; a reaction is reported with the citizen's token. A
second citizen sees nothing of the first household: the page shows the services' refusal, and every read and
write of the first household's records through the gateway with the second citizen's cookie is refused (403)
by the service that owns it.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import Expect

from tests.e2e.campaign import wait_rows
from tests.integration.registration_support import citizen_id, person_body

from .book_world import Chain
from .harness import Screens, new_context
from .ui import CLIENT, browser_verdict, field, open_verifier, submit

PHONE = {"width": 390, "height": 844}
SEEN_WITHIN = 120_000  # ms: an upper bound for the read models on a loaded machine, not a target
expect = Expect()  # this module's own: each page waits on several services, slow on a loaded 2-core machine
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def chain(world):
    c = world.campaign
    built = Chain(c.api, c.actors)
    built.supply_the_site()
    # registration books from its own read model of allocation's sessions, immunization lists them from its own
    wait_rows(world.stack["registration"], "SELECT count(*) FROM planned_sessions WHERE session_id = ANY(%s)",
              list(built.sessions), expected=2, what="registration to know both sessions")
    wait_rows(world.stack["immunization"], "SELECT count(*) FROM ref_session_plan WHERE session_id = ANY(%s)",
              list(built.sessions), expected=2, what="immunization to list both sessions")
    return built


def phone(browser, world, name: str):
    # a phone's width, not Chromium's mobile emulation: after Screens.check resizes the viewport, an emulated
    # mobile page no longer received clicks where its elements are
    context = new_context(browser, world.gateway, clock_at=world.clock(), viewport=PHONE)
    answer = context.request.post("/auth/dev", data={"role": "citizen", "scopes": ["person:none"], "name": name},
                                  headers=CLIENT)
    assert answer.ok, answer.text()
    return context, context.new_page()


def register(page, relationship: str, body: dict) -> str:
    page.goto("/book/register")
    field(page, "book-register", "relationship").select_option(relationship)
    for name in ("full_name", "national_id", "date_of_birth", "phone"):
        field(page, "book-register", name).fill(body[name])
    field(page, "book-register", "sex").select_option(body["sex"])
    for name in ("province_code", "district_code", "address_line"):
        field(page, "book-register", f"address.{name}").fill(body["address"][name])
    return page.url


def test_a_citizen_follows_their_household_from_registration_to_certificate(world, browser, chain):
    screens = Screens()
    account = f"citizen-{chain.run.lower()}"
    me = person_body("79", "760", full_name="Trần Thị Mai")
    # a parent: the world's vaccine (AstraZeneca) is for adults (INV-24)
    mother = person_body("79", "760", full_name="Lê Thị Hoa", date_of_birth="1958-02-10",
                         national_id=citizen_id("79", "FEMALE", date(1958, 2, 10)))
    context, page = phone(browser, world, account)
    try:
        page.goto("/book")
        expect(page.locator("#book-empty")).to_be_visible()

        register(page, "SELF", me)
        submit(page, "book-register")
        expect(page.locator("#book-status")).to_contain_text("chờ phê duyệt")
        register(page, "PARENT", mother)
        screens.check(page, "book-register")
        submit(page, "book-register")
        expect(page.get_by_role("heading", name="Lê Thị Hoa")).to_be_visible()
        expect(page.locator("#book-appointment")).to_contain_text("Bạn có thể đặt lịch khi đăng ký được phê duyệt")
        parent_id = page.url.rsplit("/", 1)[1]
        screens.check(page, "book-person-pending")

        # the token now names exactly the household registration lists under the account
        household = context.request.get("/api/registration/v1/me/persons").json()["items"]
        assert parent_id in {p["person_id"] for p in household} and len(household) == 2
        scopes = context.request.get("/auth/me").json()["scopes"]
        assert sorted(scopes) == sorted(f"person:{p['person_id']}" for p in household)

        for person in household:
            chain.approve(person["person_id"])
        page.goto("/book")
        expect(page.locator("#household li")).to_have_count(2)
        expect(page.locator("#household")).not_to_contain_text("chờ phê duyệt", timeout=SEEN_WITHIN)
        expect(page.locator("#household")).to_contain_text("DHC-760")
        screens.check(page, "book-household")

        page.get_by_role("link", name="Lê Thị Hoa").click()
        expect(page.locator("#book-district")).to_have_text("DHC-760")
        today, tomorrow = chain.sessions
        field(page, "book-book", "session_id").select_option(today, timeout=SEEN_WITHIN)
        submit(page, "book-book")
        expect(page.locator("#book-appointment-now")).to_contain_text(chain.site)
        booked = page.locator("#book-appointment-now").inner_text()
        page.locator("#book-appointment summary", has_text="Đổi lịch hẹn").click()
        field(page, "book-move", "session_id").select_option(tomorrow)
        submit(page, "book-move")
        expect(page.locator("#book-appointment-now")).not_to_have_text(booked)
        assert appointment(context, parent_id) == tomorrow
        page.locator("#book-appointment summary", has_text="Hủy lịch hẹn").click()
        submit(page, "book-cancel")
        expect(page.locator("#book-book")).to_be_visible()
        field(page, "book-book", "session_id").select_option(today)
        submit(page, "book-book")
        expect(page.locator("#book-appointment-now")).to_contain_text(chain.site)
        assert appointment(context, parent_id) == today
        screens.check(page, "book-appointment")

        chain.vaccinate(parent_id)
        accepted = time.monotonic()
        dose_row = page.locator("#book-doses tbody tr", has_text=chain.lot)
        expect(dose_row).to_be_visible(timeout=SEEN_WITHIN)
        dose_seen = time.monotonic() - accepted
        passes = page.locator("#book-certificates img.qr")
        expect(passes).to_have_count(2, timeout=SEEN_WITHIN)
        certificate_seen = time.monotonic() - accepted
        print(f"\ne-health book: dose accepted -> dose shown {dose_seen:.1f} s, certificate (QR) shown "
              f"{certificate_seen:.1f} s (the page reads again every 3 s)")
        expect(page.locator("#book-pass-national")).to_have_class(re.compile(r"\byellow\b"))
        expect(page.locator("#book-pass-dcc")).to_be_visible()
        expect(page.locator("#book-next-dose")).to_contain_text("Mũi 2")
        for image in passes.all():
            expect(image).to_have_js_property("complete", True)
            assert image.evaluate("img => img.naturalWidth") > 100
        pdf = context.request.get(page.locator("#book-pass-dcc a[download]").get_attribute("href"))
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
        screens.check(page, "book-vaccinated")

        # the pass the book shows, checked offline by the verifier page: accepted as issued, refused when altered
        # (in a profile on the real clock: the book's runs hours behind, before the signed lists were issued)
        record = context.request.get(f"/api/certificate/v1/persons/{parent_id}/record").json()
        hc1 = record["current"]["EU_DCC_HC1"]["qr"]
        checker = new_context(browser, world.gateway)
        try:
            verifier = open_verifier(checker)
            assert browser_verdict(verifier, hc1) == (True, "")
            middle = len(hc1) // 2
            tampered = hc1[:middle] + ("A" if hc1[middle] != "A" else "B") + hc1[middle + 1:]
            valid, reason = browser_verdict(verifier, tampered)
            assert not valid and reason, reason
        finally:
            checker.close()

        page.locator("#book-reaction-link").click()
        field(page, "book-reaction", "symptoms").fill("sốt nhẹ\nđau chỗ tiêm")
        screens.check(page, "book-reaction")
        submit(page, "book-reaction")
        expect(page.locator("#book-reaction .done")).to_be_visible()
        expect(page.locator("#book-reaction-id")).to_contain_text(re.compile(r"\S{6,}"))

        page.goto("/book")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="E-health book")).to_be_visible()
        expect(page.locator("#household")).to_contain_text("approved")
        screens.check(page, "book-household-en")
        page.get_by_role("button", name="Tiếng Việt").click()
    finally:
        context.close()
    chain.parent = parent_id
    world.done.add("book")


def appointment(context, person_id: str) -> str | None:
    """The session of the person's appointment, as registration answers the citizen through the gateway."""
    booked = context.request.get(f"/api/registration/v1/persons/{person_id}").json()["appointment"]
    return booked["session_id"] if booked else None


def test_a_second_citizen_sees_nothing_of_the_first_household(world, browser, chain):
    world.require("book")
    parent_id = chain.parent
    context, page = phone(browser, world, f"citizen-other-{chain.run.lower()}")
    try:
        page.goto("/book")
        expect(page.locator("#book-empty")).to_be_visible()
        page.goto(f"/book/{parent_id}")
        expect(page.locator(".problem")).to_be_visible()
        assert "Lê Thị Hoa" not in page.content()
        scopes = context.request.post("/auth/household", headers=CLIENT).json()["scopes"]
        assert scopes == ["person:none"]  # the account has no one: nothing to widen to
        reads = [f"/api/registration/v1/persons/{parent_id}", f"/api/immunization/v1/persons/{parent_id}/doses",
                 f"/api/immunization/v1/persons/{parent_id}/next-dose", f"/api/certificate/v1/persons/{parent_id}/record",
                 f"/api/certificate/v1/persons/{parent_id}/certificate.png",
                 f"/api/certificate/v1/persons/{parent_id}/certificate.pdf"]
        for path in reads:
            answer = context.request.get(path)
            assert answer.status == 403, f"{path}: {answer.status} {answer.text()[:200]}"
            assert answer.json()["rule"] == "scope" and "Trần" not in answer.text()
        writes = [(f"/api/registration/v1/persons/{parent_id}/appointments/cancellation", {"reason": "not mine"}),
                  ("/api/immunization/v1/aefi", {"person_id": parent_id, "dose_ids": [f"D-{chain.run}"],
                                                 "onset_at": world.business(), "symptoms": ["x"], "serious": False,
                                                 "outcome": "UNKNOWN", "source": "SELF_REPORT"})]
        for path, body in writes:
            answer = context.request.post(path, data=body, headers=CLIENT | {"Idempotency-Key": f"x-{time.time_ns()}"})
            assert answer.status == 403, f"{path}: {answer.status} {answer.text()[:200]}"
        # and the first household is as it was: still booked
        assert chain.api.get("registration", f"/v1/persons/{parent_id}", chain.actors.citizen(parent_id)).expect(
            200)["appointment"]["session_id"] == chain.sessions[0]
    finally:
        context.close()
