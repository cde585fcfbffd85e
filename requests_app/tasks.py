"""Celery entry points: each loads by id and calls a domain function; each is safe to run twice."""

from celery import shared_task

from . import notifications
from .models import Request


@shared_task(acks_late=True)
def deliver_notification(notification_id):
    """Send one outbox row. Guards against double delivery with a row lock and the row's "sent" state."""
    return notifications.deliver(notification_id)


@shared_task(acks_late=True)
def send_resume_link(request_id):
    """Issue a fresh resume token (old links stop working) and email it. Running twice sends two links,
    the first of which no longer works; the token never travels through the broker."""
    draft = Request.objects.filter(pk=request_id).first()
    if draft is None or not draft.contact_email:
        return False
    notifications.send_resume_link(draft, draft.issue_resume_token())
    return True


@shared_task(acks_late=True)
def send_resume_links_for_email(email):
    """Answer a "send me my link again" request: one fresh link per saved request at that address."""
    for pk in Request.objects.with_resume_email(email).values_list("pk", flat=True):
        send_resume_link(pk)
