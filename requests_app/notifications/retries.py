"""When an outbox row is tried again, when it is given up, and when the admins hear about it.

Time-based, not count-based, so an outage of minutes costs nothing: a failed row waits a capped
backoff (``NOTIFICATION_RETRY_BACKOFF_S`` doubling up to ``NOTIFICATION_RETRY_BACKOFF_MAX_S``) and is
tried again by the beat's re-queue (every ``NOTIFICATION_REQUEUE_EVERY_S``), the only retry path; it is
marked failed only once its first failed attempt is ``NOTIFICATION_GIVE_UP_AFTER_HOURS`` old. A row
failing for ``NOTIFICATION_ALERT_AFTER_MINUTES`` is reported to ADMINS once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import mail_admins
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import Notification
from .publishing import enqueue

logger = logging.getLogger(__name__)

PENDING = Notification.State.PENDING
ALERT_BATCH = 100


def backoff(attempts):
    """How long a row that has failed ``attempts`` times waits before its next attempt (capped)."""
    if attempts <= 0:
        return timedelta(0)
    seconds = settings.NOTIFICATION_RETRY_BACKOFF_S * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_RETRY_BACKOFF_MAX_S))


def gives_up(first_attempt_at, now):
    """True once a row's first failed attempt is NOTIFICATION_GIVE_UP_AFTER_HOURS old."""
    limit = timedelta(hours=settings.NOTIFICATION_GIVE_UP_AFTER_HOURS)
    return first_attempt_at is not None and now - first_attempt_at >= limit


def due_rows(now):
    """Pending rows to try now: never tried and older than the re-queue delay (the broker lost them, or
    a worker died mid-send), or failed before and past their backoff."""
    requeue_after = timedelta(seconds=settings.NOTIFICATION_REQUEUE_AFTER_SECONDS)
    due = Q(attempts=0, created_at__lte=now - requeue_after) | Q(attempts__gt=0, last_attempt_at__isnull=True)
    attempts, cap = 1, backoff(10**6)
    while backoff(attempts) < cap:  # one condition per step of the doubling, then the cap for the rest
        due |= Q(attempts=attempts, last_attempt_at__lte=now - backoff(attempts))
        attempts += 1
    due |= Q(attempts__gte=attempts, last_attempt_at__lte=now - cap)
    return Notification.objects.filter(due, state=PENDING)


def requeue_pending(now=None, limit=500):
    """The beat's pass: queue every due row (oldest first) and alert the admins about rows stuck for long.

    Queueing a row twice is harmless: delivery locks the row and sends it once.
    """
    now = now or timezone.now()
    due = list(due_rows(now).order_by("created_at").values_list("pk", flat=True)[:limit])
    if due:
        queued = enqueue(due)
        logger.info("re-queued %d of %d pending notification(s)", queued, len(due))
    alert_admins(now)
    return due


def rows_to_alert(now):
    """Pending rows failing for NOTIFICATION_ALERT_AFTER_MINUTES whose admins have not been told yet."""
    cutoff = now - timedelta(minutes=settings.NOTIFICATION_ALERT_AFTER_MINUTES)
    return Notification.objects.filter(state=PENDING, admins_alerted_at__isnull=True, first_attempt_at__lte=cutoff)


def alert_admins(now=None):
    """Mail ADMINS once about rows failing for long (kinds, references, errors: no health information).

    A row is marked alerted only when the mail was accepted, so an alert lost to the same mail outage is
    sent once the server answers again. Returns how many rows the sent alert covered.
    """
    now = now or timezone.now()
    rows = list(rows_to_alert(now).select_related("request").order_by("first_attempt_at")[:ALERT_BATCH])
    if not rows:
        return 0
    try:
        mail_admins(
            f"{len(rows)} notification(s) failing for over {settings.NOTIFICATION_ALERT_AFTER_MINUTES} minutes",
            alert_text(rows),
            fail_silently=False,
        )
    except Exception as exc:  # the mail server is the likely culprit: the log line is the alert
        error = type(exc).__name__
        logger.error("%d notification(s) failing for long; could not mail the admins (%s)", len(rows), error)
        return 0
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(admins_alerted_at=now)
    # Not ERROR: the error-mail handler would mail the admins a second time.
    logger.warning("%d notification(s) failing for long; the admins were mailed", len(rows))
    return len(rows)


def alert_text(rows):
    """The alert's body: one line per row, then where to look."""
    lines = [
        f"- notification {row.pk} ({row.get_kind_display()}) for request {row.request.reference or row.request_id}: "
        f"{row.attempts} attempt(s) since {row.first_attempt_at:%Y-%m-%d %H:%M %Z}, last error {row.last_error or '-'}"
        for row in rows
    ]
    outbox_url = f"{settings.SITE_URL}{reverse('admin:requests_app_notification_changelist')}?state=pending"
    return "\n".join(
        [
            "These notifications have not been delivered yet. They are retried until "
            f"{settings.NOTIFICATION_GIVE_UP_AFTER_HOURS} hours after their first attempt, then marked failed.",
            "",
            *lines,
            "",
            f"Outbox: {outbox_url}",
        ]
    )
