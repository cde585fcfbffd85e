"""A file whose upload failed on a server error gets a Retry button, and the overall bar never hides it."""

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from requests_app import family_session
from requests_app.models import Document, DocumentStatus

from .browsers import launch_chromium, playwright_session
from .factories import CompleteDraftFactory
from .upload_client import store_records_locally
from .upload_samples import dicom_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_sync_orm_under_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def records_page(playwright, live_server, draft):
    browser = launch_chromium(playwright)
    session = SessionStore()
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    context = browser.new_context()
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/request/records/")
    return browser, page


def fail_first_call(page, pattern):
    """Answer the first request matching ``pattern`` with a 500, as a locked database did; let the rest through."""
    calls = []

    def handler(route):
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")
        else:
            route.continue_()

    page.route(pattern, handler)
    return calls


@pytest.mark.parametrize("failing_call", ["**/uploads/start/", "**/uploads/*/complete/"])
def test_a_failed_file_shows_retry_and_the_overall_bar_counts_it_until_retried(
    live_server, settings, tmp_path, failing_call
):
    store_records_locally(settings, tmp_path / "m")
    draft = CompleteDraftFactory(scans_availability="")
    files = []
    for name in ("IM000001", "IM000002"):
        files.append(tmp_path / name)
        files[-1].write_bytes(dicom_bytes(4096))

    with playwright_session() as playwright:
        browser, page = records_page(playwright, live_server, draft)
        calls = fail_first_call(page, failing_call)
        page.locator("[data-category='scans'] [data-file-input]").set_input_files([str(f) for f in files])
        overall = page.locator(".upload-overall [data-overall-text]")
        expect(overall).to_contain_text("1 of 2 file(s) failed to upload (1 uploaded)", timeout=30_000)
        expect(overall).not_to_contain_text("All")
        failed_row = page.locator(".upload-item.border-danger")
        expect(failed_row.locator("[data-state]")).to_contain_text("Press Retry")
        assert page.locator(".upload-overall [role=progressbar]").get_attribute("aria-valuenow") != "100"

        failed_row.get_by_role("button", name="Retry").click()
        expect(overall).to_contain_text("All 2 file(s) uploaded", timeout=30_000)
        expect(page.locator(".upload-item [data-state]", has_text="Uploaded")).to_have_count(2)
        expect(page.get_by_role("button", name="Retry")).to_have_count(0)
        browser.close()

    assert len(calls) >= 2
    assert Document.objects.filter(request=draft, status=DocumentStatus.UPLOADED).count() == 2
    assert not Document.objects.filter(request=draft).exclude(status=DocumentStatus.UPLOADED).exists()
