"""After completion each ZIP is streamed from storage through the archive inspection: bombs, lies,
escaping paths and programs reject the document with a reason the family reads; the real size is kept."""

import pytest
from django.core.files.storage import storages
from django.test import Client

from requests_app.models import Document, DocumentStatus, ScanStatus
from requests_app.uploads import archives

from .factories import CompleteDraftFactory
from .malware_samples import zip_of
from .sessions import open_draft
from .upload_client import Uploader, store_records_locally
from .upload_samples import MiB, dicom_bytes, zip_bytes
from .zip_crafting import patch_entry

pytestmark = pytest.mark.django_db
HTML_PAGE = b"<html><body>Open setup</body></html>"
PE_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode.\r\n" + bytes(200)


@pytest.fixture(params=["s3", "local"])
def uploader(request, settings, tmp_path):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    settings.MALWARE_SCANNING = False
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    else:
        store_records_locally(settings, tmp_path)
    return Uploader(open_draft(Client(), CompleteDraftFactory()))


def upload_zip(uploader, data, django_capture_on_commit_callbacks, name="CD.zip"):
    with django_capture_on_commit_callbacks(execute=True):
        completed = uploader.upload(name, data, category="scans")
    assert completed.status_code == 200 and completed.json()["status"] == "uploaded", completed.content
    return Document.objects.get(public_id=completed.json()["id"])


def test_a_cd_zip_is_inspected_opened_and_its_real_unpacked_size_recorded(uploader, django_capture_on_commit_callbacks):
    entries = {"DICOM/IM0001": dicom_bytes(), "DICOM/IM0002": dicom_bytes(), "README.TXT": b"Radiology CD\r\n"}
    document = upload_zip(uploader, zip_of(entries), django_capture_on_commit_callbacks)

    document.refresh_from_db()
    assert (document.status, document.scan_status) == (DocumentStatus.UPLOADED, ScanStatus.OFF)
    assert document.metadata["zip_inspected"] is True
    assert document.metadata["zip_uncompressed_bytes"] == sum(len(data) for data in entries.values())
    assert document.metadata["zip_kinds"] == {"dicom": 2, "text": 1}


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"scan/zeros.dcm": bytes(64 * MiB)}, archives.BOMB),
        ({"CD/readme.html": HTML_PAGE, "CD/setup.exe": PE_PROGRAM}, archives.PROGRAM_INSIDE),
        ({"series.zip": zip_bytes({"../evil": dicom_bytes()})}, archives.PATH_ESCAPES),
    ],
    ids=["bomb", "program", "nested-escape"],
)
def test_a_harmful_zip_is_rejected_after_completion_with_a_reason_the_family_reads(
    uploader, entries, reason, django_capture_on_commit_callbacks
):
    document = upload_zip(uploader, zip_of(entries), django_capture_on_commit_callbacks)

    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert document.rejection_reason == f"We cannot accept this ZIP file: {reason}"
    assert not storages["default"].exists(document.storage_key)
    family_page = uploader.client.get("/request/records/").content.decode()
    assert str(reason)[:40] in family_page


def test_headers_claiming_1000_bytes_over_megabytes_of_data_are_refused(uploader, django_capture_on_commit_callbacks):
    honest = zip_of({"scan/IM0001.dcm": dicom_bytes(pixel_bytes=12 * MiB)})
    lying = patch_entry(honest, file_size=1000)
    document = upload_zip(uploader, lying, django_capture_on_commit_callbacks)

    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert "zip_inspected" not in document.metadata
