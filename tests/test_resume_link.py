"""Resume links: emailed after the first step, exchanged for a session, guarded by the child's birth date."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from requests_app import tokens
from requests_app.models import SecondOpinionRequest

from . import answers, flow
from .factories import CompleteDraftFactory, SubmittedRequestFactory

pytestmark = pytest.mark.django_db


def link_from(message):
    return re.search(r"http://[^\s\"]+/resume/\?t=[\w-]+", message.body).group(0)


def without_csrf_token(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def path_of(link):
    return link.split("8000", 1)[1] if "8000" in link else link


def test_resume_link_restores_draft_in_new_browser_at_the_step_where_they_stopped(client):
    draft = flow.start(client)
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    flow.post_step(client, "address")
    flow.post_step(client, "guardian", {"guardian_name": "Maria Lopez"}, action="save_later")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria.lopez@example.com"]
    assert "Ana" not in message.body and "Lopez" not in message.subject

    other_browser = Client()
    response = other_browser.get(path_of(link_from(message)))
    assert response.status_code == 302 and response.url == "/resume/confirm/"
    assert "t=" not in response.url

    page = other_browser.get("/resume/confirm/").content.decode()
    assert "Ana" not in page  # nothing saved is shown before the birth date is confirmed
    response = other_browser.post("/resume/confirm/", {"birth_date": answers.child()["child_birth_date"]})
    assert response.status_code == 302 and response.url == "/request/guardian/"
    page = other_browser.get(response.url).content.decode()
    assert 'value="Maria Lopez"' in page
    assert SecondOpinionRequest.objects.get(pk=draft.pk).city == "Wilmington"


def test_wrong_birth_date_is_refused_and_repeated_failures_close_the_link(client):
    draft = CompleteDraftFactory()
    token = tokens.make_token(draft)
    client.get(f"/resume/?t={token}")
    for _ in range(4):
        response = client.post("/resume/confirm/", {"birth_date": "2001-01-01"})
        assert response.status_code == 200
        assert "does not match our records" in response.content.decode()
    response = client.post("/resume/confirm/", {"birth_date": "2001-01-01"})
    assert response.status_code == 403
    assert "not valid or has expired" in response.content.decode()
    assert Client().get(f"/resume/?t={token}").status_code == 404


@pytest.mark.parametrize("token", ["tampered-token", "x" * 43, "", "a" * 500])
def test_a_tampered_or_unknown_token_gets_a_plain_not_valid_page(client, token):
    tokens.make_token(CompleteDraftFactory())
    response = client.get(f"/resume/?t={token}")
    assert response.status_code == 404
    assert "This link is not valid or has expired" in response.content.decode()


def test_an_expired_link_is_not_valid(client):
    draft = CompleteDraftFactory()
    token = tokens.make_token(draft)
    SecondOpinionRequest.objects.filter(pk=draft.pk).update(
        resume_token_created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert client.get(f"/resume/?t={token}").status_code == 404


def test_only_the_token_hash_is_stored(client):
    draft = CompleteDraftFactory()
    token = tokens.make_token(draft)
    draft.refresh_from_db()
    assert token not in draft.resume_token_hash and len(draft.resume_token_hash) == 64
    assert draft.resume_token_hash == tokens.hash_token(token)


def test_a_new_link_invalidates_the_old_one(client):
    draft = CompleteDraftFactory()
    old = tokens.make_token(draft)
    client.post("/resume/request-link/", {"email": draft.guardian_email})
    assert client.get(f"/resume/?t={old}").status_code == 404
    new = link_from(mail.outbox[-1])
    assert Client().get(path_of(new)).status_code == 302


def test_requesting_a_lost_link_does_not_reveal_whether_the_address_has_a_draft(client):
    draft = CompleteDraftFactory(guardian_email="known@example.com", resume_email="known@example.com")
    known = client.post("/resume/request-link/", {"email": "known@example.com"})
    unknown = client.post("/resume/request-link/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # Every page carries the language switch's CSRF token, masked afresh per response: compare without it.
    assert without_csrf_token(client.get(known.url).content) == without_csrf_token(client.get(unknown.url).content)
    assert [m.to for m in mail.outbox] == [["known@example.com"]]
    draft.refresh_from_db()
    assert draft.resume_token_hash


def test_the_resume_link_of_a_submitted_request_opens_it_without_a_new_submission(client):
    submitted = SubmittedRequestFactory()
    token = tokens.make_token(submitted)
    client.get(f"/resume/?t={token}")
    response = client.post("/resume/confirm/", {"birth_date": submitted.child_birth_date.isoformat()})
    assert response.status_code == 302
    assert submitted.reference in client.get(response.url).content.decode()


@override_settings(RATE_LIMIT_RESUME="3/m")
def test_resume_attempts_are_rate_limited(client):
    statuses = [client.get(f"/resume/?t=guess-{i}").status_code for i in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]


@override_settings(RATE_LIMIT_START="2/h")
def test_starting_requests_is_rate_limited(client):
    statuses = [client.post("/request/start/", {"role": "guardian"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert SecondOpinionRequest.objects.count() == 2


def test_a_token_opens_its_request_until_a_newer_one_is_issued_or_it_is_revoked():
    draft = CompleteDraftFactory()
    first = tokens.make_token(draft)
    assert tokens.check_token(first) == draft
    second = tokens.make_token(draft)
    assert tokens.check_token(first) is None
    assert tokens.check_token(second) == draft
    tokens.revoke_token(draft)
    assert tokens.check_token(second) is None
    assert tokens.still_open(draft.pk) is None


@override_settings(RESUME_LINK_MAX_AGE_DAYS=30)
def test_a_token_is_checked_against_its_max_age():
    draft = CompleteDraftFactory()
    token = tokens.make_token(draft)
    issued = SecondOpinionRequest.objects.filter(pk=draft.pk)
    issued.update(resume_token_created_at=timezone.now() - datetime.timedelta(days=29, hours=23))
    assert tokens.check_token(token) == draft
    issued.update(resume_token_created_at=timezone.now() - datetime.timedelta(days=30, minutes=1))
    assert tokens.check_token(token) is None


@override_settings(RESUME_MAX_BIRTH_DATE_ATTEMPTS=3)
def test_too_many_wrong_birth_dates_revoke_the_token_and_a_right_one_resets_the_count():
    draft = CompleteDraftFactory()
    token = tokens.make_token(draft)
    assert tokens.record_wrong_birth_date(draft) is False
    tokens.clear_wrong_birth_dates(draft)
    assert SecondOpinionRequest.objects.get(pk=draft.pk).resume_failed_attempts == 0
    assert [tokens.record_wrong_birth_date(draft) for _ in range(3)] == [False, False, True]
    assert tokens.check_token(token) is None
