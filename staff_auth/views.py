"""Enrolment of the second factor (forced before any admin page) and signing out from it."""

import functools
from base64 import b32encode

from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from requests_app.admin.audit import record_event
from requests_app.models import AuditLogEntry

from . import devices, enrolment
from .forms import EnrolmentForm


def password_signed_in_staff(view):
    """Staff who passed the password (the second factor is what these views set up)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped


def page_context(request, title):
    """The admin's layout without its app list: these pages come before (or beside) the second factor."""
    return {
        **admin.site.each_context(request),
        "available_apps": [],
        "is_nav_sidebar_enabled": False,
        "title": title,
        "next": enrolment.safe_next(request),
    }


@never_cache
@password_signed_in_staff
def enrol(request):
    """Show the QR code and secret of a new authenticator device; a right code confirms it."""
    if devices.has_confirmed_device(request.user):
        # Enrolled already: a session without the code signs in again rather than enrolling a second app.
        return redirect(enrolment.safe_next(request) if request.user.is_verified() else reverse("admin:login"))
    if not enrolment.may_enrol(request):
        logout(request)  # enrolling takes a fresh password sign-in
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    device = devices.pending_app_device(request.user)
    form = EnrolmentForm(request.POST or None, device=device)
    context = page_context(request, "Set up two-factor sign-in")
    if request.method == "POST":
        if form.is_valid():
            codes = devices.confirm_app_device(device)
            otp_login(request, device)
            enrolment.close_window(request)
            record_event(request, AuditLogEntry.Action.OTP_ENROLLED, request.user)
            context.update(title="Two-factor sign-in is set up", codes=codes)
            return render(request, "staff_auth/backup_codes.html", context)
        record_event(request, AuditLogEntry.Action.OTP_FAILED, request.user, {"during": "enrolment"})
    secret = b32encode(device.bin_key).decode()
    context.update(form=form, qr_code=devices.qr_code_svg(device), secret=secret)
    return render(request, "staff_auth/enrol.html", context)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("admin:login")
