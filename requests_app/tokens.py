"""Resume links: how a token is made, how it is checked, who a link may be sent to, and what ends it.

Each emailed link is a ``ResumeLink`` row. Its token is an HMAC of the row's random salt with
SECRET_KEY (so the outbox can email it after commit, and the table alone opens nothing); lookups use
the token's SHA-256. A link stops working when it is older than ``RESUME_LINK_MAX_AGE_DAYS``, when it
is revoked after ``RESUME_MAX_BIRTH_DATE_ATTEMPTS`` wrong answers, or when a newer link for the same
request and audience has been accepted by the mail server (until then the older one keeps working).
A browser session opened through a link stays bound to that link (``session_link_is_live``).
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ResumeLink, SecondOpinionRequest

Audience = ResumeLink.Audience
MAX_TOKEN_LENGTH = 100  # longer input is no token of ours: refused before it is hashed
_HMAC_PURPOSE = "requests_app.tokens.resume-link"


def hash_token(token):
    """The stored form of a resume token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(link):
    """The token of a link, derived again from its salt (only the email ever shows it)."""
    digest = salted_hmac(_HMAC_PURPOSE, link.salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_link(request_obj, audience=Audience.FAMILY, notification=None):
    """Write a new link row (in the caller's transaction); older links keep working until it is delivered."""
    link = ResumeLink(request=request_obj, audience=audience, salt=secrets.token_hex(32), notification=notification)
    link.token_hash = hash_token(token_for(link))
    link.save()
    return link


def make_token(request_obj, audience=Audience.FAMILY):
    """Issue a link and end the older ones at once (staff actions and tests); returns the token."""
    link = new_link(request_obj, audience)
    link_delivered(link)
    return token_for(link)


def link_address(request_obj, audience=Audience.FAMILY):
    """The only address a link may go to: the physician's for their draft or their own link, else the guardian's."""
    physician_owned = request_obj.is_physician_request and (audience == Audience.PHYSICIAN or request_obj.is_draft)
    return (request_obj.physician_email if physician_owned else request_obj.guardian_email) or ""


def requests_for_address(address, limit=20):
    """(request, audience) pairs whose links may be sent to this address (the lost-link page)."""
    address = address.strip().lower()
    candidates = SecondOpinionRequest.objects.filter(
        models.Q(guardian_email__iexact=address) | models.Q(physician_email__iexact=address)
    ).order_by("-updated_at")[:limit]
    for request_obj in candidates:
        for audience in Audience.values:
            physician_link = audience == Audience.PHYSICIAN
            if physician_link and not (request_obj.is_physician_request and not request_obj.is_draft):
                continue
            if link_address(request_obj, audience).lower() == address:
                yield request_obj, audience


def _live():
    oldest = timezone.now() - timedelta(days=settings.RESUME_LINK_MAX_AGE_DAYS)
    return ResumeLink.objects.filter(revoked_at__isnull=True, created_at__gte=oldest)


def check_token(token):
    """How a resume link is checked: the live ``ResumeLink`` a token opens, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return _live().select_related("request").filter(token_hash=hash_token(token)).first()


def live_link(link_id):
    """The link with this id while it still works, else None."""
    return _live().select_related("request").filter(pk=link_id).first() if link_id else None


def session_link_is_live(link_id):
    """The one check a link-opened session passes on every request: its link was not revoked since."""
    return ResumeLink.objects.filter(pk=link_id, revoked_at__isnull=True).exists()


def link_delivered(link):
    """The link's email was accepted: mark it and revoke the older links of its request and audience."""
    now = timezone.now()
    ResumeLink.objects.filter(pk=link.pk).update(delivered_at=now)
    older = ResumeLink.objects.filter(request_id=link.request_id, audience=link.audience, revoked_at__isnull=True)
    older.exclude(pk=link.pk).filter(pk__lt=link.pk).update(revoked_at=now)


def revoke_links(request_obj):
    """End every link of the request (and so the sessions they opened)."""
    ResumeLink.objects.filter(request=request_obj, revoked_at__isnull=True).update(revoked_at=timezone.now())


@dataclass(frozen=True)
class CheckResult:
    """What one answer to a link's second factor did: opened it, was wrong, or found it closed."""

    opened: bool = False
    wrong: bool = False
    closed: bool = False


def answer_second_factor(link_id, matches):
    """Evaluate one answer under a row lock, so parallel attempts from any browsers are counted exactly.

    ``matches(request_obj)`` says whether the answer is right. A wrong answer counts; the one that
    reaches ``RESUME_MAX_BIRTH_DATE_ATTEMPTS`` closes the link; a right one resets the count.
    """
    with transaction.atomic():
        link = _live().select_for_update().filter(pk=link_id).first() if link_id else None
        if link is None:
            return CheckResult(closed=True)
        request_obj = SecondOpinionRequest.objects.get(pk=link.request_id)
        if matches(request_obj):
            link.failed_attempts = 0
            link.save(update_fields=["failed_attempts"])
            return CheckResult(opened=True)
        link.failed_attempts += 1
        if link.failed_attempts >= settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS:
            link.revoked_at = timezone.now()
        link.save(update_fields=["failed_attempts", "revoked_at"])
        return CheckResult(wrong=True, closed=link.revoked_at is not None)
