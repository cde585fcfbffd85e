"""What completion reads from storage (ranged reads only), the bucket's configuration, and the clean-up task."""

import datetime
import math

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from requests_app import cleanup, family_session, tasks, uploads
from requests_app.models import Document, DocumentStatus, RecordsRequest, SecondOpinionRequest
from requests_app.uploads import sniffing

from .factories import CompleteDraftFactory, SubmittedRequestFactory
from .sessions import open_draft
from .test_upload_protocol import Uploader
from .upload_samples import MiB, dicom_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(s3_storage, settings):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    return s3_storage


def record_get_object_ranges(backend_client):
    """Every GetObject the portal's S3 client sends, as its Range header (None for a whole-object read)."""
    seen = []

    def before_send(request, **kwargs):
        seen.append(request.headers.get("Range"))  # bytes, as botocore sends it

    backend_client.meta.events.register("before-send.s3.GetObject", before_send)
    return seen


def test_dicom_header_extraction_reads_only_the_first_bytes_of_the_object(s3):
    data = dicom_bytes(6 * MiB)
    # The S3 client the portal uses in this thread (django-storages keeps one per thread).
    requested = record_get_object_ranges(uploads.get_backend().client)
    client = open_draft(Client(), CompleteDraftFactory())
    completed = Uploader(client).upload("IM0001", data).json()

    assert completed["status"] == "uploaded"
    assert requested == [f"bytes=0-{256 * 1024 - 1}".encode()]  # one ranged GET of the header, no pixel data
    metadata = Document.objects.get(public_id=completed["id"]).metadata["dicom"]
    assert metadata["modality"] == "MR" and metadata["study_description"] == "BRAIN W/WO CONTRAST"


def test_zip_safety_reads_only_the_tail_and_the_central_directory():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for i in range(50):
            archive.writestr(f"DICOM/IM{i:04d}", b"\0" * 100_000)
    data = out.getvalue()
    reads = []

    def read_range(start, end):
        reads.append((start, end))
        return data[start : end + 1]

    summary = sniffing.inspect_zip(
        read_range, len(data), max_uncompressed_bytes=10**9, max_entries=1000, max_directory_bytes=MiB
    )
    assert summary.entries == 50 and summary.uncompressed_bytes == 5_000_000
    assert sum(end - start + 1 for start, end in reads) < 20_000  # of a 5 MB archive
    with pytest.raises(sniffing.UnsafeZip, match="too large once unpacked"):
        sniffing.inspect_zip(
            read_range, len(data), max_uncompressed_bytes=10**6, max_entries=1000, max_directory_bytes=MiB
        )


def test_zip_of_a_cd_gives_the_study_from_one_image_header_without_reading_the_archive():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # as a family's zip tool does
        archive.writestr("AUTORUN.INF", b"[autorun]\nopen=viewer.exe\n")
        archive.writestr("VIEWER/viewer.exe", b"MZ" + bytes(200_000))
        archive.writestr("DICOMDIR", dicom_bytes(1024))
        for i in range(20):
            archive.writestr(f"DICOM/IM{i:04d}", dicom_bytes(2 * MiB, modality="CT", description="CHEST W CONTRAST"))
    data = out.getvalue()
    reads = []

    def read_range(start, end):
        reads.append((start, end))
        return data[start : end + 1]

    summary = sniffing.inspect_zip(
        read_range,
        len(data),
        max_uncompressed_bytes=10**9,
        max_entries=1000,
        max_directory_bytes=MiB,
        dicom_header_bytes=256 * 1024,
    )

    assert summary.entries == 23
    assert summary.dicom["modality"] == "CT" and summary.dicom["study_description"] == "CHEST W CONTRAST"
    assert summary.as_metadata()["dicom"] == summary.dicom
    assert len(reads) <= 4  # the tail, the directory, one entry's start
    assert sum(end - start + 1 for start, end in reads) < 400 * 1024


def test_dicom_without_preamble_is_recognised_and_random_bytes_are_not():
    data = dicom_bytes()
    assert sniffing.detect_type(data[132:4096]) == "dicom"
    assert sniffing.detect_type(b"\x08\x00" + bytes(range(200)) * 10) is None
    assert sniffing.detect_type(b"MZ\x90\x00" + b"\0" * 200) is None


def test_configure_bucket_sets_cors_for_the_site_encryption_and_multipart_abort(s3, s3_client, settings):
    settings.SITE_URL = "https://portal.example.org"
    call_command("configure_bucket", "--origin", "http://127.0.0.1:8000")

    cors = s3_client.get_bucket_cors(Bucket=s3)["CORSRules"][0]
    assert cors["AllowedOrigins"] == ["http://127.0.0.1:8000", "https://portal.example.org"]
    assert "PUT" in cors["AllowedMethods"] and cors["ExposeHeaders"] == ["ETag"]
    rule = s3_client.get_bucket_encryption(Bucket=s3)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    lifecycle = s3_client.get_bucket_lifecycle_configuration(Bucket=s3)["Rules"][0]
    assert lifecycle["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7


def test_multipart_uploads_are_created_encrypted(s3, s3_client):
    client = open_draft(Client(), CompleteDraftFactory())
    completed = Uploader(client).upload("IM0001", dicom_bytes()).json()
    key = Document.objects.get(public_id=completed["id"]).storage_key
    assert s3_client.head_object(Bucket=s3, Key=key)["ServerSideEncryption"] == "AES256"


def test_clean_up_deletes_abandoned_drafts_files_and_aborts_orphan_uploads(s3, s3_client, settings):
    settings.ABANDONED_DRAFT_DAYS = 30
    abandoned = CompleteDraftFactory()
    recent = CompleteDraftFactory()
    old_file = Uploader(open_draft(Client(), abandoned)).upload("old.dcm", dicom_bytes()).json()
    new_file = Uploader(open_draft(Client(), recent)).upload("new.dcm", dicom_bytes()).json()
    SecondOpinionRequest.objects.filter(pk=abandoned.pk).update(updated_at=timezone.now() - datetime.timedelta(days=31))
    orphan = s3_client.create_multipart_upload(Bucket=s3, Key="records/orphan/x")["UploadId"]
    in_progress = Uploader(open_draft(Client(), recent)).start("big.dcm", b"", size=20 * MiB).json()

    later = timezone.now() + datetime.timedelta(hours=settings.UPLOAD_ORPHAN_GRACE_HOURS + 1)
    result = cleanup.clean_up(now=later)
    tasks.clean_up_abandoned_drafts.apply()  # the periodic task itself; running it again changes nothing

    assert result == {"files_deleted": 1, "uploads_aborted": 1}
    old_doc = Document.objects.get(public_id=old_file["id"])
    assert old_doc.status == DocumentStatus.REMOVED
    assert "Contents" not in s3_client.list_objects_v2(Bucket=s3, Prefix=old_doc.storage_key)
    assert Document.objects.get(public_id=new_file["id"]).status == DocumentStatus.UPLOADED
    uploads_left = {u["UploadId"] for u in s3_client.list_multipart_uploads(Bucket=s3).get("Uploads", [])}
    assert orphan not in uploads_left
    assert Document.objects.get(public_id=in_progress["id"]).multipart_upload_id in uploads_left


def status_page_client(submitted):
    client = Client()
    session = client.session
    family_session.attach_status_request(session, submitted)
    session.save()
    return client


def test_records_asked_for_after_submission_can_be_uploaded_from_the_status_page(s3, monkeypatch):
    from requests_app import workflow

    told = []
    monkeypatch.setattr(workflow, "records_uploaded", lambda document: told.append(document.pk), raising=False)
    submitted = SubmittedRequestFactory()
    RecordsRequest.objects.create(request=submitted, categories=["reports"], message="Pathology report please")
    uploader = Uploader(status_page_client(submitted))
    from .upload_samples import pdf_bytes

    completed = uploader.upload("pathology.pdf", pdf_bytes(), category="reports", context="status").json()

    document = Document.objects.get(public_id=completed["id"])
    assert completed["status"] == "uploaded" and document.request_id == submitted.pk
    assert document.uploaded_after_submission and told == [document.pk]


def test_a_submitted_request_without_an_open_records_request_takes_no_uploads(s3):
    submitted = SubmittedRequestFactory()
    RecordsRequest.objects.create(request=submitted, categories=["reports"], fulfilled_at=timezone.now())
    response = Uploader(status_page_client(submitted)).start("a.pdf", b"%PDF-", category="reports", context="status")
    assert response.status_code == 403
    assert not submitted.documents.exists()


def test_records_step_insists_on_a_finished_file_when_the_family_says_uploaded(s3):
    draft = CompleteDraftFactory()
    client = open_draft(Client(), draft)
    answers = {
        "scans_availability": "uploaded",
        "slides_availability": "mailed",
        "slides_tracking_number": "1Z999",
        "reports_availability": "not_available",
        "treatment_plan_availability": "typed",
        "treatment_plan_text": "",
        "action": "continue",
    }
    page = client.post("/request/records/", answers).content.decode()
    assert "Upload at least one file here, or choose another answer." in page
    assert "This answer is required." in page  # the typed plan is empty

    uploader = Uploader(client)
    uploader.upload("IM0001", dicom_bytes())
    pending = uploader.start("IM0002", b"", size=6 * MiB)
    page = client.post("/request/records/", {**answers, "treatment_plan_text": "Chemo"}).content.decode()
    assert "has not finished uploading" in page
    uploader.post(pending.json()["remove_url"])
    response = client.post("/request/records/", {**answers, "treatment_plan_text": "Chemo"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scans_availability == "uploaded" and draft.slides_tracking_number == "1Z999"


def test_review_groups_a_folder_of_dicom_files_by_series(s3):
    client = open_draft(Client(), CompleteDraftFactory())
    uploader = Uploader(client)
    series = "1.2.3.4.5"
    for i in range(3):
        data = dicom_bytes(4096, series_uid=series, modality="CT", description="CHEST")
        assert uploader.upload(f"IM{i}", data, relative_path=f"CD/IM{i}").json()["status"] == "uploaded"
    review = client.get("/request/review/").content.decode()
    assert "DICOM series CT · 2024-03-02 · CHEST · AX T1 POST: 3 images in series" in review
    assert "IM0 (" not in review  # one line for the series, not one per file


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"),
        (b"II*\x00\x08\x00\x00\x00Aperio Image Library", "tiff"),
        (b"II+\x00\x08\x00\x00\x00", "tiff"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_file_types_are_recognised_from_their_first_bytes(head, expected):
    assert sniffing.detect_type(head) == expected


def test_whole_slide_format_is_named_from_the_header_or_the_name():
    assert sniffing.slide_format(b"II*\x00 Aperio Image Library v12", "slide") == "SVS"
    assert sniffing.slide_format(b"II*\x00", "biopsy-1.ndpi") == "NDPI"


def test_part_size_keeps_every_upload_under_s3s_part_limits(settings):
    settings.UPLOAD_MIN_PART_BYTES = 8 * MiB
    assert uploads.choose_part_size(1) == 8 * MiB
    assert uploads.choose_part_size(20 * 1000**3) == 8 * MiB  # 2,385 parts
    for size in [5 * MiB, 20 * 1000**3, 200 * 1000**3, 5 * 1024**4]:
        part = uploads.choose_part_size(size)
        assert 5 * MiB <= part <= 5 * 1024**3 and math.ceil(size / part) <= 10_000


def test_a_part_size_s3_would_refuse_stops_the_site_at_start_up(settings):
    from django.core.checks import run_checks

    settings.UPLOAD_MIN_PART_BYTES = 5 * 1024**2
    assert not [m for m in run_checks() if m.id == "requests_app.E001"]
    settings.UPLOAD_MIN_PART_BYTES = 1024**2
    (error,) = [m for m in run_checks() if m.id == "requests_app.E001"]
    assert "5 MiB" in error.msg
