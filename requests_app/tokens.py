"""Resume links: how a token is made, how it is stored, how a link is checked, and what ends it.

A token is 32 random bytes (URL-safe text) that appears only in the family's email; the request
stores its SHA-256, so a database leak opens nothing. A token stops working when a newer one is
issued (one hash per request), when it is older than ``RESUME_LINK_MAX_AGE_DAYS``, or when it is
revoked after ``RESUME_MAX_BIRTH_DATE_ATTEMPTS`` wrong dates of birth.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import SecondOpinionRequest

MAX_TOKEN_LENGTH = 100  # longer input is no token of ours: refused before it is hashed


def hash_token(token):
    """The stored form of a resume token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def make_token(request_obj):
    """Issue a new resume token for the request: returned once, only its hash is kept; older links stop working."""
    token = secrets.token_urlsafe(32)
    request_obj.resume_token_hash = hash_token(token)
    request_obj.resume_token_created_at = timezone.now()
    request_obj.resume_failed_attempts = 0
    request_obj.save(
        update_fields=["resume_token_hash", "resume_token_created_at", "resume_failed_attempts", "updated_at"]
    )
    return token


def check_token(token):
    """How a resume link is checked: the request a still-valid token opens, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    oldest = timezone.now() - timedelta(days=settings.RESUME_LINK_MAX_AGE_DAYS)
    return SecondOpinionRequest.objects.filter(
        resume_token_hash=hash_token(token), resume_token_created_at__gte=oldest
    ).first()


def revoke_token(request_obj):
    """End the request's resume link: no token opens it until a new one is issued."""
    request_obj.resume_token_hash = ""
    request_obj.resume_token_created_at = None
    request_obj.save(update_fields=["resume_token_hash", "resume_token_created_at", "updated_at"])


def still_open(pk):
    """The request a checked link led to, while its link has not been revoked since; else None."""
    return SecondOpinionRequest.objects.filter(pk=pk).exclude(resume_token_hash="").first() if pk else None


def record_wrong_birth_date(request_obj):
    """Count a wrong date of birth given for the link; revokes it after too many. True if it was revoked."""
    request_obj.resume_failed_attempts += 1
    request_obj.save(update_fields=["resume_failed_attempts"])
    if request_obj.resume_failed_attempts < settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS:
        return False
    revoke_token(request_obj)
    return True


def clear_wrong_birth_dates(request_obj):
    """Start the count of wrong dates of birth again once the right one is given."""
    if request_obj.resume_failed_attempts:
        request_obj.resume_failed_attempts = 0
        request_obj.save(update_fields=["resume_failed_attempts"])
