"""What django-axes does not: a short delay per username, and an email to the security contact.

Axes locks the (username, address) pair. Failures for a username from *any* address are also counted
here, in the cache, for the cool-off time: past 3 each attempt waits longer (guessing one account from
many addresses gets slow), and at ``STAFF_LOGIN_ALERT_AFTER`` the security contact is told, once per
cool-off. No password or code is ever stored or sent.
"""

import hashlib
import logging
from datetime import timedelta
from time import sleep

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DELAY_AFTER_FAILURES = 3


def _key(kind, username):
    # Hashed: the cache key must not carry what someone typed as a username (it may be a password).
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"staff-login:{kind}:{digest}"


def _window_seconds():
    cooloff = settings.AXES_COOLOFF_TIME
    hours = cooloff.total_seconds() / 3600 if isinstance(cooloff, timedelta) else float(cooloff or 1)
    return max(int(hours * 3600), 60)


def _cache(operation, *args, unknown=None):
    """A cache call that answers ``unknown`` when the cache (Redis) fails: an outage costs the delay and
    the alert, never the sign-in (the lock-out itself is django-axes', in the database)."""
    try:
        return getattr(cache, operation)(*args)
    except (RedisError, OSError, ValueError):
        logger.warning("Staff sign-in counter unavailable (%s): no delay or alert meanwhile", operation)
        return unknown


def failures(username):
    return (_cache("get", _key("failures", username), 0, unknown=0) or 0) if username else 0


def delay_seconds(username):
    """Seconds the next attempt for this username waits: 0 up to 3 failures, then 1, 2, 4... capped."""
    count = failures(username)
    if count < DELAY_AFTER_FAILURES:
        return 0.0
    return float(min(2 ** (count - DELAY_AFTER_FAILURES), settings.STAFF_LOGIN_DELAY_MAX_SECONDS))


def wait_before_attempt(username):
    seconds = delay_seconds(username)
    if seconds > 0:
        sleep(seconds)
    return seconds


def record_failure(username, ip_address):
    """Count one failure for the username; alert the security contact when the count reaches the limit."""
    if not username:
        return 0
    key, window = _key("failures", username), _window_seconds()
    _cache("add", key, 0, window)
    count = _cache("incr", key)
    if count is None:  # expired between add and incr, or the cache is down
        _cache("set", key, 1, window)
        count = 1
    if count >= settings.STAFF_LOGIN_ALERT_AFTER and _cache("add", _key("alerted", username), 1, window):
        alert_security_contact(username, count, ip_address)
    return count


def clear_failures(username):
    _cache("delete_many", [_key("failures", username), _key("alerted", username)])


def alert_security_contact(username, count, ip_address):
    """One email: which account, how many failures, the last address. Nothing typed beyond the username."""
    if not settings.SECURITY_CONTACT_EMAIL:
        logger.warning("Repeated staff sign-in failures; SECURITY_CONTACT_EMAIL is not set")
        return
    body = (
        f"The staff account {username!r} has had {count} failed sign-in attempts "
        f"(wrong password or authentication code) within {_window_seconds() // 60} minutes, the last at "
        f"{timezone.localtime():%Y-%m-%d %H:%M %Z} from {ip_address or 'an unknown address'}.\n\n"
        "Each address is locked out for that account after repeated failures; other addresses are slowed "
        "down. If this was not the account's owner, check the audit log in the staff site."
    )
    try:
        send_mail(
            f"[{settings.CENTER_NAME}] Repeated failed staff sign-ins",
            body,
            settings.SERVER_EMAIL,
            [settings.SECURITY_CONTACT_EMAIL],
        )
    except Exception:  # the alert must never turn a failed sign-in into a server error
        logger.exception("Could not email the security contact about repeated sign-in failures")
