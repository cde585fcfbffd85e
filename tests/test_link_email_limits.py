"""No path sends email without a limit (issue 10 items 8 and 9): link emails are limited per request and
per address and go only to the draft's own address; upload starts have their own limit; the example
environment does not trust X-Forwarded-For."""

from pathlib import Path

import pytest
from django.core import mail

from requests_app.models import SecondOpinionRequest

from . import flow
from .factories import CompleteDraftFactory, PhysicianDraftFactory, SubmittedRequestFactory
from .sessions import open_draft
from .upload_client import Uploader

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def test_fifty_save_and_continue_later_posts_send_only_the_per_request_limit_to_the_drafts_own_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMIT_LINK_PER_REQUEST = "3/h"
    draft = flow.start(client)
    flow.post_step(client, "child")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(50):
            client.post("/request/save/", {"action": "send", "email": f"someone{n}@example.net"})
    assert [m.to for m in mail.outbox] == [["someone0@example.net"]] * 3  # the first address became the draft's
    assert SecondOpinionRequest.objects.get(pk=draft.pk).guardian_email == "someone0@example.net"
    page = client.post("/request/save/", {"action": "send"}, follow=True).content.decode()
    assert "already sent several links" in page


def test_save_and_continue_later_never_sends_to_an_address_other_than_the_guardians(
    client, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(guardian_email="maria.lopez@example.com")
    open_draft(client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/save/", {"action": "send", "email": "stranger@example.net"})
    assert [m.to for m in mail.outbox] == [["maria.lopez@example.com"]]


def test_a_physicians_draft_links_go_to_the_physician(client, django_capture_on_commit_callbacks):
    draft = PhysicianDraftFactory(physician_email="sam.lee@example.org", guardian_email="maria.lopez@example.com")
    open_draft(client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/save/", {"action": "send", "email": "stranger@example.net"})
    assert [m.to for m in mail.outbox] == [["sam.lee@example.org"]]


def test_send_me_a_new_link_is_limited_per_request(client, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMIT_LINK_PER_REQUEST = "2/h"
    open_draft(client, CompleteDraftFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/save/", {"action": "send"})
        for _ in range(10):
            client.post("/request/saved/")
    assert len(mail.outbox) == 2


def test_lost_link_requests_are_limited_per_recipient_whatever_the_client_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMIT_LINK_REQUEST = "1000/h"
    settings.RATE_LIMIT_LINK_PER_RECIPIENT = "2/h"
    settings.RATE_LIMIT_LINK_PER_REQUEST = "1000/h"
    submitted = SubmittedRequestFactory(guardian_email="maria.lopez@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            response = client.post(
                "/resume/request-link/", {"email": "Maria.Lopez@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
            )
            assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[submitted.guardian_email]] * 2


def test_upload_start_has_its_own_limit(client, settings):
    settings.RATE_LIMIT_UPLOAD_START = "3/m"
    open_draft(client, CompleteDraftFactory())
    uploader = Uploader(client)
    statuses = [uploader.start(f"scan-{n}.pdf", b"x", size=2 * 1024**3).status_code for n in range(5)]
    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]
    assert "Too many uploads" in uploader.start("one-more.pdf", b"x").json()["error"]


def test_the_example_environment_does_not_trust_forwarded_addresses_and_the_readme_says_when_to():
    example = (ROOT / ".env.example").read_text()
    assert "BEHIND_PROXY=false" in example and "BEHIND_PROXY=true" not in example
    readme = (ROOT / "README.md").read_text()
    assert "Set `BEHIND_PROXY=true` only when" in readme
