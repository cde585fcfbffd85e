"""In real Chromium: an upload whose S3 multipart upload was aborted while the family was away (between a
page reload and choosing the file again) starts over by itself and completes."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect

from requests_app import family_session, uploads
from requests_app.models import Document, DocumentStatus

from .browsers import launch_chromium, playwright_session
from .factories import CompleteDraftFactory
from .upload_samples import MiB, dicom_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_sync_orm_under_playwright(monkeypatch):
    # Playwright's sync API runs an event loop; set per test so no later subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def browser_page_with_draft(playwright, live_server, draft):
    browser = launch_chromium(playwright)
    session = SessionStore()
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    context = browser.new_context()
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    return browser, context.new_page()


def wait_for_stored_parts(s3_client, bucket, document, count):
    key = uploads.get_backend().object_key(document.storage_key)
    for _attempt in range(100):
        parts = s3_client.list_parts(Bucket=bucket, Key=key, UploadId=document.multipart_upload_id)
        if len(parts.get("Parts", [])) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"storage never held {count} parts")


def test_an_upload_aborted_in_storage_while_the_family_was_away_starts_over_and_completes(
    live_server, s3_server, s3_storage, s3_client, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000009"
    scan.write_bytes(dicom_bytes(20 * MiB - 64 * 1024))  # four parts

    with playwright_session() as playwright:
        browser, page = browser_page_with_draft(playwright, live_server, draft)
        page.on("dialog", lambda dialog: dialog.accept())  # "leave the page while uploading?"
        # The connection dies after two parts: parts 3 and 4 never reach storage.
        page.route(
            f"{s3_server}/**",
            lambda route: route.abort() if re.search(r"partNumber=[34]\b", route.request.url) else route.continue_(),
        )
        page.goto(f"{live_server.url}/request/records/")
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Connection problem", timeout=30_000)
        first = Document.objects.get()
        wait_for_stored_parts(s3_client, s3_storage, first, 2)

        page.reload()
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Choose the same file again")
        page.unroute(f"{s3_server}/**")
        # While the family is away, the bucket's lifecycle rule aborts the unfinished upload.
        s3_client.abort_multipart_upload(
            Bucket=s3_storage,
            Key=uploads.get_backend().object_key(first.storage_key),
            UploadId=first.multipart_upload_id,
        )
        sent_after_reload = []
        page.on("request", lambda r: sent_after_reload.append(r.url) if r.method == "PUT" else None)
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))

        expect(page.get_by_text("Paused.")).to_have_count(0, timeout=30_000)  # the stale paused row went
        expect(page.locator(".upload-item")).to_have_count(1)
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Uploaded", timeout=60_000)
        browser.close()

    parts_sent = sorted(int(re.search(r"partNumber=(\d+)", url).group(1)) for url in sent_after_reload)
    assert parts_sent == [1, 2, 3, 4]  # every part, to the fresh upload
    first.refresh_from_db()
    assert first.status == DocumentStatus.REMOVED
    fresh = Document.objects.exclude(pk=first.pk).get()
    assert fresh.status == DocumentStatus.UPLOADED and fresh.stored_size == scan.stat().st_size


def test_an_upload_aborted_in_storage_while_parts_are_being_sent_starts_over_and_completes(
    live_server, s3_server, s3_storage, s3_client, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    scan = tmp_path / "IM000010"
    scan.write_bytes(dicom_bytes(20 * MiB - 64 * 1024))  # four parts

    with playwright_session() as playwright:
        browser, page = browser_page_with_draft(playwright, live_server, draft)
        page.route(
            f"{s3_server}/**",
            lambda route: route.abort() if re.search(r"partNumber=[34]\b", route.request.url) else route.continue_(),
        )
        page.goto(f"{live_server.url}/request/records/")
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.locator(".upload-item [data-state]")).to_contain_text("Connection problem", timeout=30_000)
        first = Document.objects.get()
        wait_for_stored_parts(s3_client, s3_storage, first, 2)
        s3_client.abort_multipart_upload(
            Bucket=s3_storage,
            Key=uploads.get_backend().object_key(first.storage_key),
            UploadId=first.multipart_upload_id,
        )
        page.unroute(f"{s3_server}/**")  # the connection is back, but the upload it was sending is gone

        expect(page.locator(".upload-item [data-state]")).to_contain_text("Uploaded", timeout=90_000)
        expect(page.locator(".upload-item")).to_have_count(1)
        browser.close()

    first.refresh_from_db()
    assert first.status == DocumentStatus.REMOVED
    fresh = Document.objects.exclude(pk=first.pk).get()
    assert fresh.status == DocumentStatus.UPLOADED and fresh.stored_size == scan.stat().st_size
