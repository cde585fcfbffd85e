"""Sending a submitted request to the hospital's FHIR server as a transaction bundle (optional).

Unlike the webhook, this carries the request's health information: it goes only to ``FHIR_ENDPOINT_URL``
(the hospital's integration engine, over TLS in production) with ``FHIR_BEARER_TOKEN``. It is one outbox row
(kind ``fhir``) delivered like the others: once, under the row's lock, and retried with backoff on failure; the
bundle's conditional creates (``ifNoneExist`` on each identifier) make a repeat after a lost answer harmless.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

from .. import fhir
from .webhook import WebhookRefused

logger = logging.getLogger(__name__)


class FhirEndpointRefused(WebhookRefused):
    """The FHIR server answered with a status other than 2xx (retried, as a refused webhook is)."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would resend health data to an address nobody configured: a refusal instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def fhir_headers():
    headers = {"Content-Type": fhir.CONTENT_TYPE, "Accept": fhir.CONTENT_TYPE, "User-Agent": "second-opinion-portal"}
    if settings.FHIR_BEARER_TOKEN:
        headers["Authorization"] = f"Bearer {settings.FHIR_BEARER_TOKEN}"
    return headers


def send_fhir_bundle(notification):
    """POST the request's transaction bundle to the FHIR server's base URL; anything but 2xx raises."""
    url = settings.FHIR_ENDPOINT_URL
    if not url:
        logger.info("FHIR notification %s skipped: FHIR_ENDPOINT_URL is not set", notification.pk)
        return
    body = json.dumps(fhir.transaction_bundle(notification.request), separators=(",", ":")).encode()
    http_request = urllib.request.Request(url, data=body, headers=fhir_headers(), method="POST")  # noqa: S310
    try:
        with _opener.open(http_request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise FhirEndpointRefused(exc.code) from None
    if not 200 <= status < 300:
        raise FhirEndpointRefused(status)
