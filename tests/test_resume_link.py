"""Resume links: emailed after the child's step, exchanged for a session, guarded by the child's birth date."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from requests_app import family_session, tokens
from requests_app.models import ResumeLink, SecondOpinionRequest

from . import answers, flow, links
from .factories import CompleteDraftFactory, SubmittedRequestFactory

pytestmark = pytest.mark.django_db


def without_csrf_token(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_resume_link_restores_draft_in_new_browser_at_the_step_where_they_stopped(
    client, django_capture_on_commit_callbacks
):
    draft = flow.start(client)
    flow.post_step(client, "child")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    flow.post_step(client, "address")
    flow.post_step(client, "guardian", {"guardian_name": "Maria Lopez"}, action="save_later")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria.lopez@example.com"]
    assert "Ana" not in message.body and "Lopez" not in message.subject
    assert "?t=" not in message.body and "/resume/#t=" in message.body

    other_browser = Client()
    assert "Ana" not in other_browser.get("/resume/").content.decode()
    response = links.open_link(other_browser, links.token_in(message.body))
    assert response.status_code == 302 and response.url == "/resume/confirm/"

    page = other_browser.get("/resume/confirm/").content.decode()
    assert "Ana" not in page  # nothing saved is shown before the birth date is confirmed
    response = other_browser.post("/resume/confirm/", {"birth_date": answers.child()["child_birth_date"]})
    assert response.status_code == 302 and response.url == "/request/guardian/"
    page = other_browser.get(response.url).content.decode()
    assert 'value="Maria Lopez"' in page
    assert SecondOpinionRequest.objects.get(pk=draft.pk).city == "Wilmington"


def test_wrong_birth_date_is_refused_and_repeated_failures_close_the_link(client):
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    links.open_link(client, token)
    for _ in range(4):
        response = client.post("/resume/confirm/", {"birth_date": "2001-01-01"})
        assert response.status_code == 200
        assert "does not match our records" in response.content.decode()
    response = client.post("/resume/confirm/", {"birth_date": "2001-01-01"})
    assert response.status_code == 403
    assert "not valid or has expired" in response.content.decode()
    assert links.open_link(Client(), token).status_code == 404


@pytest.mark.parametrize("code", ["tampered-token", "x" * 43, "", "a" * 500, "\x00\u202e", "https://x/resume/#t="])
def test_a_tampered_or_unknown_code_gets_a_plain_answer_never_an_error(client, code):
    links.issue(CompleteDraftFactory())
    response = links.open_link(client, code)
    assert response.status_code in (200, 400, 404)  # 400: a NUL is refused before any view (input_guard)
    assert family_session.resume_candidate_id(client.session) is None
    assert client.get("/resume/confirm/").status_code == 404


def test_the_whole_pasted_link_opens_like_the_code(client):
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    response = client.post("/resume/", {"code": f"  https://portal.test/resume/#t={token}\n"})
    assert response.status_code == 302 and response.url == "/resume/confirm/"


def test_an_expired_link_is_not_valid(client):
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    ResumeLink.objects.filter(request=draft).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert links.open_link(client, token).status_code == 404


def test_only_the_token_hash_and_a_salt_are_stored(client):
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    (link,) = ResumeLink.objects.filter(request=draft)
    assert token not in (link.token_hash, link.salt) and len(link.token_hash) == 64
    assert link.token_hash == tokens.hash_token(token)


def test_a_new_link_ends_the_old_one_once_it_is_delivered(client, django_capture_on_commit_callbacks):
    draft = CompleteDraftFactory()
    old = links.issue(draft)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/resume/request-link/", {"email": draft.guardian_email})
    assert links.open_link(client, old).status_code == 404
    new = links.token_in(mail.outbox[-1].body)
    assert links.open_link(Client(), new).status_code == 302


def test_requesting_a_lost_link_does_not_reveal_whether_the_address_has_a_draft(
    client, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(guardian_email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/resume/request-link/", {"email": "known@example.com"})
        unknown = client.post("/resume/request-link/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # Every page carries the language switch's CSRF token, masked afresh per response: compare without it.
    assert without_csrf_token(client.get(known.url).content) == without_csrf_token(client.get(unknown.url).content)
    assert [m.to for m in mail.outbox] == [["known@example.com"]]
    assert ResumeLink.objects.filter(request=draft, delivered_at__isnull=False).exists()


def test_the_resume_link_of_a_submitted_request_opens_it_without_a_new_submission(client):
    submitted = SubmittedRequestFactory()
    links.open_link(client, links.issue(submitted))
    response = client.post("/resume/confirm/", {"birth_date": submitted.child_birth_date.isoformat()})
    assert response.status_code == 302
    assert submitted.reference in client.get(response.url).content.decode()


@override_settings(RATE_LIMIT_RESUME="3/m")
def test_resume_attempts_are_rate_limited(client):
    statuses = [links.open_link(client, f"guess-{i:020d}").status_code for i in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]


@override_settings(RATE_LIMIT_START="2/h")
def test_starting_requests_is_rate_limited(client):
    statuses = [client.post("/request/start/", {"role": "guardian"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert SecondOpinionRequest.objects.count() == 2


def test_a_token_opens_its_request_until_a_newer_one_is_delivered_or_it_is_revoked():
    draft = CompleteDraftFactory()
    first = links.issue(draft)
    assert tokens.check_token(first).request == draft
    pending = tokens.new_link(draft)
    assert tokens.check_token(first).request == draft  # the new email has not gone yet
    tokens.link_delivered(pending)
    assert tokens.check_token(first) is None
    second = tokens.token_for(pending)
    assert tokens.check_token(second).request == draft
    tokens.revoke_links(draft)
    assert tokens.check_token(second) is None


@override_settings(RESUME_LINK_MAX_AGE_DAYS=30)
def test_a_token_is_checked_against_its_max_age():
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    issued = ResumeLink.objects.filter(request=draft)
    issued.update(created_at=timezone.now() - datetime.timedelta(days=29, hours=23))
    assert tokens.check_token(token).request == draft
    issued.update(created_at=timezone.now() - datetime.timedelta(days=30, minutes=1))
    assert tokens.check_token(token) is None


@override_settings(RESUME_MAX_BIRTH_DATE_ATTEMPTS=3)
def test_too_many_wrong_answers_close_the_link_and_a_right_one_resets_the_count():
    draft = CompleteDraftFactory()
    token = links.issue(draft)
    link = tokens.check_token(token)
    assert tokens.answer_second_factor(link.pk, lambda r: False) == tokens.CheckResult(wrong=True)
    assert tokens.answer_second_factor(link.pk, lambda r: True).opened
    assert ResumeLink.objects.get(pk=link.pk).failed_attempts == 0
    results = [tokens.answer_second_factor(link.pk, lambda r: False) for _ in range(3)]
    assert [r.closed for r in results] == [False, False, True]
    assert tokens.check_token(token) is None
