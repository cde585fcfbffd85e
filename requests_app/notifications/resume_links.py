"""Resume-link emails through the outbox: the link row and its outbox row are written in one
transaction, delivered with the outbox's retries; the older link keeps working until the new email
has been accepted by the mail server (``emails.send_notification_email`` then revokes it)."""

from django.db import transaction

from .. import tokens
from ..models import Notification, ResumeLink
from .outbox import enqueue_after_commit

Kind = Notification.Kind


def queue_resume_link(request_obj, audience=tokens.Audience.FAMILY):
    """Write a new link and the outbox row that emails it; returns the row, or None if there is no address."""
    address = tokens.link_address(request_obj, audience)
    if not address:
        return None
    with transaction.atomic():
        row = Notification.objects.create(
            request=request_obj, kind=Kind.RESUME_LINK, recipients=[address], context={"audience": audience}
        )
        tokens.new_link(request_obj, audience, notification=row)
        enqueue_after_commit([row.pk])
    return row


def latest_link_email(request_obj, audience=tokens.Audience.FAMILY):
    """The newest outbox row emailing a link of this audience (what the family can be told about), or None."""
    return (
        Notification.objects.filter(request=request_obj, kind=Kind.RESUME_LINK, context__audience=audience)
        .order_by("-created_at", "-pk")
        .first()
    )


def link_of(notification):
    """The link an outbox row emails: written with the row, or (records requests) issued at the first send.

    Issued inside delivery's transaction, so a failed attempt leaves no link behind.
    """
    link = ResumeLink.objects.filter(notification=notification).first()
    if link is None:
        link = tokens.new_link(notification.request, tokens.Audience.FAMILY, notification=notification)
    return link


def delivery_state(notification):
    """What the family may be told about a link email: "sent", "sending", "retrying" or "failed"."""
    if notification.state == Notification.State.SENT:
        return "sent"
    if notification.state == Notification.State.FAILED:
        return "failed"
    return "retrying" if notification.attempts else "sending"
