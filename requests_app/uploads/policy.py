"""The file policy: which files each category accepts, how large they may be, and how they are cut into parts."""

import math
import posixpath

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import DocumentCategory
from ..validators import hidden_characters
from . import sniffing
from .errors import UploadRefused

MiB = 1024 * 1024
S3_MAX_PART = 5 * 1024 * MiB
# Stay well under S3's 10,000 parts so a rounding slip can never hit the limit.
TARGET_MAX_PARTS = 9_000

#: The file types each category accepts (sniffed from the bytes, see sniffing.py).
ACCEPTED_TYPES = {
    DocumentCategory.SCANS: [sniffing.DICOM, sniffing.ZIP, sniffing.JPEG, sniffing.PNG],
    DocumentCategory.SLIDES: [sniffing.TIFF, sniffing.DICOM, sniffing.ZIP],
    DocumentCategory.REPORTS: [sniffing.PDF, sniffing.JPEG, sniffing.PNG, sniffing.HEIC, sniffing.TIFF],
    DocumentCategory.TREATMENT_PLAN: [sniffing.PDF, sniffing.JPEG, sniffing.PNG, sniffing.HEIC],
    DocumentCategory.INSURANCE_CARD: [sniffing.JPEG, sniffing.PNG, sniffing.HEIC, sniffing.PDF],
}
#: File name extensions the browser may offer for each type; files with none are allowed where DICOM is.
EXTENSIONS = {
    sniffing.DICOM: [".dcm", ".dicom", ".dic", ".ima"],
    sniffing.ZIP: [".zip"],
    sniffing.PDF: [".pdf"],
    sniffing.JPEG: [".jpg", ".jpeg"],
    sniffing.PNG: [".png"],
    sniffing.HEIC: [".heic", ".heif"],
    sniffing.TIFF: [".svs", ".ndpi", ".tif", ".tiff", ".scn", ".bif"],
}


def accepted_types(category):
    """Which files a category accepts: its sniffed types (the UPLOAD_ACCEPTED_TYPES setting may override)."""
    override = settings.UPLOAD_ACCEPTED_TYPES.get(str(category))
    return list(override) if override else list(ACCEPTED_TYPES.get(category, []))


def accepted_extensions(category):
    """The file name extensions the browser may offer for a category (derived from its accepted types)."""
    return [ext for kind in accepted_types(category) for ext in EXTENSIONS.get(kind, [])]


def expected_kind(category, name):
    """The accepted type a file's name suggests (DICOM for a name without extension where DICOM is accepted)."""
    extension = posixpath.splitext(name.lower())[1]
    for kind in accepted_types(category):
        if extension in EXTENSIONS.get(kind, []):
            return kind
    return sniffing.DICOM if accepts_files_without_extension(category) else None


def accepts_files_without_extension(category):
    """CDs hold DICOM files without extensions: allowed wherever DICOM is."""
    return sniffing.DICOM in accepted_types(category)


def declared_type_acceptable(category, name):
    """The browser's side of the type rule: an accepted extension, or none where DICOM is accepted."""
    extension = posixpath.splitext(name.lower())[1]
    if not extension or len(extension) > 6 or not extension[1:].isalnum() or extension[1:].isdigit():
        # Extension-less CD files and "1.2.840.113619.2.55.1" style DICOM names (a UID is not an extension).
        return accepts_files_without_extension(category)
    return extension in accepted_extensions(category)


def describe_accepted(category):
    """Plain words for what a category accepts, used in every refusal message."""
    kinds = ", ".join(sniffing.TYPE_LABELS[kind] for kind in accepted_types(category))
    return _("%(category)s accepts: %(kinds)s, up to %(size)s per file.") % {
        "category": DocumentCategory(category).label,
        "kinds": kinds,
        "size": human_size(settings.UPLOAD_MAX_FILE_BYTES),
    }


def human_size(size):
    """Sizes as people read them (decimal units, like the operating system's file dialogs)."""
    size = float(size or 0)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def check_declared_file(category, name, size):
    """Refuse, before any byte is sent, a file whose category, size or name the policy rules out."""
    if category not in DocumentCategory.values:
        raise UploadRefused(_("Please choose which kind of record this file is."))
    if not isinstance(size, int) or size <= 0:
        raise UploadRefused(_("This file is empty. Please choose the file again."))
    if size > settings.UPLOAD_MAX_FILE_BYTES:
        raise UploadRefused(
            _("This file is larger than %(limit)s, the most we accept for one file. %(accepted)s")
            % {"limit": human_size(settings.UPLOAD_MAX_FILE_BYTES), "accepted": describe_accepted(category)}
        )
    if not declared_type_acceptable(category, name):
        raise UploadRefused(
            _("We cannot accept this type of file here. %(accepted)s") % {"accepted": describe_accepted(category)}
        )


def check_file_names(name, relative_path=""):
    """Refuse a file name or folder path with NUL, control or text-direction characters, before anything is stored.

    Such names cannot be stored (PostgreSQL refuses NUL), break download headers (CR/LF) or disguise
    a file's type (U+202E shows "scan\u202egpj.exe" as "scanexe.jpg").
    """
    if hidden_characters(name) or hidden_characters(relative_path):
        raise UploadRefused(
            _(
                "This file's name contains a hidden character (such as a line break or a text-direction "
                "character) that we cannot accept. Please rename the file and choose it again."
            )
        )


def check_request_room(live_count, live_bytes, size):
    """Refuse a file that would take the request above its file count or total size."""
    if live_count >= settings.UPLOAD_MAX_FILES_PER_REQUEST:
        raise UploadRefused(
            _("This request already has %(count)s files, the most we accept.")
            % {"count": settings.UPLOAD_MAX_FILES_PER_REQUEST}
        )
    if live_bytes + size > settings.UPLOAD_MAX_REQUEST_BYTES:
        raise UploadRefused(
            _("Adding this file would take this request above %(limit)s in total. Please call us to send more.")
            % {"limit": human_size(settings.UPLOAD_MAX_REQUEST_BYTES)}
        )


def choose_part_size(size):
    """Parts of at least the minimum (S3: 5 MiB) and at most 9,000 of them, whole MiB."""
    minimum = max(settings.UPLOAD_MIN_PART_BYTES, 1)
    wanted = max(minimum, math.ceil(size / TARGET_MAX_PARTS))
    if wanted > minimum:
        wanted = math.ceil(wanted / MiB) * MiB
    return min(wanted, S3_MAX_PART)


def part_length(document, number):
    """The exact length of part ``number`` (every part is the part size but the last)."""
    return min(document.part_size, document.declared_size - (number - 1) * document.part_size)


def part_count(document):
    """How many parts the document's declared size makes at its part size."""
    return max(1, math.ceil(document.declared_size / document.part_size))
