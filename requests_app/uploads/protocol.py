"""The records upload protocol: start, part URLs, complete (with content verification), remove.

1. ``start_upload`` creates a pending Document bound to the uploading request, a server-made
   object key and a multipart upload, with a part size chosen from the declared size;
2. the browser asks ``part_urls`` for the parts it still has to send, naming each part's CRC32
   (``stored_parts`` says which ones storage already holds, so a reload resumes instead of
   starting over) and PUTs them straight to storage, a few at a time; on S3 each URL signs the
   part's exact length and CRC32, so S3 itself refuses any other bytes;
3. ``complete_upload`` lists the stored parts itself (ListParts, never the browser's ETags),
   completes the object naming each part's checksum, checks its size, decides its type from its
   content (head, and tail for a PDF) and marks the document uploaded but quarantined, or
   rejected (deleting the object); ``checks`` then inspects archives and scans for malware.
"""

import base64
import logging
import posixpath
import uuid
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import series_previews, workflow
from ..models import Document, DocumentCategory, DocumentStatus, ReportType, SecondOpinionRequest, Status
from ..validators import hidden_characters
from . import checks, content_types, sniffing
from .backends import get_backend
from .errors import UploadGone, UploadRefused
from .policy import (
    MiB,
    accepted_types,
    check_declared_file,
    check_file_names,
    check_request_room,
    choose_part_size,
    describe_accepted,
    expected_kind,
    human_size,
    part_count,
    part_length,
)

logger = logging.getLogger(__name__)

PART_URL_BATCH = 100
GONE = object()  # _assemble's answer when storage no longer has the multipart upload


@dataclass
class StartRequest:
    name: str
    size: int
    category: str
    content_type: str = ""
    report_type: str = ""
    relative_path: str = ""


def new_object_key(request_obj):
    """Server-made and meaningless: never from the file name, nothing about the child in it."""
    return f"records/{request_obj.public_id.hex}/{uuid.uuid4().hex}"


def start_upload(owner, spec: StartRequest):
    """Create the pending document and its multipart upload; refuse types and sizes the category does not take."""
    check_file_names(spec.name or "", spec.relative_path or "")
    if hidden_characters(spec.content_type or ""):
        spec = replace(spec, content_type="")  # only the browser's hint (the type is sniffed); never stored
    name = posixpath.basename((spec.name or "").replace("\\", "/")).strip()[:255] or "file"
    check_declared_file(spec.category, name, spec.size)
    report_type = spec.report_type if spec.report_type in ReportType.values else ""
    if spec.category == DocumentCategory.REPORTS and not report_type:
        report_type = ReportType.OTHER
    backend = get_backend()
    with transaction.atomic():
        locked = SecondOpinionRequest.objects.select_for_update().get(pk=owner.pk)
        live = locked.documents.live()
        check_request_room(live.count(), live.aggregate(total=Sum("declared_size"))["total"] or 0, spec.size)
        key = new_object_key(locked)
        return Document.objects.create(
            request=locked,
            category=spec.category,
            report_type=report_type,
            original_name=name,
            relative_path=(spec.relative_path or "")[:1024],
            declared_size=spec.size,
            declared_content_type=(spec.content_type or "")[:120],
            storage_key=key,
            multipart_upload_id=backend.create_multipart_upload(
                key, _content_type_before_sniffing(spec.category, name)
            ),
            part_size=choose_part_size(spec.size),
            uploaded_after_submission=not locked.is_draft,
        )


def _content_type_before_sniffing(category, name):
    """The Content-Type an object is created with: what its name leads the server to expect (never the browser's).

    Chosen at creation so the common case needs no copy; ``_store_detected_content_type`` corrects it
    once the content is known, if the content turned out to be another accepted type.
    """
    return content_types.stored_content_type(expected_kind(category, name))


def stored_parts(document):
    """[{"number", "size"}] of the parts storage already holds (ListParts), for resuming.

    Raises UploadGone (after marking the document removed) when storage no longer has the upload.
    """
    if document.status != DocumentStatus.PENDING:
        return []
    parts = get_backend().list_parts(document)
    if parts is None:
        forget_gone_upload(document)
        raise gone()
    return [{"number": n, "size": size} for n, size in parts]


def gone():
    return UploadGone(_("This upload was left unfinished too long and has expired. It will start again."))


def forget_gone_upload(document):
    """Storage aborted the multipart upload: mark the document removed (freeing its place), so the same
    file can start a fresh upload; nothing is left in storage to delete."""
    document.status = DocumentStatus.REMOVED
    document.multipart_upload_id = ""
    document.rejection_reason = "The upload expired in storage before it was finished."
    Document.objects.filter(pk=document.pk, status=DocumentStatus.PENDING).update(
        status=document.status, multipart_upload_id="", rejection_reason=document.rejection_reason
    )


def part_urls(document, numbers, checksums=None):
    """Fresh, short-lived URLs for the given part numbers (at most 100 per call).

    ``checksums`` maps each part number to its CRC32 (base64 of the 4 big-endian bytes, as S3 writes
    it); S3 needs one per part, since each URL signs it with the part's exact length.
    """
    if document.status != DocumentStatus.PENDING:
        raise UploadRefused(_("This upload has already finished."), status=409)
    count = part_count(document)
    wanted = sorted({int(n) for n in numbers})[:PART_URL_BATCH]
    if not wanted or wanted[0] < 1 or wanted[-1] > count:
        raise UploadRefused(_("Those parts do not belong to this file."))
    backend = get_backend()
    crc32s = {n: _valid_crc32((checksums or {}).get(n), backend) for n in wanted}
    return {n: backend.part_url(document, n, part_length(document, n), crc32s[n]) for n in wanted}


def _valid_crc32(value, backend):
    """A part's CRC32 as S3 takes it (8 base64 characters), or UploadRefused when S3 needs one and it is not."""
    if isinstance(value, str) and len(value) == 8 and value.endswith("=="):
        try:
            if len(base64.b64decode(value, validate=True)) == 4:
                return value
        except ValueError:
            pass
    if getattr(backend, "requires_checksums", False):
        raise UploadRefused(_("Each part must come with its checksum. Please reload the page and try again."))
    return None


def complete_upload(document_pk):
    """Complete, verify and sniff one upload; returns the document, uploaded or rejected.

    The row lock makes a repeated "complete" (a retry after a dropped response) return the
    first one's outcome instead of completing twice. Raises UploadGone when storage aborted the upload.
    """
    backend = get_backend()
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_pk)
        if document.status != DocumentStatus.PENDING:
            return document
        reason = _assemble(document, backend)
        if reason is GONE:
            forget_gone_upload(document)
        else:
            reason = reason or verify_content(document, backend)
            if reason:
                return _reject(document, backend, reason)
            document.status = DocumentStatus.UPLOADED
            document.completed_at = timezone.now()
            document.rejection_reason = ""
            document.scan_status = checks.initial_scan_status(document)
            document.save()
            checks.queue_checks_after_commit(document)
    if document.status == DocumentStatus.REMOVED:
        raise gone()  # after the block, so the "removed" mark is committed
    on_document_completed(document)
    return document


def _assemble(document, backend):
    """Join the stored parts into the object; None when it is whole, GONE when storage aborted the upload,
    else why the upload is rejected.

    Raises UploadRefused (409) when parts are only missing, so the browser sends them again.
    """
    parts = backend.list_parts(document)
    if parts is None:
        return GONE
    reason = _parts_problem(document, parts)
    if reason:
        return reason
    try:
        document.checksum = backend.complete_multipart_upload(document, parts)[:80]
    except Exception:
        logger.exception("completing multipart upload failed for document %s", document.pk)
        return _("Storage could not put the file together. Please try again.")
    document.multipart_upload_id = ""
    document.stored_size = backend.size(document.storage_key)
    if document.stored_size != document.declared_size:
        return _("The file that arrived is not the size of the file you chose.")
    return None


def _parts_problem(document, parts):
    """Why the stored parts cannot make the declared file (None when they can); missing parts raise 409."""
    expected = part_count(document)
    numbers = [n for n, _size in parts]
    stored = sum(size for _n, size in parts)
    if stored != document.declared_size:
        missing = sorted(set(range(1, expected + 1)) - set(numbers))
        if missing and stored < document.declared_size and all(1 <= n <= expected for n in numbers):
            raise UploadRefused(
                _("Some parts of this file have not arrived yet: %(parts)s.")
                % {"parts": ", ".join(map(str, missing[:20]))},
                status=409,
            )
        return _(
            "The file that arrived (%(stored)s) is not the size of the file you chose (%(declared)s). Please try again."
        ) % {"stored": human_size(stored), "declared": human_size(document.declared_size)}
    if numbers != list(range(1, expected + 1)):
        return _("The file arrived in pieces that do not fit together. Please try again.")
    return None


def verify_content(document, backend):
    """None when the bytes are what the category accepts (filling detected_type and metadata), else the reason."""
    head_length = min(document.stored_size, max(settings.UPLOAD_DICOM_HEADER_BYTES, sniffing.SNIFF_BYTES))
    head = backend.read_range(document.storage_key, 0, head_length - 1)
    kind = content_types.detect_kind(head, _pdf_tail(document, backend, head))
    if kind not in accepted_types(document.category):
        looks_like = sniffing.TYPE_LABELS.get(kind, _("a type we cannot open"))
        return _("This file is %(looks)s, which we cannot accept here. %(accepted)s") % {
            "looks": looks_like if kind is None else _("a %(type)s") % {"type": looks_like},
            "accepted": describe_accepted(document.category),
        }
    document.detected_type = kind
    _store_detected_content_type(document, backend)
    try:
        metadata = _read_metadata(document, backend, kind, head)
    except sniffing.UnsafeZip as unsafe:
        return _("We cannot accept this ZIP file: %(why)s") % {"why": unsafe}
    document.metadata = {**document.metadata, **metadata}
    return None


def _pdf_tail(document, backend, head):
    """The file's last kilobyte when its head looks like a PDF (one more ranged read), else nothing."""
    if sniffing.detect_type(head) != sniffing.PDF:
        return b""
    start = max(0, document.stored_size - content_types.PDF_TAIL_BYTES)
    return backend.read_range(document.storage_key, start, document.stored_size - 1)


def _store_detected_content_type(document, backend):
    """Make the object's stored Content-Type the one its content decided, if creation guessed otherwise."""
    decided = content_types.stored_content_type(document.detected_type)
    if decided != _content_type_before_sniffing(document.category, document.original_name):
        backend.set_content_type(document.storage_key, decided)


def _read_metadata(document, backend, kind, head):
    """What a parent reads back about the file: the DICOM header, a ZIP's contents, a slide's format."""
    if kind == sniffing.DICOM:
        return _dicom_metadata(document, backend, head)
    if kind == sniffing.ZIP:
        return sniffing.inspect_zip(
            lambda start, end: backend.read_range(document.storage_key, start, end),
            document.stored_size,
            max_uncompressed_bytes=settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES,
            max_entries=settings.UPLOAD_ZIP_MAX_ENTRIES,
            max_directory_bytes=64 * MiB,
            dicom_header_bytes=settings.UPLOAD_DICOM_HEADER_BYTES,
        ).as_metadata()
    if kind == sniffing.TIFF:
        return {"slide_format": sniffing.slide_format(head, document.original_name)}
    return {}


def _dicom_metadata(document, backend, head):
    """The header summary from the first bytes; a longer range only if a header does not fit (never pixel data)."""
    summary = sniffing.dicom_summary(head)
    length = len(head)
    while summary is None and length < min(document.stored_size, 16 * MiB):
        length = min(document.stored_size, length * 4)
        summary = sniffing.dicom_summary(backend.read_range(document.storage_key, 0, length - 1))
    return {"dicom": summary or {}}


def _reject(document, backend, reason):
    """Mark the document rejected with a reason the family reads, and delete what was stored."""
    backend.discard(document)
    document.status = DocumentStatus.REJECTED
    document.rejection_reason = str(reason)[:300]
    document.multipart_upload_id = ""
    document.save()
    return document


def remove_document(document):
    """The family removes (or replaces) a file: abort or delete what is stored and mark it removed."""
    if document.status == DocumentStatus.REMOVED:
        return document
    if document.request.status != Status.DRAFT and document.status == DocumentStatus.UPLOADED:
        # Once the center has a submitted file it is part of the record; the family asks staff instead.
        raise UploadRefused(_("Files already sent to the center cannot be removed here. Please call us."), status=409)
    get_backend().discard(document)
    document.status = DocumentStatus.REMOVED
    document.multipart_upload_id = ""
    document.save(update_fields=["status", "multipart_upload_id"])
    return document


def on_document_completed(document):
    """Previews become due; records the center asked for after submission: the workflow records the event and
    tells the coordinator."""
    series_previews.on_document_completed(document)
    if not document.uploaded_after_submission or document.status != DocumentStatus.UPLOADED:
        return
    workflow.records_uploaded(document)
