"""Family sessions (issue 10 items 4 and 5): bound to the link that opened them, ended when idle, signed out
on request, and kept only for the browser session."""

import pytest
from django.core import mail
from django.test import Client

from requests_app import family_session

from . import links
from .factories import CompleteDraftFactory
from .sessions import open_draft

pytestmark = pytest.mark.django_db


def open_through_link(client, draft, token):
    links.open_link(client, token)
    response = client.post("/resume/confirm/", {"birth_date": draft.child_birth_date.isoformat()})
    assert response.status_code == 302 and response.url.startswith("/request/"), response
    return response.url


def test_a_session_opened_by_a_link_ends_once_a_newer_link_has_been_delivered(
    client, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory()
    step_url = open_through_link(client, draft, links.issue(draft))
    assert client.get(step_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/resume/request-link/", {"email": draft.guardian_email})
    assert len(mail.outbox) == 1

    response = client.get(step_url, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "has been replaced or closed" in page
    assert draft.guardian_name not in page
    assert family_session.draft_id(client.session) is None


def test_a_browser_holding_an_old_link_cannot_give_the_birth_date_after_a_new_link_was_delivered(
    client, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory()
    links.open_link(client, links.issue(draft))  # the old link is open at the birth-date question
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/resume/request-link/", {"email": draft.guardian_email})

    response = client.post("/resume/confirm/", {"birth_date": draft.child_birth_date.isoformat()})
    assert response.status_code == 404
    assert family_session.draft_id(client.session) is None


def test_the_newest_link_keeps_its_session_when_nothing_replaced_it(client):
    draft = CompleteDraftFactory()
    step_url = open_through_link(client, draft, links.issue(draft))
    for _ in range(3):
        assert client.get(step_url).status_code == 200


def test_a_family_session_ends_after_the_idle_time(client, settings):
    settings.FAMILY_SESSION_IDLE_SECONDS = 60
    draft = CompleteDraftFactory()
    open_draft(client, draft)
    assert client.get("/request/child/").status_code == 200
    session = client.session
    session[family_session.LAST_SEEN] -= 61
    session.save()

    response = client.get("/request/child/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "signed out after a while without activity" in response.content.decode()
    assert family_session.draft_id(client.session) is None


def test_activity_within_the_idle_time_keeps_the_session(client, settings):
    settings.FAMILY_SESSION_IDLE_SECONDS = 60
    draft = CompleteDraftFactory()
    open_draft(client, draft)
    client.get("/request/child/")
    session = client.session
    session[family_session.LAST_SEEN] -= 59
    session.save()
    assert client.get("/request/child/").status_code == 200
    assert client.post("/session/keep-alive/").json()["active"] is True


def test_every_family_page_has_a_sign_out_that_ends_the_session_and_says_so(client):
    draft = CompleteDraftFactory()
    open_draft(client, draft)
    for url in ["/request/child/", "/request/review/"]:
        assert 'action="/session/sign-out/"' in client.get(url).content.decode()
    response = client.post("/session/sign-out/", follow=True)
    assert response.redirect_chain == [("/session/signed-out/", 302)]
    assert "You are signed out" in response.content.decode()
    assert client.get("/request/child/").status_code == 302
    assert client.post("/session/keep-alive/").status_code == 401
    assert 'action="/session/sign-out/"' not in client.get("/").content.decode()


def test_the_family_session_cookie_lasts_for_the_browser_session_only(client):
    response = client.post("/request/start/", {"role": "guardian"})
    client.get(response.url)
    response = client.get(response.url)
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert response.status_code == 200


def test_the_idle_warning_is_configured_from_the_settings(client, settings):
    settings.FAMILY_SESSION_IDLE_SECONDS = 1800
    settings.FAMILY_SESSION_WARNING_SECONDS = 60
    open_draft(client, CompleteDraftFactory())
    page = client.get("/request/child/").content.decode()
    assert 'data-idle-seconds="1800"' in page and 'data-warning-seconds="60"' in page
    assert 'role="alertdialog"' in page and "Stay signed in" in page


def test_the_browser_that_asks_for_a_new_link_stays_signed_in_when_it_replaces_the_old_one(
    client, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory()
    step_url = open_through_link(client, draft, links.issue(draft))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/save/", {"action": "send"})
    assert len(mail.outbox) == 1
    assert client.get(step_url).status_code == 200
