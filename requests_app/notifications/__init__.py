"""What is sent to whom: ``outbox`` (rows, queueing, delivery), ``publishing``
(handing rows to the broker), ``retries`` (backoff, giving up, admin alerts), ``emails`` (each email and
its rendering) and ``webhook`` (the signed event). Callers use the names re-exported here."""

from .emails import family_language, send_resume_link
from .outbox import (
    RETRYABLE_ERRORS,
    deliver,
    queue_family_notification,
    queue_staff_notification,
    queue_submission_notifications,
    retry_failed,
    send_resume_link_soon,
)
from .retries import alert_admins, requeue_pending
from .webhook import WebhookRefused, sign_webhook_body

__all__ = [
    "RETRYABLE_ERRORS",
    "WebhookRefused",
    "alert_admins",
    "deliver",
    "family_language",
    "queue_family_notification",
    "queue_staff_notification",
    "queue_submission_notifications",
    "requeue_pending",
    "retry_failed",
    "send_resume_link",
    "send_resume_link_soon",
    "sign_webhook_body",
]
