"""Resume links and family sessions in real Chromium (issue 10 items 4 and 11): the token never reaches a
server (not in any request URL, not in gunicorn's access log); the idle warning is an accessible dialog
whose "Stay signed in" keeps the session; what was typed survives the sign-out in the same tab."""

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from requests_app.models import SecondOpinionRequest
from tests.fixtures.celery_worker import database_url_for
from tests.fixtures.portal_server import ROOT, PortalServer

from . import links
from .browsers import launch_chromium, playwright_session
from .factories import CompleteDraftFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as mp, playwright_session() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def portal(tmp_path, smtp_server, mailbox):
    """The portal under gunicorn with the project's gunicorn.conf.py, on the test database, mailing the test server."""
    from django.db import connection

    server = PortalServer(
        tmp_path,
        DATABASE_URL=database_url_for(connection.settings_dict["NAME"]),
        EMAIL_URL=smtp_server.url,
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # Without DEBUG, WhiteNoise serves collected files only: the page scripts under test must be there.
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env=server.env, check=True, timeout=120)
    server.start()
    yield server
    server.stop()


def confirm_birth_date(page, draft):
    page.wait_for_url("**/resume/confirm/")
    page.get_by_label("Child's date of birth").fill(draft.child_birth_date.isoformat())
    page.get_by_role("button", name="Continue").click()


def test_the_token_never_reaches_a_request_url_or_the_access_log(browser, portal, mailbox):
    draft = CompleteDraftFactory(guardian_email="maria.lopez@example.com")
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{portal.url}/resume/request-link/")
    page.get_by_label("Your email address").fill("maria.lopez@example.com")
    page.get_by_role("button", name="Send me a link").click()
    (message,) = mailbox.wait_for("maria.lopez@example.com")
    token = links.token_in(message.text)
    assert "?t=" not in message.text + message.html

    page.goto(f"{portal.url}/resume/#t={token}")
    confirm_birth_date(page, draft)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert token not in page.url
    page.goto(f"{portal.url}/?q=Quinterro")  # a query string, as a staff search would have

    # Without JavaScript the family pastes the whole link into the same page.
    no_script = browser.new_context(java_script_enabled=False)
    pasted = no_script.new_page()
    pasted.on("request", lambda request: requested.append(request.url))
    pasted.goto(f"{portal.url}/resume/")
    pasted.get_by_label("The link or code from your email").fill(f"{portal.url}/resume/#t={token}")
    pasted.get_by_role("button", name="Continue").click()
    expect(pasted.get_by_role("heading", name="Welcome back")).to_be_visible()

    assert requested and not [url for url in requested if token in url]
    log = portal.log()
    assert '"POST /resume/ HTTP/1.1" 302' in log  # the access log is on, in the configured format
    assert token not in log and "Quinterro" not in log and "?q=" not in log
    context.close()
    no_script.close()


def test_idle_warning_dialog_keeps_the_session_and_typed_answers_survive_the_sign_out(live_server, browser, settings):
    settings.FAMILY_SESSION_IDLE_SECONDS = 8
    settings.FAMILY_SESSION_WARNING_SECONDS = 5
    draft = CompleteDraftFactory(child_first_name="Ana")
    token = links.issue(draft)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/resume/#t={token}")
    confirm_birth_date(page, draft)
    page.goto(f"{live_server.url}/request/child/")

    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=8000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Tab")  # focus stays inside the dialog
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(4000)  # past the first deadline: the keep-alive moved it
    assert "/request/child/" in page.url

    page.locator("[name='child_first_name']").fill("Anabel typed this")
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible(timeout=15000)
    assert SecondOpinionRequest.objects.get(pk=draft.pk).child_first_name == "Ana"

    page.goto(f"{live_server.url}/resume/#t={token}")
    confirm_birth_date(page, draft)
    page.goto(f"{live_server.url}/request/child/")
    expect(page.locator("[name='child_first_name']")).to_have_value("Anabel typed this")
    context.close()
