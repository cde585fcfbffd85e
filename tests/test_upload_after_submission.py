"""Records the center asks for after submission are uploaded from the status page, and only then."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from requests_app.models import Document, Notification, RecordsRequest

from .factories import SubmittedRequestFactory
from .upload_client import Uploader, status_page_client
from .upload_samples import pdf_bytes

pytestmark = pytest.mark.django_db


def test_records_asked_for_after_submission_can_be_uploaded_from_the_status_page(s3):
    coordinator = get_user_model().objects.create_user("coordinator", "coordinator@example.org", "x", is_staff=True)
    submitted = SubmittedRequestFactory()
    asked = RecordsRequest.objects.create(
        request=submitted, categories=["reports"], message="Pathology report please", requested_by=coordinator
    )
    uploader = Uploader(status_page_client(submitted))

    completed = uploader.upload("pathology.pdf", pdf_bytes(), category="reports", context="status").json()

    document = Document.objects.get(public_id=completed["id"])
    assert completed["status"] == "uploaded" and document.request_id == submitted.pk
    assert document.uploaded_after_submission
    asked.refresh_from_db()
    assert asked.fulfilled_at is not None  # the coordinator's request is answered
    told = Notification.objects.get(request=submitted, kind=Notification.Kind.RECORDS_UPLOADED)
    assert told.recipients == ["coordinator@example.org"]


def test_a_submitted_request_without_an_open_records_request_takes_no_uploads(s3):
    submitted = SubmittedRequestFactory()
    RecordsRequest.objects.create(request=submitted, categories=["reports"], fulfilled_at=timezone.now())
    response = Uploader(status_page_client(submitted)).start("a.pdf", b"%PDF-", category="reports", context="status")
    assert response.status_code == 403
    assert not submitted.documents.exists()
