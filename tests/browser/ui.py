"""Small moves the browser tests make through the app's own screens."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .harness import new_context

CLIENT = {"X-VaxTrail-Client": "web"}


def open_as(browser, world, role: str, scope: str, name: str, **options):
    """A fresh browser profile on the world's clock, signed in as ``name``; returns (context, page)."""
    context = new_context(browser, world.gateway, clock_at=world.clock(), **options)
    sign_in(context, role, scope, name)
    return context, context.new_page()


def sign_in(context, role: str, scope: str, name: str) -> None:
    """Sign a browser profile in through the gateway's development sign-in (the form does the same)."""
    answer = context.request.post("/auth/dev", data={"role": role, "scopes": [scope], "name": name}, headers=CLIENT)
    assert answer.ok, answer.text()


def sign_in_with_the_form(page: Page, role: str, scope: str, name: str) -> None:
    page.goto("/signin")
    page.get_by_label(re.compile("^(Vai trò|Role)")).select_option(role)
    page.get_by_label(re.compile("^(Phạm vi|Scopes)")).fill(scope)
    page.get_by_label(re.compile("^(Tên|Name)")).fill(name)
    page.get_by_role("button", name=re.compile("^(Đăng nhập|Sign in)$")).click()


def field(page: Page, form: str, name: str):
    """The input of a form field, by the body field it fills (``vitals.temperature_celsius``)."""
    return page.locator(f"#{form}-{re.sub(r'[^A-Za-z0-9_-]', '-', name)}")


def submit(page: Page, form: str) -> None:
    page.locator(f"#{form} button[type=submit]").click()


def expect_done(page: Page, form: str, text: str | re.Pattern | None = None) -> None:
    done = page.locator(f"#{form} .done")
    expect(done).to_be_visible()
    if text is not None:
        expect(done).to_contain_text(text)


def browser_verdict(page, text: str) -> tuple[bool, str]:
    """The verifier page's verdict on ``text`` (valid, rejection reason), once the page has checked it."""
    done = int(page.locator("#verifier").get_attribute("data-checks") or 0)
    page.fill("#certificate-text", text)
    page.click("#verify")
    expect(page.locator(f"#verifier[data-checks='{done + 1}']")).to_have_count(1)
    verdict = page.locator("#verdict")
    return verdict.get_attribute("data-valid") == "true", verdict.get_attribute("data-reason") or ""


def open_verifier(context):
    """The verifier page (/verify) in a new tab of ``context``, once its trust and revocation lists are loaded."""
    page = context.new_page()
    page.goto("/verify")
    expect(page.locator("#verifier[data-ready=true]")).to_have_count(1, timeout=60_000)  # lists fetched and checked
    return page
