"""Celery entry points: each loads by id and calls a domain function; each is safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from . import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(*notifications.RETRYABLE_ERRORS, SoftTimeLimitExceeded, DatabaseError),
    retry_backoff=settings.NOTIFICATION_RETRY_BACKOFF_S,
    retry_backoff_max=settings.NOTIFICATION_RETRY_BACKOFF_MAX_S,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_MAX_ATTEMPTS,
    soft_time_limit=45,
    time_limit=60,
)
def deliver_notification(notification_id):
    """Send one outbox row. Guards against double delivery with a row lock and the row's "sent" state;
    a failed send retries with backoff until the row's attempts run out, then the row is marked failed."""
    return notifications.deliver(notification_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def requeue_pending_notifications():
    """Queue delivery again for outbox rows still pending (broker down at submit, worker died mid-send).
    Running it twice at once only queues a row twice, and delivery's row lock sends it once."""
    return len(notifications.requeue_pending())


@shared_task(acks_late=True)
def clean_up_abandoned_drafts():
    """Delete abandoned drafts' files and abort orphan multipart uploads. Safe twice: deleting or aborting
    what is already gone does nothing, and documents are marked removed as their files go."""
    from . import cleanup

    return cleanup.clean_up()


# The upload checks' tasks live beside their domain code; imported here so the worker registers them.
from .uploads.tasks import check_uploaded_document, rescan_pending_documents  # noqa: E402, F401
