"""Celery entry points: each loads by id and calls a domain function; each is safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import notifications
from .previews import StorageReadError


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=settings.NOTIFICATION_RETRY_BACKOFF_S,
    retry_backoff_max=settings.NOTIFICATION_RETRY_BACKOFF_MAX_S,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=45,
    time_limit=60,
)
def deliver_notification(notification_id):
    """Send one outbox row. Guards against double delivery with a row lock and the row's "sent" state.
    A failed send is recorded on the row and tried again by the re-queue (notifications/retries.py); only
    a database outage (nothing can be recorded) retries the task itself."""
    return notifications.deliver(notification_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def requeue_pending_notifications():
    """Queue due outbox rows again (broker down at submit, worker died mid-send, a failed send past its
    backoff) and alert the admins about rows failing for long. Running it twice at once only queues a
    row twice, and delivery's row lock sends it once; an alert marks its rows, so it is sent once."""
    return len(notifications.requeue_pending())


@shared_task(acks_late=True)
def clean_up_abandoned_drafts():
    """Delete abandoned drafts' files and abort orphan multipart uploads. Safe twice: deleting or aborting
    what is already gone does nothing, and documents are marked removed as their files go."""
    from . import cleanup

    return cleanup.clean_up()


@shared_task(
    acks_late=True,
    autoretry_for=(StorageReadError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def render_previews(request_id):
    """Render the request's missing or outdated previews; a storage failure retries with backoff. Two runs at
    once (a page view and an upload) may both render a series: a row lock and the unique (request, series)
    constraint keep one preview row, and the image it replaced is deleted. Run again, it renders only what
    changed."""
    from . import series_previews

    return series_previews.render_due_previews(request_id)


# The upload checks' tasks live beside their domain code; imported here so the worker registers them.
from .uploads.tasks import check_uploaded_document, rescan_pending_documents  # noqa: E402, F401
