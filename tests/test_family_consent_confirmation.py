"""A physician's request waits for the family's own consent, given through their link, before staff can schedule."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from requests_app import intake, workflow
from requests_app.models import SecondOpinionRequest, Status

from . import family_links
from .factories import PhysicianDraftFactory, SubmittedRequestFactory
from .staff import COORDINATOR, log_in, make_staff

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"
VISIT = timezone.make_aware(datetime.datetime(2099, 3, 3, 10, 30))


def physician_request_in_review():
    submitted = intake.submit(PhysicianDraftFactory().pk)
    SecondOpinionRequest.objects.filter(pk=submitted.pk).update(status=Status.IN_REVIEW)
    submitted.refresh_from_db()
    return submitted


def family_status_page(request_obj):
    return family_links.open_status_page(Client(), request_obj)


def test_staff_cannot_schedule_until_the_family_confirms_consent_on_their_status_page(client):
    coordinator = make_staff(COORDINATOR)
    submitted = physician_request_in_review()
    assert submitted.awaits_family_consent

    log_in(client, coordinator)
    assert "waiting for family consent" in client.get(CHANGELIST).content.decode()
    detail = client.get(f"{CHANGELIST}{submitted.pk}/change/").content.decode()
    assert "Waiting for family consent" in detail
    with pytest.raises(workflow.WorkflowError, match="waiting for the family to confirm consent"):
        workflow.schedule(submitted, coordinator, VISIT, "video")
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).status == Status.IN_REVIEW

    family = family_status_page(submitted)
    page = family.get("/status/").content.decode()
    assert "Please confirm your consent" in page and "Dr. Sam Lee" in page
    refused = family.post("/status/", {"signature": "Maria Lopez"})
    assert refused.status_code == 200 and "This answer is required." in refused.content.decode()
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).family_consent_confirmed_at is None

    confirmed = family.post("/status/", {"consent": "on", "signature": "  Maria   Lopez "})
    assert confirmed.status_code == 302 and confirmed.url == "/status/"
    stored = SecondOpinionRequest.objects.get(pk=submitted.pk)
    assert stored.family_consent_confirmed_at is not None and stored.family_consent_signature == "Maria Lopez"
    assert "Please confirm your consent" not in family.get("/status/").content.decode()

    assert "waiting for family consent" not in client.get(CHANGELIST).content.decode()
    assert "Confirmed by Maria Lopez" in client.get(f"{CHANGELIST}{submitted.pk}/change/").content.decode()
    workflow.schedule(stored, coordinator, VISIT, "video")
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).status == Status.SCHEDULED


def test_the_schedule_action_in_the_admin_shows_why_it_was_refused(client):
    coordinator = make_staff(COORDINATOR)
    submitted = physician_request_in_review()
    log_in(client, coordinator)
    response = client.post(
        CHANGELIST,
        {
            "action": "schedule",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "date": "2099-03-03",
            "time": "10:30",
            "visit_format": "video",
        },
        follow=True,
    )
    assert "waiting for the family to confirm consent" in response.content.decode()
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).status == Status.IN_REVIEW


def test_a_parents_own_request_needs_no_second_confirmation(client):
    submitted = SubmittedRequestFactory(status=Status.IN_REVIEW)
    assert not submitted.awaits_family_consent
    assert "Please confirm your consent" not in family_status_page(submitted).get("/status/").content.decode()
    workflow.schedule(submitted, make_staff(COORDINATOR), VISIT, "video")
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).status == Status.SCHEDULED


def test_physicians_confirmation_page_says_the_family_will_confirm_consent(client):
    from .sessions import open_draft

    open_draft(client, PhysicianDraftFactory())
    assert client.post("/request/submit/").url == "/request/submitted/"
    page = client.get("/request/submitted/").content.decode()
    assert "will also confirm their consent through their own link" in page


def test_a_session_opened_without_the_familys_draft_is_not_asked_and_cannot_confirm(client):
    """A physician's link opens the status page without the family's draft: it sees the wait, not the form."""
    from requests_app import family_session

    submitted = physician_request_in_review()
    session = client.session
    family_session.attach_status_request(session, submitted)
    session.save()
    page = client.get("/status/").content.decode()
    assert "Please confirm your consent" not in page
    assert "has not yet confirmed their consent" in page
    client.post("/status/", {"consent": "on", "signature": "Dr. Sam Lee"})
    assert SecondOpinionRequest.objects.get(pk=submitted.pk).family_consent_confirmed_at is None
