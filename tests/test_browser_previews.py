"""The coordinator, in real Chromium, sees a DICOM series' preview on the request page, from S3, audited."""

import pytest
from playwright.sync_api import expect

from requests_app import tasks
from requests_app.models import AuditLogEntry, SeriesPreview

from .browsers import launch_chromium, playwright_session
from .preview_records import store_series
from .staff import COORDINATOR, PASSWORD, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_sees_a_series_preview_on_the_request_page(live_server, s3_storage, s3_client, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    make_staff(COORDINATOR, username="cora.coordinator")
    request_obj = make_submitted(child_first_name="Zoe")
    documents = store_series(request_obj, s3_client, s3_storage, count=5, description="AXIAL 5mm", number=3)
    tasks.render_previews(request_obj.pk)
    series_uid = documents[0].metadata["dicom"]["series_uid"]

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(f"{live_server.url}/staff/")
        page.get_by_label("Username").fill("cora.coordinator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name=request_obj.reference).click()

        row = page.locator(f"[data-series='{series_uid}']")
        expect(row).to_contain_text("#3 AXIAL 5mm")
        expect(row.locator("[data-image-count]")).to_have_text("5")
        image = row.get_by_role("img", name="Preview of AXIAL 5mm")
        expect(image).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [64, 64]
        files = row.locator(".series-files")
        expect(files).to_be_hidden()  # the five files wait behind the disclosure
        row.get_by_text("5 files").click()
        expect(files.locator("[data-download]")).to_have_count(5)
        browser.close()

    preview = SeriesPreview.objects.get(request=request_obj)
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VIEW_PREVIEW, document=preview.document).exists()
