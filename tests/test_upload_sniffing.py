"""What a stored file is, read from its bytes with ranged reads: types, DICOM headers, ZIP safety."""

import io
import zipfile

import pytest
from django.test import Client

from requests_app.models import Document
from requests_app.uploads import get_backend, sniffing

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .upload_client import Uploader
from .upload_samples import MiB, dicom_bytes


def record_get_object_ranges(backend_client):
    """Every GetObject the portal's S3 client sends, as its Range header (None for a whole-object read)."""
    seen = []

    def before_send(request, **kwargs):
        seen.append(request.headers.get("Range"))  # bytes, as botocore sends it

    backend_client.meta.events.register("before-send.s3.GetObject", before_send)
    return seen


def recording_reader(data):
    """A ranged reader over ``data`` and the list of (start, end) ranges it was asked for."""
    reads = []

    def read_range(start, end):
        reads.append((start, end))
        return data[start : end + 1]

    return read_range, reads


@pytest.mark.django_db
def test_dicom_header_extraction_reads_only_the_first_bytes_of_the_object(s3):
    data = dicom_bytes(6 * MiB)
    # The S3 client the portal uses in this thread (django-storages keeps one per thread).
    requested = record_get_object_ranges(get_backend().client)
    client = open_draft(Client(), CompleteDraftFactory())
    completed = Uploader(client).upload("IM0001", data).json()

    assert completed["status"] == "uploaded"
    assert requested == [f"bytes=0-{256 * 1024 - 1}".encode()]  # one ranged GET of the header, no pixel data
    metadata = Document.objects.get(public_id=completed["id"]).metadata["dicom"]
    assert metadata["modality"] == "MR" and metadata["study_description"] == "BRAIN W/WO CONTRAST"


def test_zip_safety_reads_only_the_tail_and_the_central_directory():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for i in range(50):
            archive.writestr(f"DICOM/IM{i:04d}", b"\0" * 100_000)
    data = out.getvalue()
    read_range, reads = recording_reader(data)

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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # as a family's zip tool does
        archive.writestr("AUTORUN.INF", b"[autorun]\nopen=viewer.exe\n")
        archive.writestr("VIEWER/viewer.exe", b"MZ" + bytes(200_000))
        archive.writestr("DICOMDIR", dicom_bytes(1024))
        for i in range(20):
            archive.writestr(f"DICOM/IM{i:04d}", dicom_bytes(2 * MiB, modality="CT", description="CHEST W CONTRAST"))
    data = out.getvalue()
    read_range, reads = recording_reader(data)

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
