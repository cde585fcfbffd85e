"""Deleting what nobody will finish: abandoned drafts' files and multipart uploads no document owns."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import uploads
from .models import Document, DocumentStatus, SecondOpinionRequest

logger = logging.getLogger(__name__)


def abandoned_drafts(now=None):
    """Drafts nobody has saved for ABANDONED_DRAFT_DAYS that still hold files."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ABANDONED_DRAFT_DAYS)
    return SecondOpinionRequest.objects.drafts().filter(
        updated_at__lt=cutoff, pk__in=Document.objects.live().values("request")
    )


def delete_abandoned_draft_files(now=None):
    """Delete the stored files (and pending uploads) of abandoned drafts; the rows stay, marked removed."""
    count = 0
    for draft in abandoned_drafts(now):
        for document in draft.documents.live().select_related("request"):
            uploads.remove_document(document)
            count += 1
    return count


def abort_orphan_multipart_uploads(now=None):
    """Abort multipart uploads that no pending document owns, once older than the grace period."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.UPLOAD_ORPHAN_GRACE_HOURS)
    backend = uploads.get_backend()
    owned = set(
        Document.objects.filter(status=DocumentStatus.PENDING)
        .exclude(multipart_upload_id="")
        .values_list("multipart_upload_id", flat=True)
    )
    aborted = 0
    for key, upload_id, initiated in list(backend.multipart_uploads()):
        if upload_id in owned or initiated > cutoff:
            continue
        backend.abort(key, upload_id)
        aborted += 1
    return aborted


def clean_up(now=None):
    """The periodic clean-up: both of the above; returns what it did, for the task's log line."""
    removed = delete_abandoned_draft_files(now)
    aborted = abort_orphan_multipart_uploads(now)
    logger.info("upload clean-up: %s abandoned draft files deleted, %s orphan uploads aborted", removed, aborted)
    return {"files_deleted": removed, "uploads_aborted": aborted}
