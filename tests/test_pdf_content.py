"""A PDF is decided by its content, head and tail (uploads/content_types.py); so is the stored Content-Type."""

import pytest

from requests_app.uploads import content_types, sniffing
from tests.upload_samples import dicom_bytes, pdf_bytes

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(500)


def head_and_tail(data):
    return data[: sniffing.SNIFF_BYTES], data[-content_types.PDF_TAIL_BYTES :]


def test_a_pdf_with_header_and_end_marker_is_a_pdf_stored_as_application_pdf():
    kind = content_types.detect_kind(*head_and_tail(pdf_bytes(50_000)))
    assert kind == sniffing.PDF
    assert content_types.stored_content_type(kind) == "application/pdf"


def test_html_carrying_the_pdf_header_in_a_comment_is_not_a_pdf():
    polyglot = b"<html><!-- %PDF-1.4 --><body><script>alert(document.cookie)</script></body></html>\n%%EOF"
    assert sniffing.detect_type(polyglot) == sniffing.PDF  # what the old check believed
    assert not content_types.is_pdf(*head_and_tail(polyglot))
    kind = content_types.detect_kind(*head_and_tail(polyglot))
    assert kind is None
    assert content_types.stored_content_type(kind) == "application/octet-stream"


@pytest.mark.parametrize(
    "prefix",
    [b"<!-- ", b"<html>", b"<?xml version='1.0'?>", b"</x> ", b"<svg onload=x> ", b"< script>"],
)
def test_anything_html_like_before_the_header_makes_it_not_a_pdf(prefix):
    assert not content_types.is_pdf(*head_and_tail(prefix + pdf_bytes()))


def test_harmless_bytes_before_the_header_are_allowed_as_readers_allow_them():
    # Some scanners' PDFs start with a byte-order mark or a line of whitespace before "%PDF-".
    assert content_types.is_pdf(*head_and_tail(b"\xef\xbb\xbf\r\n" + pdf_bytes()))
    assert content_types.is_pdf(*head_and_tail(b" " * 1000 + pdf_bytes()))


def test_a_header_past_the_first_kilobyte_is_not_a_pdf():
    assert not content_types.is_pdf(*head_and_tail(b" " * 1024 + pdf_bytes()))


def test_a_pdf_without_its_end_marker_is_not_a_pdf():
    truncated = pdf_bytes(50_000)[:-6]
    assert not content_types.is_pdf(*head_and_tail(truncated))
    assert content_types.detect_kind(*head_and_tail(truncated)) is None


def test_a_jpeg_whose_first_kilobyte_mentions_pdf_is_still_a_jpeg():
    photo = JPEG[:20] + b"Scanned to %PDF-1.7 by the clinic" + JPEG[20:]
    assert content_types.detect_kind(*head_and_tail(photo)) == sniffing.JPEG


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(dicom_bytes(), "application/dicom"), (JPEG, "image/jpeg"), (b"\x89PNG\r\n\x1a\n" + bytes(40), "image/png")],
)
def test_the_stored_content_type_follows_the_sniffed_type(data, content_type):
    assert content_types.stored_content_type(content_types.detect_kind(*head_and_tail(data))) == content_type


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("README.TXT", b"Radiology CD\r\nInstructions\r\n", content_types.TEXT),
        ("notes.txt", "\ufeffNotas del m\u00e9dico".encode("utf-16"), content_types.TEXT),
        ("notes.txt", "<script>x()</script>".encode("utf-16"), content_types.MARKUP),
        ("DICOMDIR.xml", b'<?xml version="1.0"?><dicomdir/>', content_types.TEXT),
        ("a.txt", b"@echo off\r\ndel *.*", content_types.MARKUP),
        ("a.dat", bytes(range(256)), content_types.UNKNOWN),
        ("setup.EXE", b"plain words", content_types.PROGRAM),
        ("invoice.pdf.exe. ", pdf_bytes(), content_types.PROGRAM),
        ("empty.exe", b"", content_types.PROGRAM),
        ("empty.dcm", b"", content_types.EMPTY),
    ],
)
def test_archive_entries_are_classified_by_content_and_runnable_names(name, data, kind):
    assert content_types.entry_kind(name, *head_and_tail(data), len(data)) == kind
