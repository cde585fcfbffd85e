"""ZIPs are unpacked and checked entry by entry (requests_app/uploads/archives.py), whatever their headers claim."""

import io
import zipfile
import zlib

import pytest

from requests_app.models import DocumentCategory
from requests_app.uploads import archives, sniffing
from tests.upload_samples import dicom_bytes, pdf_bytes, zip_bytes
from tests.zip_crafting import GiB, MiB, patch_entry, write_zeros_zip

SCANS = archives.entry_kinds_for(DocumentCategory.SCANS)
LIMITS = archives.ArchiveLimits(max_total_bytes=4 * GiB, max_entries=1000)
PE_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode.\r\n" + bytes(200)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(500)


def inspect(data, allowed=SCANS, limits=LIMITS):
    return archives.inspect_archive(io.BytesIO(data), allowed, limits)


def refusal(data, allowed=SCANS, limits=LIMITS):
    with pytest.raises(archives.ArchiveRefused) as refused:
        inspect(data, allowed, limits)
    return refused.value


@pytest.fixture(scope="module")
def zeros_zip(tmp_path_factory):
    """1 GiB of zeros deflated into a ZIP of about 1 MB, built by streaming (bytes of it on disk)."""
    return write_zeros_zip(tmp_path_factory.mktemp("bombs") / "zeros.zip").read_bytes()


def test_a_cd_with_images_documents_and_a_dicomdir_is_accepted_with_its_real_size():
    entries = {
        "DICOMDIR": dicom_bytes(pixel_bytes=0),
        "DICOM/IM0001": dicom_bytes(),
        "DICOM/IM0002.dcm": dicom_bytes(),
        "README.TXT": b"Radiology CD\r\nPatient study 2026\r\n",
        "index.xml": b'<?xml version="1.0"?><study><series n="1"/></study>',
        "report.pdf": pdf_bytes(),
        "photo.jpg": JPEG,
        "empty/": b"",
    }
    report = inspect(zip_bytes(entries))
    assert report.uncompressed_bytes == sum(len(data) for data in entries.values())
    assert report.entries == len(entries)
    assert report.kinds == {"dicom": 3, "text": 2, "pdf": 1, "jpeg": 1}


def test_one_gib_of_zeros_in_a_one_mb_zip_is_refused_as_a_bomb(zeros_zip):
    assert len(zeros_zip) < 2 * MiB
    refused = refusal(zeros_zip)
    assert refused.reason == archives.BOMB
    assert refused.entry_name == "scan/zeros.dcm"


def test_headers_claiming_1000_bytes_over_a_1_gib_deflate_stream_are_refused(zeros_zip):
    liar = patch_entry(zeros_zip, file_size=1000, crc=zlib.crc32(bytes(1000)))
    assert zipfile.ZipFile(io.BytesIO(liar)).infolist()[0].file_size == 1000  # what the headers say
    assert refusal(liar).reason == archives.BOMB


def test_a_size_claim_that_differs_from_the_real_content_is_refused_not_recorded():
    data = bytes(range(256)) * 400
    liar = patch_entry(zip_bytes({"IM0001.dcm": dicom_bytes(), "notes.txt": b"x" * len(data)}), 1, file_size=1000)
    assert refusal(liar).reason == archives.SIZES_MISMATCH


def test_the_real_total_is_bounded_mid_entry_even_when_the_headers_claim_little():
    liar = patch_entry(zip_bytes({"notes.txt": b"plain text line\n" * 3 * 65536}), file_size=10)  # 3 MiB, stored
    limits = archives.ArchiveLimits(max_total_bytes=2 * MiB, max_entries=100)
    assert refusal(liar, limits=limits).reason == archives.TOO_LARGE


def test_many_small_entries_that_each_pass_but_together_unpack_too_far_are_refused():
    entries = {f"IM{i:04}.txt": b" " * (512 * 1024) for i in range(40)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    limits = archives.ArchiveLimits(max_total_bytes=GiB, max_entries=100, max_ratio=100, ratio_floor_bytes=MiB)
    refused = refusal(buffer.getvalue(), limits=limits)
    assert (refused.reason, refused.entry_name) == (archives.BOMB, "")


def test_too_many_entries_are_refused():
    limits = archives.ArchiveLimits(max_total_bytes=GiB, max_entries=10)
    assert refusal(zip_bytes({f"{i}.txt": b"text" for i in range(11)}), limits=limits).reason == (
        archives.TOO_MANY_FILES
    )


def test_a_zip_in_a_zip_whose_entry_escapes_with_dotdot_is_refused():
    inner = zip_bytes({"../evil": b"plain text"})
    refused = refusal(zip_bytes({"IM0001.dcm": dicom_bytes(), "more/series.zip": inner}))
    assert (refused.reason, refused.entry_name) == (archives.PATH_ESCAPES, "../evil")


@pytest.mark.parametrize("name", ["/etc/cron.d/x", "C:/Windows/x.txt", "c:x.txt", "a\\..\\..\\x.txt", "a/../../x"])
def test_names_that_point_outside_the_folder_are_refused(name):
    assert refusal(zip_bytes({name: b"text"})).reason == archives.PATH_ESCAPES


def test_a_zip_of_a_web_page_and_a_setup_program_is_refused():
    refused = refusal(zip_bytes({"readme.html": b"<html><body>Open setup</body></html>", "setup.exe": PE_PROGRAM}))
    assert refused.reason == archives.PROGRAM_INSIDE
    assert refused.entry_name == "readme.html"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("IM0001.dcm", PE_PROGRAM),  # a program whatever its name says
        ("viewer", b"\x7fELF\x02\x01\x01" + bytes(100)),
        ("notes.txt", b"<!DOCTYPE html><script>fetch('x')</script>"),
        ("run.txt", b"#!/bin/sh\nrm -rf ~\n"),
        ("photo.jpg.js", b"var a = 1;"),  # Windows runs .js files on a double-click
    ],
)
def test_programs_scripts_and_web_pages_are_refused_by_content_or_runnable_name(name, data):
    assert refusal(zip_bytes({"IM0001.dcm": dicom_bytes(), name: data})).reason == archives.PROGRAM_INSIDE


def test_content_that_is_neither_image_nor_document_is_refused():
    refused = refusal(zip_bytes({"data.bin": bytes(range(256)) * 8}))
    assert refused.reason == archives.NOT_ACCEPTED_INSIDE


def test_a_category_that_takes_no_zip_allows_nothing_inside():
    allowed = archives.entry_kinds_for(DocumentCategory.INSURANCE_CARD)
    assert refusal(zip_bytes({"card.jpg": JPEG}), allowed=allowed).reason == archives.NOT_ACCEPTED_INSIDE


def test_nested_zips_are_inspected_to_the_depth_limit():
    level3 = zip_bytes({"IM0003.dcm": dicom_bytes()})
    level2 = zip_bytes({"IM0002.dcm": dicom_bytes(), "deeper.zip": level3})
    upload = zip_bytes({"IM0001.dcm": dicom_bytes(), "series.zip": level2})
    report = inspect(upload, limits=archives.ArchiveLimits(max_total_bytes=GiB, max_entries=100, max_depth=3))
    assert report.kinds == {"dicom": 3, "zip": 2}
    assert report.uncompressed_bytes == len(dicom_bytes()) + len(level2)
    shallow = archives.ArchiveLimits(max_total_bytes=GiB, max_entries=100, max_depth=2)
    assert refusal(upload, limits=shallow).reason == archives.TOO_DEEP


def test_deflated_nested_zips_are_unpacked_and_checked():
    inner = zip_bytes({"setup.exe": PE_PROGRAM})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("series.zip", inner)
    refused = refusal(buffer.getvalue())
    assert (refused.reason, refused.entry_name) == (archives.PROGRAM_INSIDE, "setup.exe")


def test_links_and_password_protected_entries_are_refused():
    link = zipfile.ZipInfo("scans")
    link.external_attr = 0o120777 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(link, "/etc")
    assert refusal(buffer.getvalue()).reason == archives.LINK
    encrypted = patch_entry(zip_bytes({"IM0001.dcm": dicom_bytes()}), flag_bits=0x1)
    assert refusal(encrypted).reason == archives.ENCRYPTED


def test_entries_sharing_their_data_are_refused():
    data = zip_bytes({"a.txt": b"text one", "b.txt": b"text two"})
    assert refusal(patch_entry(data, 1, header_offset=0)).reason == archives.DAMAGED


def test_a_damaged_or_truncated_zip_is_refused():
    data = zip_bytes({"IM0001.dcm": dicom_bytes()})
    assert refusal(data[: len(data) // 2]).reason == archives.DAMAGED
    assert refusal(patch_entry(data, crc=12345)).reason == archives.DAMAGED
    assert refusal(b"PK\x03\x04 not really a zip").reason == archives.DAMAGED


def test_a_giant_central_directory_is_refused_unread():
    data = zip_bytes({f"IM{i:05}.dcm": b"" for i in range(2000)})
    limits = archives.ArchiveLimits(max_total_bytes=GiB, max_entries=100_000, max_directory_bytes=10_000)
    assert refusal(data, limits=limits).reason == archives.DAMAGED


def test_reasons_are_plain_sentences_ready_for_translation():
    from django.utils.functional import Promise

    assert isinstance(archives.BOMB, Promise)
    assert str(archives.PATH_ESCAPES) == "The ZIP file has an entry that points outside its folder."


def test_over_ranged_reads_the_archive_is_read_about_once_in_order():
    entries = {f"DICOM/IM{i:04}": dicom_bytes(pixel_bytes=256 * 1024) for i in range(24)}
    data = zip_bytes(entries)  # about 6 MiB
    reader = sniffing.RangedReader(lambda start, end: data[start : end + 1], len(data), readahead=1024 * 1024)
    report = archives.inspect_archive(reader, SCANS, LIMITS)
    assert report.kinds == {"dicom": 24}
    assert sum(end - start + 1 for start, end in reader.ranges_read) < 1.5 * len(data)
