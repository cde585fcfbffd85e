"""When a password-only session may enrol a second factor: right after typing the password, for a while.

A staff user with no device signs in with the password alone; that sign-in opens a short window in the
session. Any other password-only session (one left open when a superuser reset the devices, or an old
one) is signed out instead, so enrolling a new device always takes the password again.
"""

import time
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from . import devices

WINDOW_KEY = "staff_auth_enrol_until"
WINDOW_SECONDS = 10 * 60


def open_window(request):
    request.session[WINDOW_KEY] = time.time() + WINDOW_SECONDS


def close_window(request):
    request.session.pop(WINDOW_KEY, None)


def may_enrol(request):
    return devices.needs_enrolment(request.user) and request.session.get(WINDOW_KEY, 0) > time.time()


def redirect_to_enrolment(request):
    target = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('staff_auth:enrol')}?{urlencode({'next': target})}")


def before_login_page(request):
    """On the login page: a session that may enrol goes there; another password-only one is signed out."""
    if may_enrol(request):
        return redirect_to_enrolment(request)
    if devices.needs_enrolment(request.user):
        logout(request)
    return None


def after_login(request):
    """After a successful sign-in: audit it with the factor used; a user with no device goes to enrolment."""
    from requests_app.admin.audit import record_event
    from requests_app.models import AuditLogEntry

    device = getattr(request.user, "otp_device", None)
    record_event(request, AuditLogEntry.Action.LOGIN, request.user, {"second_factor": device.name if device else None})
    if device is None and devices.needs_enrolment(request.user):
        open_window(request)
        return redirect_to_enrolment(request)
    return None
