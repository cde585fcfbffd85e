"""A coordinator's day in real Chromium: log in, filter, open a request, download a record from S3, ask for
records; then the family opens the emailed link, confirms the birth date and sees what was asked."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from requests_app.models import AuditLogEntry, Status

from .browsers import PolicyViolations, launch_chromium, playwright_session
from .staff import COORDINATOR, PASSWORD, make_document, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN_BYTES = b"\0" * 128 + b"DICM" + b"\x02" * 2048


def test_coordinator_filters_opens_downloads_asks_for_records_and_family_sees_it(
    live_server, s3_storage, s3_client, settings, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    settings.SITE_URL = live_server.url
    make_staff(COORDINATOR, username="cora.coordinator")
    urgent = make_submitted(urgency="urgent", child_first_name="Zoe", child_last_name="Marsh")
    routine = make_submitted(urgency="routine", child_first_name="Ben", child_last_name="Hale")
    document = make_document(urgent, "scans", name="CT_CHEST_001.dcm", size=len(SCAN_BYTES))
    s3_client.put_object(Bucket=s3_storage, Key=document.storage_key, Body=SCAN_BYTES)

    watch = PolicyViolations()
    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        staff = watch.new_context(browser, accept_downloads=True)
        page = staff.new_page()
        page.goto(f"{live_server.url}/staff/")
        page.get_by_label("Username").fill("cora.coordinator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#result_list")).to_contain_text(routine.reference)

        page.locator("#changelist-filter").get_by_role("link", name=re.compile("^Urgent")).click()
        expect(page.locator("#result_list")).to_contain_text(urgent.reference)
        expect(page.locator("#result_list")).not_to_contain_text(routine.reference)
        page.get_by_role("link", name=urgent.reference).click()
        expect(page.locator("[data-reference]")).to_have_text(urgent.reference)
        expect(page.locator("#step-diagnosis")).to_be_visible()

        with page.expect_download() as download_info:
            page.locator(f"[data-document='{document.public_id}'] [data-download]").click()
        download = download_info.value
        # The family's file name stays on the page, out of the link (it often holds the child's name).
        expect(page.locator(f"[data-document='{document.public_id}']")).to_contain_text("CT_CHEST_001.dcm")
        assert download.suggested_filename == f"scans-{document.public_id.hex[:8]}.dcm"
        assert Path(download.path()).read_bytes() == SCAN_BYTES
        assert "X-Amz-Signature=" in download.url  # straight from S3, through a presigned link
        assert "CT_CHEST" not in download.url

        page.locator("[data-transition='request_records']").click()
        page.get_by_label("Biopsy slides").check()
        page.get_by_label("Message to the family").fill("Please send the biopsy slides from the diagnosis.")
        page.get_by_role("button", name="Ask the family for records").click()
        expect(page.locator("[data-status]")).to_have_text("Awaiting records")
        expect(page.locator("#history")).to_contain_text("Please send the biopsy slides")

        (email,) = [m for m in mail.outbox if urgent.reference in m.subject + m.body]
        link = re.search(r"http://[^\s\"<>]+/resume/#t=[\w-]+", email.body).group(0)

        family = watch.new_context(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
        family_page = family.new_page()
        family_page.goto(link)
        family_page.get_by_label("Child's date of birth").fill(urgent.child_birth_date.isoformat())
        family_page.get_by_role("button", name="Continue").click()
        expect(family_page.locator("[data-reference]")).to_have_text(urgent.reference)
        expect(family_page.locator("[data-status]")).to_contain_text("Awaiting records")
        asked = family_page.locator("[data-records-asked]")
        expect(asked).to_contain_text("Biopsy slides")
        expect(asked).to_contain_text("Please send the biopsy slides from the diagnosis.")
        expect(asked.locator("[data-upload-area][data-category='slides']")).to_be_visible()
        browser.close()

    watch.assert_none()
    urgent.refresh_from_db()
    assert urgent.status == Status.AWAITING_RECORDS
    downloads = AuditLogEntry.objects.filter(action=AuditLogEntry.Action.DOWNLOAD_DOCUMENT, document=document)
    assert downloads.count() == 1
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VIEW_REQUEST, request=urgent).exists()
