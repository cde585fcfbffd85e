"""The browser upload client's texts (static/js, through Django's JavaScriptCatalog) follow the page's
language: Spanish on Spanish pages, English on English ones, with the catalog complete."""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from requests_app import family_session

from . import po_catalog
from .browsers import PolicyViolations, launch_chromium, playwright_session
from .factories import DraftFactory
from .upload_samples import dicom_bytes


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as mp, playwright_session() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(p)
        yield browser
        browser.close()


def upload_a_scan(browser, live_server, settings, tmp_path, language):
    """Uploads a DICOM file on the records step in ``language``; the page, the CSP watcher and the row."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "m"}},
    }
    scan = tmp_path / "IM000001"
    scan.write_bytes(dicom_bytes())
    session = SessionStore()
    family_session.attach_draft(session, DraftFactory(), link_offered=True)
    session.save()
    violations = PolicyViolations()
    context = violations.new_context(browser, viewport={"width": 1024, "height": 900})
    cookies = [
        {"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key},
        {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language},
    ]
    context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
    page = context.new_page()
    page.goto(f"{live_server.url}/request/records/")
    page.locator("[data-category='scans'] [data-file-input]").set_input_files(str(scan))
    return page, violations, page.locator("[data-category='scans'] .upload-item")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_files_row_is_spanish_on_a_spanish_page(browser, live_server, settings, tmp_path):
    page, violations, row = upload_a_scan(browser, live_server, settings, tmp_path, "es")
    expect(row.locator("[data-state]")).to_have_text(re.compile(r"^Cargado( · |$)"), timeout=30_000)
    expect(row.locator("[data-remove]")).to_have_text("Quitar")
    expect(row.locator("[data-remove]")).to_have_attribute("aria-label", "Quitar IM000001")
    expect(row.locator("[data-replace]")).to_contain_text("Reemplazar")
    expect(page.locator("[data-overall-text]")).to_contain_text("Se cargaron todos los archivos (1, ")
    expect(page.locator("[data-category='scans'] [data-upload-announcer]")).to_have_text("IM000001: Cargado")
    page.context.close()
    violations.assert_none()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_files_row_stays_english_on_an_english_page(browser, live_server, settings, tmp_path):
    page, violations, row = upload_a_scan(browser, live_server, settings, tmp_path, "en")
    expect(row.locator("[data-state]")).to_have_text(re.compile(r"^Uploaded( · |$)"), timeout=30_000)
    expect(row.locator("[data-remove]")).to_have_text("Remove")
    expect(page.locator("[data-overall-text]")).to_contain_text("All 1 file(s) uploaded")
    page.context.close()
    violations.assert_none()


def test_every_upload_client_text_has_a_spanish_translation():
    """No entry of djangojs.po is untranslated or fuzzy (a fuzzy one would show English in the browser)."""
    entries = list(po_catalog.entries("es", domain="djangojs"))
    assert len(entries) > 40
    for entry in entries:
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        assert translations and all(translations), f"untranslated: {entry['msgid']!r}"
        assert "fuzzy" not in entry["flags"], f"fuzzy: {entry['msgid']!r}"
