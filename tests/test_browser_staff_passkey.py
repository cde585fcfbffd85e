"""A coordinator adds a passkey in real Chromium (a virtual authenticator through the DevTools protocol),
then signs in with the password and the passkey instead of a code."""

import time

import pytest
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from requests_app.models import AuditLogEntry

from .browsers import PolicyViolations, launch_chromium, playwright_session
from .staff import COORDINATOR, PASSWORD, current_code, enrol_app, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def slowly(view_method, seconds=2.0):
    def slow(*args, **kwargs):
        time.sleep(seconds)
        return view_method(*args, **kwargs)

    return slow


def sign_in(page, url, code=""):
    page.goto(f"{url}/staff/")
    page.get_by_label("Username").fill("pat.passkey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_coordinator_adds_a_passkey_and_signs_in_with_it(live_server, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    assert live_server.url.startswith("http://localhost:")  # WebAuthn needs a host name, not an address
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = make_staff(COORDINATOR, username="pat.passkey")
    device = enrol_app(user)
    waiting = make_submitted()

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        watch = PolicyViolations()
        context = watch.new_context(browser)
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("WebAuthn.enable")
        options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True}
        devtools.send(
            "WebAuthn.addVirtualAuthenticator",
            {"options": {**options, "hasUserVerification": True, "isUserVerified": True}},
        )

        sign_in(page, live_server.url, current_code(device))
        expect(page.locator("#result_list")).to_contain_text(waiting.reference)
        page.goto(f"{live_server.url}/staff/two-factor/passkeys/")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.locator("#passkey-register-status-message")).not_to_be_empty()
        page.wait_for_function("() => document.querySelector('#passkey-register-button')?.disabled === false")
        assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1

        context.clear_cookies()
        # A slow translation catalog (as on a loaded server) must not leave the button dead when clicked.
        monkeypatch.setattr(JavaScriptCatalog, "get", slowly(JavaScriptCatalog.get))
        sign_in(page, live_server.url)  # password only: the passkey prompt follows
        expect(page.locator("#result_list")).to_have_count(0)
        page.get_by_role("button", name="Confirm with a passkey").click()
        expect(page.locator("#result_list")).to_contain_text(waiting.reference)
        browser.close()
    watch.assert_none()

    assert AuditLogEntry.objects.filter(user=user, action="login", details__second_factor="passkey").count() == 1
