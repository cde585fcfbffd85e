"""The minutes after a password-only sign-in: enrolling a first device, or confirming with a passkey.

A staff user with no device, or one who left the code empty to use a passkey, signs in with the password
alone; that opens a short window in the session for the next step. Any other password-only session
(one left open when a superuser reset the devices, or an old one) is signed out instead, so that step
always follows a fresh password.
"""

import time
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import devices

WINDOW_KEY = "staff_auth_second_step_until"
WINDOW_SECONDS = 10 * 60


def open_window(request):
    request.session[WINDOW_KEY] = time.time() + WINDOW_SECONDS


def close_window(request):
    request.session.pop(WINDOW_KEY, None)


def _window_open(request):
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_staff
        and not user.is_verified()
        and request.session.get(WINDOW_KEY, 0) > time.time()
    )


def may_enrol(request):
    return _window_open(request) and devices.needs_enrolment(request.user)


def may_verify_with_passkey(request):
    return _window_open(request) and devices.has_passkey(request.user)


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else reverse("admin:index")


def _next_step(request):
    name = "staff_auth:enrol" if devices.needs_enrolment(request.user) else "staff_auth:passkey_verify"
    return redirect(f"{reverse(name)}?{urlencode({'next': safe_next(request)})}")


def before_login_page(request):
    """On the login page: a session in its window goes to its next step; another unverified one is signed out."""
    if may_enrol(request) or may_verify_with_passkey(request):
        return _next_step(request)
    if request.user.is_authenticated and not request.user.is_verified():
        logout(request)
    return None


def after_login(request):
    """After the password (and code, if typed): audit the sign-in; without a verified device, the next step."""
    from requests_app.admin.audit import record_event
    from requests_app.models import AuditLogEntry

    device = getattr(request.user, "otp_device", None)
    record_event(request, AuditLogEntry.Action.LOGIN, request.user, {"second_factor": device.name if device else None})
    if device is None:
        open_window(request)
        return _next_step(request)
    return None
