"""Chromium computes each part's CRC32 and the real S3 (RGW) checks it: the browser's checksum code is
right byte for byte, and the document records the object's checksum."""

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect

from requests_app import family_session
from requests_app.models import Document, DocumentStatus

from .browsers import launch_chromium, playwright_session
from .factories import CompleteDraftFactory
from .upload_client import crc32_b64
from .upload_samples import MiB, dicom_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _allow_sync_orm_under_playwright(monkeypatch):
    # Playwright's sync API runs an event loop; set per test so no later subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_browsers_part_checksums_are_accepted_by_rgw_and_recorded(
    live_server, rgw_server, rgw_storage, rgw_client, settings, tmp_path
):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.SITE_URL = live_server.url
    call_command("configure_bucket")
    draft = CompleteDraftFactory(scans_availability="")
    data = dicom_bytes(12 * MiB)  # three parts, the last one short
    scan = tmp_path / "IM000001"
    scan.write_bytes(data)

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        session = SessionStore()
        family_session.attach_draft(session, draft, link_offered=True)
        session.save()
        context = browser.new_context()
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
        )
        page = context.new_page()
        sent = []
        page.on("request", lambda r: sent.append(r.headers) if r.method == "PUT" else None)
        page.goto(f"{live_server.url}/request/records/")
        page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
        expect(page.locator("[data-category='scans'] .upload-item [data-state]")).to_contain_text(
            "Uploaded", timeout=90_000
        )
        browser.close()

    assert len(sent) == 3 and all(headers["x-amz-sdk-checksum-algorithm"] == "CRC32" for headers in sent)
    part = 5 * MiB
    expected = {crc32_b64(data[start : start + part]) for start in range(0, len(data), part)}
    assert {headers["x-amz-checksum-crc32"] for headers in sent} == expected  # the JavaScript CRC32 is zlib's
    document = Document.objects.get()
    assert document.status == DocumentStatus.UPLOADED
    parts = rgw_client.list_objects_v2(Bucket=rgw_storage)["Contents"]
    assert [p["Key"] for p in parts] == [document.storage_key]
    assert document.checksum.startswith("CRC32 ") and document.checksum.endswith("-3")
    assert rgw_client.get_object(Bucket=rgw_storage, Key=document.storage_key)["Body"].read() == data
