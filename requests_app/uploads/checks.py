"""What happens to a file once it is complete: its archive inspected, its bytes scanned for malware.

``complete_upload`` marks a finished file uploaded but quarantined (``scan_status`` pending) and
queues ``check_document`` (a Celery task, ``uploads/tasks.py``), which:

1. streams a ZIP from storage through ``archives.inspect_archive`` with the category's allow-list
   (a violation rejects the document with the reason for the family; the real unpacked size is
   recorded in its metadata);
2. streams the object to clamd in bounded chunks (``scanning.scan_chunks``): clean opens it to
   staff (and calls ``after_scan_clean``); infected rejects it, deletes the object and tells the
   family to call; a file over ``scanning.LARGEST_SCANNABLE_BYTES`` (clamd's ceiling) or one clamd
   gives up on stays quarantined until staff release it explicitly (an audited action);
   clamd down keeps it pending, and ``documents_to_rescan`` finds it again when clamd is back.

With MALWARE_SCANNING off, files are "not scanned" and open to staff once any archive is inspected.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Document, DocumentStatus, ScanStatus
from . import archives, scanning, sniffing
from .backends import get_backend

logger = logging.getLogger(__name__)

#: Bytes read from storage per chunk when streaming an object to clamd.
SCAN_CHUNK_BYTES = 1024 * 1024
#: Readahead of the ranged reader a ZIP is inspected through (sequential GETs of this size).
ARCHIVE_READAHEAD_BYTES = 8 * 1024 * 1024

#: Sent once a document may be opened by staff (scanned clean, or scanning off); previews listen here.
document_openable = Signal()


def needs_checks(document):
    """Whether a completed document waits for a task: scanning is on, or it is a ZIP to unpack."""
    return scanning.scanning_enabled() or document.detected_type == sniffing.ZIP


def initial_scan_status(document):
    """The scan state a document completes with: pending (quarantined) until its checks ran, else off."""
    return ScanStatus.PENDING if needs_checks(document) else ScanStatus.OFF


def queue_checks_after_commit(document):
    """Queue ``check_document`` once the completion is committed (the beat's rescan covers a lost publish)."""
    if document.scan_status != ScanStatus.PENDING:
        transaction.on_commit(lambda: after_scan_clean(document))
        return
    from .tasks import check_uploaded_document

    def publish():
        try:
            check_uploaded_document.apply_async((document.pk,), retry=False)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the family's upload
            logger.warning("could not queue the checks of document %s; the periodic rescan will", document.pk)

    transaction.on_commit(publish)


def check_document(document_pk):
    """Inspect and scan one pending document; returns its scan state, or None if another run has it.

    The row lock (SKIP LOCKED) lets only one run check a document at a time, and a run finding it no
    longer pending does nothing, so the task is safe to run twice or concurrently.
    """
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(skip_locked=True)
            .filter(pk=document_pk, status=DocumentStatus.UPLOADED, scan_status=ScanStatus.PENDING)
            .first()
        )
        if document is None:
            return None
        backend = get_backend()
        reason = _inspect_archive(document, backend)
        if reason:
            _reject(document, backend, reason)
            return document.scan_status
        _record_scan(document, backend, _scan(document, backend))
    if document.is_openable:
        after_scan_clean(document)
    return document.scan_status


def _inspect_archive(document, backend):
    """None when the document is no ZIP or its every entry passes, else the family's reason (metadata filled)."""
    if document.detected_type != sniffing.ZIP or document.metadata.get("zip_inspected"):
        return None
    reader = sniffing.RangedReader(
        lambda start, end: backend.read_range(document.storage_key, start, end),
        document.stored_size,
        readahead=ARCHIVE_READAHEAD_BYTES,
    )
    limits = archives.ArchiveLimits(
        max_total_bytes=settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES, max_entries=settings.UPLOAD_ZIP_MAX_ENTRIES
    )
    try:
        report = archives.inspect_archive(reader, archives.entry_kinds_for(document.category), limits)
    except archives.ArchiveRefused as refused:
        return _("We cannot accept this ZIP file: %(why)s") % {"why": refused.reason}
    document.metadata = {
        **document.metadata,
        "zip_inspected": True,
        "zip_uncompressed_bytes": report.uncompressed_bytes,
        "zip_kinds": report.kinds,
    }
    return None


def _scan(document, backend):
    """clamd's verdict on the stored object (a ScanResult), or None when scanning is off."""
    if not scanning.scanning_enabled():
        return None
    if (document.stored_size or 0) > scanning.LARGEST_SCANNABLE_BYTES:
        return scanning.ScanResult(scanning.UNSCANNABLE, reason="larger than clamd can scan")
    chunks = backend.iter_chunks(document.storage_key, SCAN_CHUNK_BYTES)
    return scanning.scan_chunks(chunks, scanning.configured_address(), scanning.configured_timeout())


def _record_scan(document, backend, result):
    """Store the verdict: infected files are rejected and deleted; a scanner that was down leaves it pending."""
    if result is not None and result.status == scanning.UNAVAILABLE:
        document.save(update_fields=["metadata"])  # keep the archive's inspection for the retry
        return
    document.scanned_at = timezone.now()
    if result is None:
        document.scan_status = ScanStatus.OFF
    elif result.status == scanning.CLEAN:
        document.scan_status = ScanStatus.CLEAN
    elif result.status == scanning.INFECTED:
        document.scan_signature = result.signature[:200]
        logger.warning("document %s is infected (%s); rejected and deleted", document.pk, result.signature)
        _reject(document, backend, infected_message(), ScanStatus.INFECTED)
        return
    elif (document.stored_size or 0) > scanning.LARGEST_SCANNABLE_BYTES:
        document.scan_status = ScanStatus.TOO_LARGE
    else:
        document.scan_status = ScanStatus.UNSCANNED
        document.scan_signature = result.reason[:200]
    document.save()


def infected_message():
    """What the family reads about a file the scanner flagged (no signature name: it would only alarm)."""
    return _("We could not accept this file. Please call us at %(phone)s so we can get your records another way.") % {
        "phone": settings.CENTER_PHONE
    }


def _reject(document, backend, reason, scan_status=None):
    """Reject a completed document with the family's reason, deleting its object."""
    backend.discard(document)
    document.status = DocumentStatus.REJECTED
    document.rejection_reason = str(reason)[:300]
    if scan_status:
        document.scan_status = scan_status
        document.scanned_at = timezone.now()
    document.save()


def documents_to_rescan():
    """Pending documents whose checks did not finish (scanner down, lost task); empty while clamd is down."""
    if scanning.scanning_enabled() and not scanning.ping(scanning.configured_address()):
        return []
    settled = timezone.now() - timedelta(seconds=settings.UPLOAD_RESCAN_AFTER_SECONDS)
    return list(
        Document.objects.filter(
            status=DocumentStatus.UPLOADED, scan_status=ScanStatus.PENDING, completed_at__lt=settled
        ).values_list("pk", flat=True)
    )


def release_unscanned(document):
    """Staff open a file the scanner could not check (too large, or over clamd's limits); the caller audits it."""
    if document.status != DocumentStatus.UPLOADED or document.scan_status not in (
        ScanStatus.TOO_LARGE,
        ScanStatus.UNSCANNED,
    ):
        return False
    document.scan_status = ScanStatus.RELEASED
    document.save(update_fields=["scan_status"])
    after_scan_clean(document)
    return True


def after_scan_clean(document):
    """Called once a document may be opened by staff: its previews become due; ``document_openable`` is sent."""
    from .. import series_previews

    series_previews.on_document_completed(document)
    document_openable.send(sender=Document, document=document)
