"""No answer before the second factor (issue 10 items 6 and 7): a link needs the child's birth date to be
sent or opened, and every answer to it is counted exactly, across browsers at once."""

import re
import threading

import pytest
import requests
from django.core import mail

from requests_app import family_session
from requests_app.models import Notification, ResumeLink

from . import flow, links
from .factories import CompleteDraftFactory, DraftFactory


@pytest.mark.django_db
def test_save_and_continue_later_asks_for_the_birth_date_before_any_link_is_sent(
    client, django_capture_on_commit_callbacks
):
    flow.start(client)
    response = flow.post_step(client, "child", {"child_first_name": "Ana", "child_birth_date": ""}, action="save_later")
    response = client.get(response.url, follow=True)
    assert "Before we can email you a link, we need your child" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    assert response.status_code == 200
    assert mail.outbox == []
    assert not Notification.objects.filter(kind=Notification.Kind.RESUME_LINK).exists()
    assert not ResumeLink.objects.exists()


@pytest.mark.django_db
def test_a_link_to_a_draft_without_a_birth_date_opens_nothing_and_shows_nothing(client):
    draft = DraftFactory(child_first_name="Anastasia", guardian_email="maria.lopez@example.com")
    token = links.issue(draft)  # e.g. sent before this rule existed
    response = links.open_link(client, token)
    page = client.get("/resume/confirm/")
    assert page.status_code == 403
    assert "Anastasia" not in response.content.decode() + page.content.decode()
    assert family_session.draft_id(client.session) is None
    assert client.get("/request/child/").status_code == 302


def _csrf(session, url):
    page = session.get(url, timeout=30)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _browser_at_the_question(base, token):
    browser = requests.Session()
    csrf = _csrf(browser, f"{base}/resume/")
    response = browser.post(f"{base}/resume/", {"code": token, "csrfmiddlewaretoken": csrf})
    assert response.url.endswith("/resume/confirm/"), response.status_code
    return browser, _csrf(browser, f"{base}/resume/confirm/")


@pytest.mark.django_db(transaction=True)
def test_nineteen_browsers_guessing_at_once_get_exactly_the_allowed_number_of_answers(live_server, settings):
    settings.RATE_LIMIT_RESUME = "1000/m"
    settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS = 5
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    browsers = [_browser_at_the_question(live_server.url, token) for _ in range(19)]
    start = threading.Barrier(len(browsers))
    outcomes = []

    def guess(browser, csrf):
        start.wait()
        response = browser.post(
            f"{live_server.url}/resume/confirm/", {"birth_date": "2001-01-01", "csrfmiddlewaretoken": csrf}, timeout=60
        )
        if "does not match our records" in response.text:
            outcomes.append("wrong")
        elif "closed this link" in response.text:
            outcomes.append("closed by this answer")
        else:
            outcomes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for browser, _csrf_token in browsers:
        browser.close()

    assert sorted(map(str, outcomes)) == sorted(["wrong"] * 4 + ["closed by this answer"] + ["404"] * 14)
    link = ResumeLink.objects.get(request=draft)
    assert link.failed_attempts == 5 and link.revoked_at is not None
