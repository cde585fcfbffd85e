"""The outbox: every notification is first a ``Notification`` row written in the caller's transaction;
after commit a Celery task delivers it, and the periodic re-queue catches rows the broker never got.

Staff messages and the webhook carry no health information: reference, urgency, role, times, counts
and a link.
"""

import json
import logging
import smtplib
import urllib.error

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Notification
from . import retries
from .emails import PHYSICIAN, send_notification_email
from .fhir_push import send_fhir_bundle
from .publishing import enqueue_after_commit
from .webhook import WebhookRefused, send_webhook

logger = logging.getLogger(__name__)

Kind = Notification.Kind
FAMILY_KINDS = frozenset({Kind.RECORDS_REQUESTED, Kind.STATUS_CHANGED})
STAFF_KINDS = frozenset({Kind.RECORDS_UPLOADED})
ENDPOINT_KINDS = frozenset({Kind.WEBHOOK, Kind.FHIR})  # sent to a configured URL, not to addresses

# Failures worth another attempt: the mail server or the webhook endpoint is down, slow or says "later".
RETRYABLE_ERRORS = (smtplib.SMTPException, OSError, WebhookRefused, TimeoutError, SoftTimeLimitExceeded)


# --- writing outbox rows (in the caller's transaction) ---------------------------------------


def queue_submission_notifications(request_obj):
    """Write one pending outbox row per recipient group, in the caller's transaction; deliver after commit.

    The family's confirmation is in their preferred language; a referring physician's copy is a row of
    its own, in English (``PHYSICIAN``).
    """
    rows = [
        Notification(request=request_obj, kind=Kind.SCHEDULING_TEAM, recipients=list(settings.SCHEDULING_TEAM_EMAILS))
    ]
    family, physician = _by_audience(request_obj, request_obj.confirmation_recipients())
    rows.append(Notification(request=request_obj, kind=Kind.SUBMISSION_CONFIRMATION, recipients=family))
    rows.append(
        Notification(request=request_obj, kind=Kind.SUBMISSION_CONFIRMATION, recipients=physician, context=PHYSICIAN)
    )
    if settings.NOTIFICATION_WEBHOOK_URL:
        rows.append(Notification(request=request_obj, kind=Kind.WEBHOOK, recipients=[]))
    if settings.FHIR_ENDPOINT_URL:
        rows.append(Notification(request=request_obj, kind=Kind.FHIR, recipients=[]))
    created = Notification.objects.bulk_create([row for row in rows if row.recipients or row.kind in ENDPOINT_KINDS])
    enqueue_after_commit([n.pk for n in created])
    return created


def queue_family_notification(request_obj, kind, context=None):
    """Tell the family that records are needed or that the status changed; returns the row (or None: no address).

    ``context`` is a small JSON-safe dict with no health information, e.g. {"status": "in_review",
    "message": "..."} or {"categories": ["scans"], "message": "..."}; a coordinator's message is shown
    to the family only. Runs in the caller's transaction; the email is sent after commit.
    """
    if kind not in FAMILY_KINDS:
        raise ValueError(f"{kind} is not a family notification")
    family, physician = _by_audience(request_obj, family_recipients(request_obj, kind))
    rows = [
        _queue(request_obj, kind, group, {**(context or {}), **audience})
        for group, audience in [(family, {}), (physician, PHYSICIAN)]
        if group
    ]
    if not rows:
        logger.warning("no address for %s notification on request %s: nothing queued", kind, request_obj.pk)
    return rows[0] if rows else None


def queue_staff_notification(request_obj, kind, recipients, context=None):
    """Tell staff (e.g. the assigned coordinator) that records arrived; no health information is sent.

    ``recipients`` is a list of addresses; ``context`` a small JSON-safe dict such as {"count": 2}.
    """
    if kind not in STAFF_KINDS:
        raise ValueError(f"{kind} is not a staff notification")
    return _queue(request_obj, kind, _unique(recipients), context)


def family_recipients(request_obj, kind):
    """Who hears about a request after submission.

    Records requests carry a fresh resume link, and only one link works at a time, so they go to the
    family's contact address alone; status changes also go to the physician who submitted.
    """
    if kind == Kind.RECORDS_REQUESTED:
        return _unique([request_obj.contact_email])
    return _unique([request_obj.contact_email, *request_obj.confirmation_recipients()])


def _by_audience(request_obj, addresses):
    """(the family's addresses, the referring physician's): each group gets its own row and language."""
    physician = request_obj.physician_email if request_obj.is_physician_request else ""
    addresses = _unique(addresses)
    return [a for a in addresses if a != physician], [a for a in addresses if a == physician]


def _queue(request_obj, kind, recipients, context):
    if not recipients:
        logger.warning("no address for %s notification on request %s: nothing queued", kind, request_obj.pk)
        return None
    context = json.loads(json.dumps(context or {}))  # only JSON-safe values reach the row
    row = Notification.objects.create(request=request_obj, kind=kind, recipients=recipients, context=context)
    enqueue_after_commit([row.pk])
    return row


def _unique(addresses):
    return [a for a in dict.fromkeys(addresses) if a]


# --- queueing delivery tasks ------------------------------------------------------------------


def retry_failed(queryset=None):
    """Give failed rows a fresh set of attempts and queue them (after the cause, e.g. a mail outage, is fixed)."""
    rows = (queryset if queryset is not None else Notification.objects.all()).filter(state=Notification.State.FAILED)
    ids = list(rows.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        state=Notification.State.PENDING,
        attempts=0,
        last_error="",
        first_attempt_at=None,
        last_attempt_at=None,
        admins_alerted_at=None,
    )
    enqueue_after_commit(ids)
    return ids


# --- delivering one row (in the worker) -------------------------------------------------------


def deliver(notification_id, now=None):
    """Send one pending notification and mark it sent; a second delivery of the same row sends nothing.

    The row is locked (skip_locked) for the whole send, so two workers never send it at once; the
    "sent" mark is committed with the lock's release. A failed attempt is recorded on the row and not
    raised: the re-queue tries again after the backoff (``retries``), until the row is given up.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("request")
                .filter(pk=notification_id, state=Notification.State.PENDING)
                .first()
            )
            if notification is None:
                return False
            _send(notification)
            notification.attempts += 1
            notification.state = Notification.State.SENT
            notification.sent_at = notification.last_attempt_at = now
            notification.first_attempt_at = notification.first_attempt_at or now
            notification.last_error = ""
            notification.save(
                update_fields=["state", "sent_at", "attempts", "last_error", "first_attempt_at", "last_attempt_at"]
            )
        return True
    except DatabaseError:
        raise  # the database is away: nothing can be recorded; the task retries, the re-queue backs it up
    except Exception as exc:
        record_failed_attempt(notification_id, exc, final=not isinstance(exc, RETRYABLE_ERRORS), now=now)
        return False


def _send(notification):
    """Send one row's message: the webhook event, the FHIR bundle, or the email for its kind."""
    if notification.kind == Kind.WEBHOOK:
        send_webhook(notification)
    elif notification.kind == Kind.FHIR:
        send_fhir_bundle(notification)
    else:
        send_notification_email(notification)


def record_failed_attempt(notification_id, exc, final=False, now=None):
    """Count a failed attempt; mark the row failed when it is final or has been failing too long. True if failed."""
    now = now or timezone.now()
    error = describe_error(exc)
    Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).update(
        attempts=F("attempts") + 1,
        last_error=error,
        last_attempt_at=now,
        first_attempt_at=Coalesce("first_attempt_at", Value(now)),
    )
    row = (
        Notification.objects.filter(pk=notification_id)
        .values("kind", "attempts", "request_id", "state", "first_attempt_at")
        .first()
    )
    if row is None or row["state"] != Notification.State.PENDING:
        return True
    if final or retries.gives_up(row["first_attempt_at"], now):
        Notification.objects.filter(pk=notification_id).update(state=Notification.State.FAILED)
        logger.error(
            "notification %s (%s) for request %s failed after %d attempt(s): %s",
            notification_id,
            row["kind"],
            row["request_id"],
            row["attempts"],
            error,
        )
        return True
    # A day-long outage means thousands of attempts: the first few and every hundredth are warnings.
    level = logging.WARNING if row["attempts"] <= 3 or row["attempts"] % 100 == 0 else logging.INFO
    logger.log(
        level,
        "notification %s (%s) attempt %d failed, will retry: %s",
        notification_id,
        row["kind"],
        row["attempts"],
        error,
    )
    return False


def describe_error(exc):
    """A short error description fit for the row and the log: the type and a code, never message text
    (a server's reply may echo addresses or content)."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{name} ({len(exc.recipients)} recipient(s))"
    if isinstance(exc, urllib.error.HTTPError):
        return f"{name} {exc.code}"
    if isinstance(exc, WebhookRefused):
        return f"{name} {exc.args[0] if exc.args else ''}".strip()
    if isinstance(exc, OSError) and exc.errno:
        return f"{name} errno {exc.errno}"
    return name
