"""Completed uploads are quarantined until a real clamd (tests/fixtures/clamd.py) has scanned them.

Records are on local disk here (the scan streams from storage the same way for S3, see
test_upload_integrity_rgw.py); Celery is eager, so the checks run when the completion commits.
"""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.models import AuditLogEntry, Document, DocumentStatus, ScanStatus, Status
from requests_app.uploads import checks, scanning

from .factories import CompleteDraftFactory
from .malware_samples import eicar, zip_of
from .sessions import open_draft
from .staff import COORDINATOR, log_in, make_staff
from .upload_client import Uploader, store_records_locally
from .upload_samples import MiB, dicom_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def family(settings, tmp_path):
    store_records_locally(settings, str(tmp_path))
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    draft = CompleteDraftFactory()
    return Uploader(open_draft(Client(), draft)), draft


@pytest.fixture
def scanning_on(settings, clamd):
    settings.MALWARE_SCANNING = True
    settings.CLAMD_ADDRESS = clamd.address
    return clamd


def upload(family, name, data, django_capture_on_commit_callbacks, **extra):
    """Upload through the protocol; the checks queued on commit run (eagerly) before this returns."""
    uploader, _draft = family
    with django_capture_on_commit_callbacks(execute=True):
        completed = uploader.upload(name, data, **extra)
    assert completed.status_code == 200, completed.content
    return Document.objects.get(public_id=completed.json()["id"])


def submit(draft):
    """The family sends the request, so staff see it."""
    draft.status, draft.submitted_at, draft.reference = Status.SUBMITTED, timezone.now(), "SO-SCAN-0001"
    draft.save()


def staff_client(draft):
    submit(draft)
    client = Client()
    log_in(client, make_staff(COORDINATOR))
    return client


def download_url(document):
    return reverse("admin:requests_app_secondopinionrequest_download", args=[document.request_id, document.public_id])


def detail_page(client, document):
    url = reverse("admin:requests_app_secondopinionrequest_change", args=[document.request_id])
    return client.get(url).content.decode()


def test_eicar_in_a_zip_is_infected_deleted_refused_to_staff_and_the_family_is_told_to_call(
    family, scanning_on, settings, django_capture_on_commit_callbacks
):
    document = upload(family, "CD.zip", zip_of({"CD/README.TXT": eicar()}), django_capture_on_commit_callbacks)

    assert document.status == DocumentStatus.REJECTED and document.scan_status == ScanStatus.INFECTED
    assert document.scan_signature.startswith("Portal.Test.EICAR")
    assert not (Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / document.storage_key).exists()
    uploader, draft = family
    family_page = uploader.client.get("/request/records/").content.decode()
    assert "We could not accept this file" in family_page and settings.CENTER_PHONE in family_page
    assert "EICAR" not in family_page

    staff = staff_client(draft)
    refused = staff.get(download_url(document), follow=True)
    assert "cannot be downloaded: the malware scanner found Portal.Test.EICAR" in refused.content.decode()
    assert "Infected: Portal.Test.EICAR" in detail_page(staff, document)
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.DOWNLOAD_DOCUMENT).exists()


def test_a_clean_scan_is_downloadable_as_an_attachment_of_the_detected_type(
    family, scanning_on, django_capture_on_commit_callbacks
):
    data = dicom_bytes(64 * 1024)
    opened = []
    checks.document_openable.connect(
        lambda sender, document, **kw: opened.append(document.pk), weak=False, dispatch_uid="test-opened"
    )
    try:
        document = upload(family, "IM0001", data, django_capture_on_commit_callbacks)
    finally:
        checks.document_openable.disconnect(dispatch_uid="test-opened")

    assert (document.status, document.scan_status, document.scan_signature) == ("uploaded", "clean", "")
    assert document.scanned_at is not None and opened == [document.pk]
    staff = staff_client(family[1])
    assert "Clean" in detail_page(staff, document)
    response = staff.get(download_url(document))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/dicom"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_with_clamd_down_the_file_stays_quarantined_and_is_scanned_when_it_is_back(
    family, settings, tmp_path_factory, django_capture_on_commit_callbacks
):
    from .fixtures.clamd import ClamdServer

    server = ClamdServer(tmp_path_factory.mktemp("clamd-down"))
    settings.MALWARE_SCANNING, settings.CLAMD_ADDRESS = True, server.address
    settings.UPLOAD_RESCAN_AFTER_SECONDS = 0
    document = upload(family, "IM0001", dicom_bytes(), django_capture_on_commit_callbacks)

    assert (document.status, document.scan_status) == ("uploaded", "pending")
    assert checks.documents_to_rescan() == []  # nothing is queued while clamd does not answer
    staff = staff_client(family[1])
    assert "still being scanned" in staff.get(download_url(document), follow=True).content.decode()
    assert "Scanning" in detail_page(staff, document)

    server.start()
    try:
        assert checks.documents_to_rescan() == [document.pk]
        assert checks.check_document(document.pk) == ScanStatus.CLEAN
        assert checks.check_document(document.pk) is None  # a second run finds nothing to do
    finally:
        server.stop()
    assert staff.get(download_url(document)).status_code == 200


def test_with_scanning_off_files_are_not_scanned_and_staff_see_so(family, settings, django_capture_on_commit_callbacks):
    settings.MALWARE_SCANNING = False
    document = upload(family, "IM0001", dicom_bytes(), django_capture_on_commit_callbacks)

    assert document.scan_status == ScanStatus.OFF and document.scanned_at is None
    staff = staff_client(family[1])
    assert "Not scanned" in detail_page(staff, document)
    assert staff.get(download_url(document)).status_code == 200


def test_a_file_too_large_to_scan_stays_quarantined_until_staff_release_it_audited(
    family, scanning_on, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(scanning, "LARGEST_SCANNABLE_BYTES", 1000)
    document = upload(family, "IM0001", dicom_bytes(), django_capture_on_commit_callbacks)

    assert (document.status, document.scan_status) == ("uploaded", "too_large")
    staff = staff_client(family[1])
    assert "could not be scanned for malware" in staff.get(download_url(document), follow=True).content.decode()
    assert "Release without scan" in detail_page(staff, document)

    staff.post(download_url(document), {"release": "1"})
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.RELEASED
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.RELEASE_DOCUMENT, document=document).exists()
    assert staff.get(download_url(document)).status_code == 200


def test_scanning_on_without_a_clamd_address_fails_the_system_check(settings):
    from requests_app.checks import malware_scanner_address

    settings.MALWARE_SCANNING, settings.CLAMD_ADDRESS = True, ""
    assert [error.id for error in malware_scanner_address(None)] == ["requests_app.E003"]
    settings.CLAMD_ADDRESS = "/run/clamav/clamd.ctl"
    assert malware_scanner_address(None) == []
