"""After the family uploads every record staff asked for, the status page no longer asks for records."""

import pytest
from django.test import Client

from requests_app import workflow
from requests_app.models import RecordsRequest, Status

from . import family_links
from .factories import SubmittedRequestFactory
from .staff import COORDINATOR, make_staff
from .upload_client import Uploader, store_records_locally
from .upload_samples import pdf_bytes

pytestmark = pytest.mark.django_db
ASKING = "Please send the records listed below"


def open_status_page(request_obj):
    return family_links.open_status_page(Client(), request_obj)


def test_status_page_thanks_the_family_once_every_asked_record_arrived(settings, tmp_path):
    store_records_locally(settings, tmp_path)
    submitted = SubmittedRequestFactory(status=Status.IN_REVIEW)
    workflow.request_records(submitted, make_staff(COORDINATOR), ["reports"], "The pathology report, please.")
    family = open_status_page(submitted)
    before = family.get("/status/").content.decode()
    assert ASKING in before and "Records we need from you" in before

    completed = Uploader(family).upload("pathology.pdf", pdf_bytes(), category="reports", context="status")
    assert completed.json()["status"] == "uploaded"
    assert RecordsRequest.objects.get(request=submitted).fulfilled_at is not None

    after = family.get("/status/").content.decode()
    assert ASKING not in after
    assert "we have received the records we asked for" in after
    assert "Records we need from you" not in after


def test_status_page_still_asks_while_a_records_request_is_open(settings, tmp_path):
    store_records_locally(settings, tmp_path)
    submitted = SubmittedRequestFactory(status=Status.IN_REVIEW)
    workflow.request_records(submitted, make_staff(COORDINATOR), ["reports", "scans"], "")
    family = open_status_page(submitted)
    Uploader(family).upload("pathology.pdf", pdf_bytes(), category="reports", context="status")
    page = family.get("/status/").content.decode()
    assert ASKING in page and "Diagnostic scans" in page
