"""How many link emails a request and an address may get: django-ratelimit counters, checked by every
view that sends one (save and continue later, a new link, a lost link), so no path mails without a limit."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def may_email_link(request, request_obj, address):
    """Count one link email for the request and the address; False when either has had its share."""
    per_request = is_ratelimited(
        request,
        group="link-email-request",
        key=lambda _group, _request: str(request_obj.pk),
        rate=settings.RATE_LIMIT_LINK_PER_REQUEST,
        increment=True,
    )
    per_recipient = is_ratelimited(
        request,
        group="link-email-recipient",
        key=lambda _group, _request: address.strip().lower(),
        rate=settings.RATE_LIMIT_LINK_PER_RECIPIENT,
        increment=True,
    )
    return not (per_request or per_recipient)
