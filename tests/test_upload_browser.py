"""A family uploads a 30 MB scan in real Chromium, straight to the S3 test server, in 5 MiB parts."""

import os

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from requests_app.models import Document, DocumentStatus

from .factories import CompleteDraftFactory
from .test_browser_intake import CHROMIUM_ARGS
from .upload_samples import MiB, dicom_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def browser_with_draft(playwright, live_server, draft):
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )
    session = SessionStore()
    session["draft_id"] = draft.pk
    session["link_offered"] = True
    session.save()
    context = browser.new_context()
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    return browser, context


def test_family_uploads_a_30_mb_scan_in_parts_to_s3_and_sees_it_on_the_review_page(
    live_server, s3_server, s3_storage, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000001"
    scan.write_bytes(dicom_bytes(30 * MiB - 64 * 1024))  # just under 30 MiB: six 5 MiB parts

    with sync_playwright() as playwright:
        browser, context = browser_with_draft(playwright, live_server, draft)
        page = context.new_page()
        part_puts = []
        page.on("request", lambda r: part_puts.append(r.url) if r.method == "PUT" else None)
        page.goto(f"{live_server.url}/request/records/")
        expect(page.get_by_role("heading", name="Medical records")).to_be_visible()

        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        row = page.locator("[data-category='scans'] .upload-item")
        expect(row.locator("[data-state]")).to_contain_text("Uploaded", timeout=90_000)
        bars = page.locator(".upload-item [role='progressbar'], .upload-overall [role='progressbar']")
        assert bars.count() == 2  # the file's own bar and the overall bar
        for i in range(bars.count()):
            expect(bars.nth(i)).to_have_attribute("aria-valuenow", "100")
        expect(page.locator("[name='scans_availability'][value='uploaded']")).to_be_checked()

        page.get_by_role("button", name="Save and continue", exact=True).click()
        expect(page.get_by_role("heading", name="Consent")).to_be_visible()
        page.goto(f"{live_server.url}/request/review/")
        records = page.locator("section", has=page.get_by_role("heading", name="Medical records"))
        expect(records).to_contain_text("IM000001 (31.4 MB)")
        expect(records).to_contain_text("MR · 2024-03-02 · BRAIN W/WO CONTRAST")
        browser.close()

    assert len(set(part_puts)) == 6 and all(url.startswith(s3_server) for url in part_puts)
    document = Document.objects.get()
    assert document.status == DocumentStatus.UPLOADED and document.stored_size == scan.stat().st_size
