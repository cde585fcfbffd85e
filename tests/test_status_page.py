"""The family's status page: reached through the resume link after submission, and the records round trip
(coordinator asks -> family email -> status page -> upload -> event and coordinator email)."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from requests_app import workflow
from requests_app.models import InternalNote, Notification, RecordsRequest, Status

from . import links
from .factories import SubmittedRequestFactory
from .staff import COORDINATOR, make_staff
from .upload_client import Uploader
from .upload_samples import pdf_bytes

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"


def open_with_link(client, request_obj, link=None):
    """Open the resume link in a fresh browser and confirm the child's date of birth; returns the landing page."""
    if link is None:
        link = links.issue(request_obj)
    links.open_link(client, link)
    response = client.post("/resume/confirm/", {"birth_date": request_obj.child_birth_date.isoformat()})
    assert response.status_code == 302
    return client.get(response.url), response.url


def test_resume_link_after_submission_opens_the_status_page_with_reference_status_and_history(client):
    submitted = SubmittedRequestFactory()
    coordinator = make_staff(COORDINATOR)
    workflow.start_review(submitted, coordinator)
    InternalNote.objects.create(request=submitted, author=coordinator, body="Family sounded anxious")
    page, url = open_with_link(client, submitted)
    text = page.content.decode()
    assert url == "/status/"
    assert submitted.reference in text
    assert "In review" in text and "A coordinator is reviewing your request" in text
    assert "You sent your request." in text and "A coordinator started reviewing your request." in text
    assert "Family sounded anxious" not in text
    assert page["Cache-Control"].startswith("no-store")


def test_status_page_needs_the_birth_date_check_first(client):
    submitted = SubmittedRequestFactory()
    links.open_link(client, links.issue(submitted))
    wrong = client.post("/resume/confirm/", {"birth_date": "2001-01-01"})
    assert "does not match" in wrong.content.decode()
    response = client.get("/status/")
    assert response.status_code == 302 and response.url == "/"


def test_scheduled_visit_shows_date_and_format_and_a_decline_reason_stays_internal(client):
    coordinator = make_staff(COORDINATOR)
    scheduled = SubmittedRequestFactory(status=Status.IN_REVIEW)
    when = timezone.make_aware(timezone.datetime(2099, 3, 3, 10, 30))
    workflow.schedule(scheduled, coordinator, when, "video")
    text = open_with_link(client, scheduled)[0].content.decode()
    assert "Video visit on Tuesday, March 3, 2099 at 10:30 AM" in text

    declined = SubmittedRequestFactory()
    workflow.decline(declined, coordinator, "Internal: insurance dispute")
    text = open_with_link(Client(), declined)[0].content.decode()
    assert "not able to offer a second opinion" in text
    assert "insurance dispute" not in text


def test_records_round_trip_from_admin_action_to_email_to_status_page_upload_and_coordinator_email(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    coordinator = make_staff(COORDINATOR)
    submitted = SubmittedRequestFactory(status=Status.IN_REVIEW, assigned_to=coordinator)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "request_records",
                "_selected_action": [submitted.pk],
                "apply": "1",
                "categories": ["reports"],
                "message": "Please send the pathology report from the biopsy.",
            },
        )
    (email,) = mail.outbox
    assert email.to == [submitted.contact_email]
    family = Client()
    page, _url = open_with_link(family, submitted, link=links.token_in(email.body))
    text = page.content.decode()
    assert "Records we need from you" in text
    assert "Clinical reports" in text and "Please send the pathology report from the biopsy." in text
    assert "data-upload-area" in text and 'data-context="status"' in text

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        completed = Uploader(family).upload("pathology.pdf", pdf_bytes(), category="reports", context="status")
    assert completed.json()["status"] == "uploaded"
    assert RecordsRequest.objects.get(request=submitted).fulfilled_at is not None
    staff_email = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert submitted.reference in staff_email.subject + staff_email.body
    assert "pathology" not in staff_email.body.lower()  # no health information to staff by email
    assert Notification.objects.filter(kind=Notification.Kind.RECORDS_UPLOADED, state="sent").count() == 1

    text = family.get("/status/").content.decode()
    assert "We received the records we asked for." in text
    assert "You sent 1 file(s)." in text
    assert "Records we need from you" not in text


def test_family_without_a_saved_link_follows_the_confirmation_to_a_new_link_and_their_status_page(
    client, settings, django_capture_on_commit_callbacks
):
    from requests_app import intake

    from .factories import CompleteDraftFactory

    settings.SITE_URL = "https://portal.test"
    draft = CompleteDraftFactory(resume_email="")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = intake.submit(draft.pk)
    (confirmation,) = [m for m in mail.outbox if "received" in m.subject]
    follow_url = "https://portal.test/resume/request-link/"
    assert follow_url in confirmation.body and follow_url in confirmation.alternatives[0][0]
    assert "?t=" not in confirmation.body  # the confirmation carries no token

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(follow_url).path, {"email": submitted.guardian_email})
    (link_email,) = mail.outbox
    page, landed_at = open_with_link(Client(), submitted, links.token_in(link_email.body))
    assert landed_at == "/status/"
    assert submitted.reference in page.content.decode()
