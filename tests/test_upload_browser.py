"""A family uploads a 30 MB scan in real Chromium, straight to the S3 test server, in 5 MiB parts."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect

from requests_app import family_session
from requests_app.models import Document, DocumentStatus

from .browsers import PolicyViolations, launch_chromium, playwright_session
from .factories import CompleteDraftFactory
from .upload_client import store_records_locally
from .upload_samples import MiB, dicom_bytes, pdf_bytes, zip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_sync_orm_under_playwright(monkeypatch):
    # Playwright's sync API runs an event loop; set per test so no later subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def browser_with_draft(playwright, live_server, draft, watch):
    browser = launch_chromium(playwright)
    session = SessionStore()
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    context = watch.new_context(browser)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    return browser, context


def open_records_step(playwright, live_server, draft, watch):
    """The draft's records step in a fresh browser; the list fills with the URL of every PUT (part) sent."""
    browser, context = browser_with_draft(playwright, live_server, draft, watch)
    page = context.new_page()
    part_puts = []
    page.on("request", lambda r: part_puts.append(r.url) if r.method == "PUT" else None)
    page.goto(f"{live_server.url}/request/records/")
    return browser, page, part_puts


def test_family_uploads_a_30_mb_scan_in_parts_to_s3_and_sees_it_on_the_review_page(
    live_server, s3_server, s3_storage, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000001"
    scan.write_bytes(dicom_bytes(30 * MiB - 64 * 1024))  # just under 30 MiB: six 5 MiB parts

    watch = PolicyViolations()
    with playwright_session() as playwright:
        browser, page, part_puts = open_records_step(playwright, live_server, draft, watch)
        expect(page.get_by_role("heading", name="Medical records")).to_be_visible()

        starts = []
        page.on("request", lambda r: starts.append(r.url) if "/uploads/start/" in r.url else None)
        wrong = tmp_path / "report.pdf"
        wrong.write_bytes(pdf_bytes())
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(wrong))
        expect(page.locator("[data-category='scans'] [data-upload-error]")).to_contain_text(
            "report.pdf is not a type we accept here. Diagnostic scans accepts: DICOM image, ZIP file"
        )
        assert starts == []  # refused before any byte was sent

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

    watch.assert_none()
    assert len(set(part_puts)) == 6 and all(url.startswith(s3_server) for url in part_puts)
    document = Document.objects.get()
    assert document.status == DocumentStatus.UPLOADED and document.stored_size == scan.stat().st_size


def stored_part_numbers(s3_client, bucket, document, wait_for):
    """The part numbers S3 holds, once it holds ``wait_for`` of them (parts still in flight may land late)."""
    for _attempt in range(300):
        parts = s3_client.list_parts(Bucket=bucket, Key=document.storage_key, UploadId=document.multipart_upload_id)
        numbers = [p["PartNumber"] for p in parts.get("Parts", [])]
        if len(numbers) >= wait_for:
            return numbers
        time.sleep(0.2)
    return numbers


def test_upload_cut_off_by_a_reload_continues_from_the_parts_already_stored(
    live_server, s3_server, s3_storage, s3_client, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000002"
    scan.write_bytes(dicom_bytes(20 * MiB - 64 * 1024))  # four parts

    watch = PolicyViolations()
    with playwright_session() as playwright:
        browser, context = browser_with_draft(playwright, live_server, draft, watch)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "leave the page while uploading?"
        # The connection dies after two parts: parts 3 and 4 never reach storage.
        page.route(
            f"{s3_server}/**",
            lambda route: route.abort() if re.search(r"partNumber=[34]\b", route.request.url) else route.continue_(),
        )
        page.goto(f"{live_server.url}/request/records/")
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Connection problem", timeout=30_000)
        document = Document.objects.get()
        # Parts 1 and 2 were sent; on a loaded machine the client may give up on part 2 before it lands.
        stored_before = stored_part_numbers(s3_client, s3_storage, document, wait_for=2)
        assert stored_before and set(stored_before) <= {1, 2}

        page.reload()
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Choose the same file again")
        page.unroute(f"{s3_server}/**")  # only now: the old page's retries must not sneak the parts in
        sent_after_reload = []
        page.on("request", lambda r: sent_after_reload.append(r.url) if r.method == "PUT" else None)
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.get_by_text("Paused.")).to_have_count(0, timeout=30_000)  # the paused row became the live one
        expect(page.locator(".upload-item")).to_have_count(1)
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Uploaded", timeout=60_000)
        browser.close()

    watch.assert_none()
    parts_sent = sorted(int(re.search(r"partNumber=(\d+)", url).group(1)) for url in sent_after_reload)
    assert parts_sent == sorted({1, 2, 3, 4} - set(stored_before))  # only what storage did not hold
    document.refresh_from_db()
    assert document.status == DocumentStatus.UPLOADED and Document.objects.count() == 1


def test_the_same_client_uploads_through_the_local_backends_part_urls(live_server, settings, tmp_path):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    store_records_locally(settings, tmp_path / "m")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000003"
    scan.write_bytes(dicom_bytes(12 * MiB))

    watch = PolicyViolations()
    with playwright_session() as playwright:
        browser, page, part_puts = open_records_step(playwright, live_server, draft, watch)
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Uploaded", timeout=60_000)

        # A ZIP passes the browser's check for scans; the server reads its entries and refuses it.
        unsafe_zip = tmp_path / "cd.zip"
        unsafe_zip.write_bytes(zip_bytes({"DICOM/IM0001": dicom_bytes(), "../../etc/evil": b"x"}))
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(unsafe_zip))
        refused = page.locator(".upload-item", has_text="cd.zip")
        expect(refused.locator("[data-state]")).to_contain_text("outside its folder", timeout=30_000)
        page.reload()
        expect(refused.locator("[data-state]")).to_contain_text("outside its folder")  # still there, with why
        refused.get_by_role("button", name="Remove cd.zip").click()
        expect(refused).to_have_count(0)
        browser.close()

    watch.assert_none()
    assert len(part_puts) == 4 and all("/local-parts/" in url for url in part_puts)  # 3 for the scan, 1 for the ZIP
    document = Document.objects.get(status=DocumentStatus.UPLOADED)
    assert (tmp_path / "m" / document.storage_key).read_bytes() == scan.read_bytes()
