"""What is sent to whom: the outbox rows written at submission, and the emails themselves.

Staff messages carry no health information: reference, urgency, role, times, counts and a link.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification


def queue_submission_notifications(request_obj):
    """Write one pending outbox row per recipient group, in the caller's transaction; deliver after commit."""
    rows = [
        Notification(
            request=request_obj, kind=Notification.Kind.SCHEDULING_TEAM, recipients=settings.SCHEDULING_TEAM_EMAILS
        ),
        Notification(
            request=request_obj,
            kind=Notification.Kind.SUBMISSION_CONFIRMATION,
            recipients=request_obj.confirmation_recipients(),
        ),
    ]
    created = Notification.objects.bulk_create(rows)
    enqueue_after_commit([n.pk for n in created])
    return created


def enqueue_after_commit(notification_ids):
    from . import tasks  # tasks imports this module

    def enqueue():
        for pk in notification_ids:
            tasks.deliver_notification.delay(pk)

    transaction.on_commit(enqueue)


def deliver(notification_id):
    """Send one pending notification and mark it sent; a second delivery of the same row sends nothing.

    The row is locked (skip_locked) for the whole send, so two workers never send it at once; the
    "sent" mark is committed with the lock's release.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("request")
            .filter(pk=notification_id, state=Notification.State.PENDING)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        _send(notification)
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    return True


def _send(notification):
    request_obj = notification.request
    if notification.kind == Notification.Kind.SCHEDULING_TEAM:
        context = {"req": request_obj, "admin_url": admin_url(request_obj), "documents": document_counts(request_obj)}
        send_email("scheduling_team", context, notification.recipients, language="en")
    elif notification.kind == Notification.Kind.SUBMISSION_CONFIRMATION:
        send_email("confirmation", {"req": request_obj}, notification.recipients, language=family_language(request_obj))
    else:
        raise ValueError(f"unknown notification kind {notification.kind}")


def send_resume_link(draft, token):
    """Email the family a link to their saved request (the token appears only in this email)."""
    link = f"{settings.SITE_URL}{reverse('requests_app:resume')}?t={token}"
    context = {"link": link, "days": settings.RESUME_LINK_MAX_AGE_DAYS, "req": draft}
    send_email("resume_link", context, [draft.contact_email], language=family_language(draft))


def send_email(template, context, recipients, language="en"):
    """Render ``emails/<template>.subject.txt/.txt/.html`` in the recipient's language and send it."""
    with translation.override(language):
        context = {"center": center_context(), "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(recipients))
    message.attach_alternative(html, "text/html")
    message.send()


def family_language(request_obj):
    """The family's preferred language where the portal has a translation, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    return request_obj.preferred_language if request_obj.preferred_language in available else "en"


def center_context():
    return {
        "name": settings.CENTER_NAME,
        "phone": settings.CENTER_PHONE,
        "email": settings.CENTER_EMAIL,
        "hours": settings.CENTER_HOURS,
    }


def admin_url(request_obj):
    return settings.SITE_URL + reverse("admin:requests_app_request_change", args=[request_obj.pk])


def document_counts(request_obj):
    """{category label: count} of the request's live documents."""
    from django.db.models import Count

    from .models import DocumentCategory

    labels = dict(DocumentCategory.choices)
    rows = request_obj.documents.live().values("category").annotate(n=Count("pk")).order_by("category")
    return {labels.get(row["category"], row["category"]): row["n"] for row in rows}

