"""The embedded default (SQLite, local files, in-process tasks) under the load one family and a few others make.

On SQLite's defaults, simultaneous writers failed at once with "database is locked" (HTTP 500): a CD
folder lost files, and 3 of 4 simultaneous submits failed. The server here is `manage.py runserver` as
`make run` starts it, on a SQLite file of its own.
"""

import re
import threading

import pytest
import requests

from .browsers import launch_chromium, playwright_session
from .embedded_server import EmbeddedServer
from .upload_samples import dicom_bytes

CSRF = "embeddeddefaulttestcsrfsecret012"  # 32 characters: Django accepts the unmasked secret as the token


@pytest.fixture
def embedded_server(tmp_path):
    server = EmbeddedServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def embedded_gunicorn(tmp_path):
    server = EmbeddedServer(tmp_path, server="gunicorn").start()
    yield server
    server.stop()


def browser_session(server, session_key):
    http = requests.Session()
    http.cookies.set("sessionid", session_key)
    http.cookies.set("csrftoken", CSRF)
    return http


def test_four_simultaneous_submits_on_sqlite_all_succeed(embedded_server):
    sessions = [browser_session(embedded_server, key) for key in embedded_server.seed_drafts(4)]
    barrier = threading.Barrier(len(sessions))
    statuses = {}

    def submit(index, http):
        barrier.wait()
        response = http.post(
            f"{embedded_server.url}/request/submit/",
            data={"csrfmiddlewaretoken": CSRF},
            headers={"X-CSRFToken": CSRF},
            allow_redirects=False,
            timeout=60,
        )
        statuses[index] = (response.status_code, response.headers.get("Location", ""))

    threads = [threading.Thread(target=submit, args=(i, http)) for i, http in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == {i: (302, "/request/submitted/") for i in range(4)}, embedded_server.server_log()[-3000:]
    references = set()
    for http in sessions:
        page = http.get(f"{embedded_server.url}/request/submitted/", timeout=30).text
        references.update(re.findall(r"data-reference>(SO-[A-Z0-9-]+)<", page))
    assert len(references) == 4


@pytest.mark.browser
def test_a_cd_folder_of_400_files_uploads_on_sqlite_with_no_server_error(embedded_gunicorn, tmp_path, monkeypatch):
    embedded_server = embedded_gunicorn
    # Playwright's sync API runs an event loop in this thread; the test itself reads no database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    folder = tmp_path / "CD" / "DICOM"
    folder.mkdir(parents=True)
    for number in range(400):
        (folder / f"IM{number:06d}").write_bytes(dicom_bytes(2048))
    (session_key,) = embedded_server.seed_drafts(1, scans_availability="")

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session_key, "url": embedded_server.url}])
        page = context.new_page()
        server_errors = []
        page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
        page.goto(f"{embedded_server.url}/request/records/")
        page.locator("[data-category='scans'] [data-folder-input]").set_input_files(str(tmp_path / "CD"))
        overall = page.locator(".upload-overall [data-overall-text]")
        overall.filter(has_text=re.compile(r"All 400 file\(s\) uploaded|failed to upload")).wait_for(timeout=120_000)
        overall_text = overall.inner_text()
        uploaded_rows = page.locator(".upload-item [data-state]", has_text="Uploaded").count()
        browser.close()

    assert server_errors == []
    assert "All 400 file(s) uploaded" in overall_text
    assert uploaded_rows == 400
    stored = embedded_server.query(
        "from requests_app.models import Document\n"
        "print('UPLOADED', Document.objects.filter(status='uploaded').count())"
    )
    assert "UPLOADED 400" in stored
