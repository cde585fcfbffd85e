"""Types decided by content end to end: a PDF needs its header and its end marker, the stored object's
Content-Type is the server's, and staff downloads are attachments of that type."""

import io
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from requests_app.models import Document, DocumentStatus, Status

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .staff import COORDINATOR, log_in, make_staff
from .upload_client import Uploader
from .upload_samples import pdf_bytes

pytestmark = pytest.mark.django_db
POLYGLOT = b"<html><!-- %PDF-1.4 --><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.fixture
def family(s3):
    draft = CompleteDraftFactory()
    return Uploader(open_draft(Client(), draft)), draft


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_html_with_a_pdf_marker_in_a_comment_is_not_accepted_as_a_pdf(family):
    uploader, _draft = family
    completed = uploader.upload("report.pdf", POLYGLOT, category="reports", content_type="application/pdf").json()
    assert completed["status"] == "rejected"
    assert "cannot accept here" in completed["rejection_reason"]


def test_the_stored_content_type_is_the_servers_not_the_browsers(family, s3, s3_client):
    uploader, _draft = family
    pdf = uploader.upload("report.pdf", pdf_bytes(), category="reports", content_type="text/html").json()
    png = uploader.upload("photo.jpg", png_bytes(), category="reports", content_type="text/html").json()

    for summary, expected in [(pdf, "application/pdf"), (png, "image/png")]:
        document = Document.objects.get(public_id=summary["id"])
        assert document.status == DocumentStatus.UPLOADED
        assert s3_client.head_object(Bucket=s3, Key=document.storage_key)["ContentType"] == expected


def test_staff_download_link_is_an_attachment_of_the_detected_type(family):
    uploader, draft = family
    summary = uploader.upload("photo.jpg", png_bytes(), category="reports", content_type="text/html").json()
    document = Document.objects.get(public_id=summary["id"])
    draft.status, draft.submitted_at, draft.reference = Status.SUBMITTED, timezone.now(), "SO-TYPE-0001"
    draft.save()
    staff = Client()
    log_in(staff, make_staff(COORDINATOR))

    url = reverse("admin:requests_app_secondopinionrequest_download", args=[draft.pk, document.public_id])
    link = staff.get(url)["Location"]
    assert "response-content-type=image%2Fpng" in link
    with urllib.request.urlopen(link) as fetched:  # noqa: S310 (the test S3 server)
        assert fetched.headers["Content-Type"] == "image/png"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="reports-')
