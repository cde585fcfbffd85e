"""A referring physician follows the request they submitted (issue 9 item 3): a link of their own, sent to
their address, opened with their NPI, leading to the status page and never to the family's link."""

import pytest
from django.core import mail
from django.test import Client

from requests_app import family_session, intake, tokens
from requests_app.models import ResumeLink

from . import links
from .factories import PhysicianDraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def physician_submission(db):
    draft = PhysicianDraftFactory(physician_email="sam.lee@example.org", guardian_email="maria.lopez@example.com")
    return intake.submit(draft.pk)


def ask_for_a_link(address, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/resume/request-link/", {"email": address})
    assert response.status_code == 302
    return [m for m in mail.outbox if address.lower() in m.to]


def test_the_physician_gets_a_link_of_their_own_and_opens_the_status_page_with_their_npi(
    client, physician_submission, django_capture_on_commit_callbacks
):
    family_token = links.issue(physician_submission)
    (message,) = ask_for_a_link("Sam.Lee@example.org", django_capture_on_commit_callbacks)
    assert message.to == ["sam.lee@example.org"]
    assert "NPI" in message.body
    token = links.token_in(message.body)
    assert token != family_token
    assert tokens.check_token(token).audience == tokens.Audience.PHYSICIAN

    assert links.open_link(client, token).url == "/resume/confirm/"
    question = client.get("/resume/confirm/").content.decode()
    assert "NPI" in question and "date of birth" not in question
    wrong = client.post("/resume/confirm/", {"npi": "1234567000"})
    assert "does not match our records" in wrong.content.decode()
    response = client.post("/resume/confirm/", {"npi": physician_submission.physician_npi})
    assert response.status_code == 302 and response.url == "/status/"
    assert physician_submission.reference in client.get("/status/").content.decode()

    # The physician's session opens the status page only, and the family's own link still works.
    assert family_session.draft_id(client.session) is None
    assert client.get("/request/child/").status_code == 302
    assert tokens.check_token(family_token) is not None
    assert family_token not in message.body


def test_the_childs_birth_date_does_not_open_a_physicians_link(
    client, physician_submission, django_capture_on_commit_callbacks
):
    (message,) = ask_for_a_link("sam.lee@example.org", django_capture_on_commit_callbacks)
    links.open_link(client, links.token_in(message.body))
    response = client.post("/resume/confirm/", {"birth_date": physician_submission.child_birth_date.isoformat()})
    assert response.status_code == 200
    assert family_session.status_request_id(client.session) is None


def test_a_physicians_new_link_does_not_end_the_familys_link(physician_submission, django_capture_on_commit_callbacks):
    family_token = links.issue(physician_submission)
    ask_for_a_link("sam.lee@example.org", django_capture_on_commit_callbacks)
    ask_for_a_link("sam.lee@example.org", django_capture_on_commit_callbacks)
    assert tokens.check_token(family_token) is not None
    live = ResumeLink.objects.filter(request=physician_submission, revoked_at__isnull=True)
    assert sorted(live.values_list("audience", flat=True)) == ["family", "physician"]


def test_the_family_address_gets_the_family_link_not_the_physicians(
    physician_submission, django_capture_on_commit_callbacks
):
    (message,) = ask_for_a_link("maria.lopez@example.com", django_capture_on_commit_callbacks)
    assert tokens.check_token(links.token_in(message.body)).audience == tokens.Audience.FAMILY
    assert "NPI" not in message.body
