"""Who is on the other end of a request: the one place that decides a visitor's IP address."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's address, for the audit log, consent records, rate limits and the staff login lock-out.

    Directly served, it is ``REMOTE_ADDR``. Behind our reverse proxy (``BEHIND_PROXY``), every visitor
    would share the proxy's address, so it is the address the proxy appended to X-Forwarded-For: the
    last one, as the earlier entries are whatever the client sent and can be forged.
    """
    if settings.BEHIND_PROXY:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if _is_ip(appended):
            return appended
    return request.META.get("REMOTE_ADDR") or ""


def _is_ip(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
