"""What is sent to whom: ``outbox`` (rows, queueing, delivery), ``publishing``
(handing rows to the broker), ``retries`` (backoff, giving up, admin alerts), ``emails`` (each email and
its rendering) and ``webhook`` (the signed event). Callers use the names re-exported here."""

from .emails import family_language
from .outbox import (
    RETRYABLE_ERRORS,
    deliver,
    queue_family_notification,
    queue_staff_notification,
    queue_submission_notifications,
    retry_failed,
)
from .resume_links import delivery_state, latest_link_email, queue_resume_link
from .retries import alert_admins, requeue_pending
from .webhook import WebhookRefused, sign_webhook_body

__all__ = [
    "RETRYABLE_ERRORS",
    "WebhookRefused",
    "alert_admins",
    "deliver",
    "delivery_state",
    "family_language",
    "latest_link_email",
    "queue_family_notification",
    "queue_resume_link",
    "queue_staff_notification",
    "queue_submission_notifications",
    "requeue_pending",
    "retry_failed",
    "sign_webhook_body",
]
