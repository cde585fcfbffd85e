"""A new staff member's first sign-in in real Chromium: the QR enrolment, a wrong code refused, the app's
code accepted, the request list; later a backup code signs in once."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .browsers import PolicyViolations, launch_chromium, playwright_session
from .staff import COORDINATOR, PASSWORD, current_code, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, url, code=""):
    page.goto(f"{url}/staff/")
    page.get_by_label("Username").fill("nina.new")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Log in").click()


def other_code(device):
    return f"{(int(current_code(device)) + 1) % 10**6:06d}"


def test_new_staff_member_enrols_with_the_qr_code_and_signs_in_with_codes(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    make_staff(COORDINATOR, username="nina.new")
    waiting = make_submitted(child_first_name="Ada", child_last_name="Lark")

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        watch = PolicyViolations()
        page = watch.new_context(browser).new_page()
        sign_in(page, live_server.url)  # the first sign-in: password only
        expect(page.locator("[data-qr-code] svg")).to_be_visible()
        expect(page.locator("#result_list")).to_have_count(0)
        device = TOTPDevice.objects.get(user__username="nina.new", confirmed=False)

        page.get_by_label("Code from your authenticator app").fill(other_code(device))
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator(".errornote")).to_contain_text("does not match")
        device.refresh_from_db()
        device.throttle_reset()

        page.get_by_label("Code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Confirm").click()
        codes = page.locator("[data-backup-codes] code").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
        page.get_by_role("link", name="Continue").click()
        expect(page.locator("#result_list")).to_contain_text(waiting.reference)

        page.context.clear_cookies()
        sign_in(page, live_server.url, other_code(device))
        expect(page.locator(".errornote")).to_contain_text("authentication code")
        expect(page.locator("#result_list")).to_have_count(0)

        sign_in(page, live_server.url, codes[0])
        expect(page.locator("#result_list")).to_contain_text(waiting.reference)
        page.context.clear_cookies()
        sign_in(page, live_server.url, codes[0])  # used up
        expect(page.locator(".errornote")).to_contain_text("authentication code")
        expect(page.locator("#result_list")).to_have_count(0)
        browser.close()
    watch.assert_none()
