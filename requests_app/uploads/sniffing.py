"""What a stored file really is, read from its bytes and never from its name or the browser's word.

Everything here works on ranged reads: the first bytes for the type and the DICOM header
(``stop_before_pixels``), the tail and the central directory for a ZIP. No function reads a
whole object, so checking a 20 GB upload costs a few small GET requests.
"""

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass

import pydicom
from pydicom.errors import InvalidDicomError

DICOM = "dicom"
ZIP = "zip"
PDF = "pdf"
JPEG = "jpeg"
PNG = "png"
HEIC = "heic"
TIFF = "tiff"

TYPE_LABELS = {
    DICOM: "DICOM image",
    ZIP: "ZIP file",
    PDF: "PDF document",
    JPEG: "JPEG image",
    PNG: "PNG image",
    HEIC: "HEIC photo",
    TIFF: "TIFF-based slide or image (such as SVS or NDPI)",
}

#: How many leading bytes identify a type (the DICOM preamble and prefix need 132).
SNIFF_BYTES = 4096
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
# DICOM groups a preamble-less file can start with: the file meta group or the identifying group.
_DICOM_FIRST_GROUPS = {0x0002, 0x0008}
_VR_CODES = re.compile(
    rb"^(AE|AS|AT|CS|DA|DS|DT|FL|FD|IS|LO|LT|OB|OD|OF|OL|OV|OW|PN|SH|SL|SQ|SS|ST|SV|TM|UC|UI|UL|UN|UR|US|UT|UV)$"
)


def detect_type(head: bytes) -> str | None:
    """The file type its first bytes show, or None when it is none of the types records may have."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return DICOM
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if _looks_like_dicom_without_preamble(head):
        return DICOM
    return None


def _looks_like_dicom_without_preamble(head: bytes) -> bool:
    """Old CDs hold DICOM files with no 128-byte preamble: accept them only if pydicom can read a header."""
    if len(head) < 8:
        return False
    group = int.from_bytes(head[0:2], "little")
    if group not in _DICOM_FIRST_GROUPS:
        return False
    explicit_vr = bool(_VR_CODES.match(head[4:6]))
    implicit_length = int.from_bytes(head[4:8], "little")
    if not explicit_vr and implicit_length > 1024:
        return False
    try:
        dataset = pydicom.dcmread(io.BytesIO(head), force=True, stop_before_pixels=True)
    except Exception:  # noqa: BLE001 - any failure to parse means "not DICOM"
        return False
    return any(tag in dataset for tag in ("SOPClassUID", "Modality", "StudyInstanceUID"))


def slide_format(head: bytes, file_name: str) -> str:
    """Which whole-slide format a TIFF-based file is, for the review page; "" when unknown."""
    if b"Aperio" in head:
        return "SVS"
    extension = posixpath.splitext(file_name.lower())[1]
    return {".ndpi": "NDPI", ".svs": "SVS", ".scn": "SCN", ".bif": "BIF", ".tif": "TIFF", ".tiff": "TIFF"}.get(
        extension, "TIFF"
    )


# --- DICOM headers -------------------------------------------------------------------------


def dicom_summary(head: bytes) -> dict | None:
    """What the header says (modality, study, series, images), parsed from the first bytes only.

    Returns None when the header does not fit in ``head`` (the caller reads a longer range).
    """
    try:
        dataset = pydicom.dcmread(io.BytesIO(head), force=True, stop_before_pixels=True)
    except (EOFError, InvalidDicomError, OSError, ValueError):
        return None
    except Exception:  # noqa: BLE001 - a truncated element can surface as anything inside pydicom
        return None
    summary = {}
    for key, keyword in [
        ("modality", "Modality"),
        ("study_date", "StudyDate"),
        ("study_description", "StudyDescription"),
        ("series_description", "SeriesDescription"),
        ("series_number", "SeriesNumber"),
        ("series_uid", "SeriesInstanceUID"),
        ("study_uid", "StudyInstanceUID"),
        ("number_of_frames", "NumberOfFrames"),
        ("images_in_acquisition", "ImagesInAcquisition"),
        ("instance_number", "InstanceNumber"),
    ]:
        value = dataset.get(keyword)
        if value not in (None, ""):
            summary[key] = str(value)
    if summary.get("study_date") and re.fullmatch(r"\d{8}", summary["study_date"]):
        d = summary["study_date"]
        summary["study_date"] = f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return summary


# --- ZIP safety ----------------------------------------------------------------------------


class UnsafeZip(Exception):
    """The ZIP would write outside its folder, is too large once unpacked, or cannot be read."""


@dataclass
class ZipSummary:
    entries: int
    uncompressed_bytes: int
    dicom: dict | None = None

    def as_metadata(self):
        metadata = {"zip_entries": self.entries, "zip_uncompressed_bytes": self.uncompressed_bytes}
        if self.dicom:
            metadata["dicom"] = self.dicom
        return metadata


class RangedReader(io.RawIOBase):
    """A seekable read-only file over ``read_range(start, end_inclusive)``: each read is one ranged request."""

    def __init__(self, read_range, size, readahead=0):
        self._read_range = read_range
        self._size = size
        self._position = 0
        self.readahead = readahead  # fetch at least this much per request (zipfile reads 4 KiB at a time)
        self._cached_start, self._cached = 0, b""
        self.ranges_read = []

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer):
        if self._position >= self._size or len(buffer) == 0:
            return 0
        offset = self._position - self._cached_start
        if not (offset >= 0 and offset + len(buffer) <= len(self._cached)):
            end = min(self._size, self._position + max(len(buffer), self.readahead)) - 1
            self._cached_start, self._cached = self._position, self._read_range(self._position, end)
            self.ranges_read.append((self._position, end))
            offset = 0
        data = self._cached[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def inspect_zip(read_range, size, *, max_uncompressed_bytes, max_entries, max_directory_bytes, dicom_header_bytes=0):
    """Check a stored ZIP from its tail and central directory only: entries stay inside, total bounded.

    With ``dicom_header_bytes``, also read the header of the first DICOM image inside (a CD's study),
    from that many bytes of one entry: never the whole archive, never pixel data on purpose.
    """
    reader = RangedReader(read_range, size)
    try:
        archive = zipfile.ZipFile(DirectoryBoundedReader(reader, max_directory_bytes))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnsafeZip("The ZIP file is damaged or incomplete.") from error
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise UnsafeZip(f"The ZIP file holds more than {max_entries} files.")
    total = 0
    for info in infos:
        if not zip_entry_stays_inside(info.filename):
            raise UnsafeZip("The ZIP file has an entry that points outside its folder.")
        total += info.file_size
        if total > max_uncompressed_bytes:
            raise UnsafeZip("The ZIP file would be too large once unpacked.")
    dicom = None
    if dicom_header_bytes:
        reader.readahead = dicom_header_bytes + 64 * 1024  # one request covers an entry's header and start
        dicom = _first_dicom_summary(archive, infos, dicom_header_bytes)
    return ZipSummary(entries=len(infos), uncompressed_bytes=total, dicom=dicom)


DICOM_ENTRY_EXTENSIONS = {"", ".dcm", ".dicom", ".dic", ".ima"}


def _first_dicom_summary(archive, infos, header_bytes, attempts=3):
    """The header summary of the first entry that is a DICOM image; None if the first few are not."""
    candidates = [
        info
        for info in infos
        if not info.is_dir()
        and posixpath.basename(info.filename).upper() != "DICOMDIR"
        and posixpath.splitext(info.filename)[1].lower() in DICOM_ENTRY_EXTENSIONS
    ]
    for info in candidates[:attempts]:
        try:
            with archive.open(info) as entry:
                head = entry.read(header_bytes)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError, zlib.error):
            continue  # encrypted, unsupported compression or damaged: the archive was still checked above
        if detect_type(head) == DICOM:
            summary = dicom_summary(head)
            if summary:
                return summary
    return None


class DirectoryBoundedReader(io.RawIOBase):
    """A view of a file that refuses any single read over ``limit`` (a ZIP bomb's giant central directory)."""

    def __init__(self, inner, limit):
        self._inner = inner
        self._limit = limit

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._inner.tell()

    def seek(self, offset, whence=io.SEEK_SET):
        return self._inner.seek(offset, whence)

    def read(self, n=-1):
        if n is None or n < 0:  # zipfile reads the end record "to the end of the file"
            here = self._inner.tell()
            n = max(0, self._inner.seek(0, io.SEEK_END) - here)
            self._inner.seek(here)
        if n > self._limit:
            raise ValueError("ZIP directory too large")
        return self._inner.read(n)

    def readinto(self, buffer):
        return self._inner.readinto(buffer)


def zip_entry_stays_inside(name: str) -> bool:
    """False for absolute paths, drive letters and any ``..`` component (a "zip slip")."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized):
        return False
    return ".." not in normalized.split("/")
