"""Passkeys and security keys (django-otp-webauthn) as the second factor, after the password.

A verified staff member adds a passkey on /staff/two-factor/passkeys/. Signing in with the password and
no code then leads a passkey holder to /staff/two-factor/passkey/, where the browser's WebAuthn prompt
verifies the session. Passwordless sign-in is off (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN``).
"""

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential

from requests_app.admin.audit import record_event
from requests_app.models import AuditLogEntry

from . import enrolment
from .views import page_context


@never_cache
def manage(request):
    """A verified staff member's passkeys, and the button that registers another."""
    if not (request.user.is_authenticated and request.user.is_staff and request.user.is_verified()):
        return redirect_to_login(request.path, reverse("admin:login"))
    context = page_context(request, "Passkeys and security keys")
    context["passkeys"] = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).order_by("pk")
    return render(request, "staff_auth/passkeys.html", context)


@never_cache
def verify(request):
    """Right after the password: the WebAuthn prompt that verifies this session."""
    if not enrolment.may_verify_with_passkey(request):
        if request.user.is_authenticated and not request.user.is_verified():
            logout(request)
        return redirect_to_login(request.path, reverse("admin:login"))
    return render(request, "staff_auth/passkey_verify.html", page_context(request, "Confirm with your passkey"))


class AuditedCompleteAuthenticationView(webauthn_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        super().check_can_authenticate()
        if not enrolment.may_verify_with_passkey(self.request):
            raise exceptions.NotAuthenticated()

    def complete_auth(self, device):
        super().complete_auth(device)
        enrolment.close_window(self.request)
        record_event(self.request, AuditLogEntry.Action.LOGIN, self.request.user, {"second_factor": "passkey"})


class VerifiedOnlyRegistration:
    """Only a session verified with the app (or an earlier passkey) adds a passkey: a password alone never does."""

    def check_can_register(self):
        super().check_can_register()
        if not self.request.user.is_verified():
            raise exceptions.NotVerified()


class BeginRegistrationView(VerifiedOnlyRegistration, webauthn_views.BeginCredentialRegistrationView):
    pass


class CompleteRegistrationView(VerifiedOnlyRegistration, webauthn_views.CompleteCredentialRegistrationView):
    pass
