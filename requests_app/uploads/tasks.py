"""Celery tasks of the upload checks (imported by requests_app/tasks.py so the worker finds them)."""

from celery import shared_task
from django.conf import settings

from . import checks


@shared_task(
    acks_late=True,
    soft_time_limit=settings.CLAMD_TIMEOUT_SECONDS + 600,
    time_limit=settings.CLAMD_TIMEOUT_SECONDS + 660,
)
def check_uploaded_document(document_id):
    """Inspect a completed ZIP and scan the file for malware. Guards against two runs with a row lock
    (SKIP LOCKED) and the document's pending state: a second run finds it locked or checked and stops."""
    return checks.check_document(document_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def rescan_pending_documents():
    """Queue the checks again for documents still pending (clamd was down, a task was lost). Queuing one
    twice is harmless: ``check_uploaded_document`` checks each once."""
    pending = checks.documents_to_rescan()
    for document_id in pending:
        check_uploaded_document.delay(document_id)
    return len(pending)
