"""The webhook: the event a chat or ticket system receives when a request is submitted, signed and POSTed."""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .emails import admin_url

logger = logging.getLogger(__name__)

WEBHOOK_EVENT = "request.submitted"


class WebhookRefused(Exception):
    """The webhook endpoint answered with a status other than 2xx."""


def webhook_payload(notification, timestamp):
    """The event a webhook receives: identifiers, urgency, role, time and a link; no health information."""
    request_obj = notification.request
    return {
        "id": f"notification-{notification.pk}",
        "event": WEBHOOK_EVENT,
        "timestamp": timestamp,
        "reference": request_obj.reference,
        "urgency": request_obj.urgency,
        "submitter_role": request_obj.submitter_role,
        "submitted_at": request_obj.submitted_at.isoformat() if request_obj.submitted_at else None,
        "admin_url": admin_url(request_obj),
    }


def sign_webhook_body(body, secret):
    """``sha256=<hex>``: HMAC-SHA256 of the raw request body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET without the event: treat it as a refusal instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_webhook_opener = urllib.request.build_opener(_RefuseRedirects)


def _signed_headers(notification, body, timestamp):
    return {
        "Content-Type": "application/json",
        "User-Agent": "second-opinion-portal",
        "X-Portal-Event": WEBHOOK_EVENT,
        "X-Portal-Delivery": f"notification-{notification.pk}",
        "X-Portal-Timestamp": str(timestamp),
        "X-Portal-Signature": sign_webhook_body(body, settings.NOTIFICATION_WEBHOOK_SECRET),
    }


def send_webhook(notification):
    """POST the signed event; anything but a 2xx answer raises, so the task retries."""
    url = settings.NOTIFICATION_WEBHOOK_URL
    if not url:
        logger.info("webhook notification %s skipped: NOTIFICATION_WEBHOOK_URL is not set", notification.pk)
        return
    if not settings.NOTIFICATION_WEBHOOK_SECRET:
        raise ImproperlyConfigured("NOTIFICATION_WEBHOOK_SECRET must be set to sign webhook events")
    timestamp = int(time.time())
    body = json.dumps(webhook_payload(notification, timestamp), separators=(",", ":")).encode()
    headers = _signed_headers(notification, body, timestamp)
    http_request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (URL is a setting)
    try:
        with _webhook_opener.open(http_request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise WebhookRefused(exc.code) from None
    if not 200 <= status < 300:
        raise WebhookRefused(status)
