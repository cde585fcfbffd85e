"""django-otp-webauthn's endpoints under its own namespace (its script reverses them), with the completion
of a sign-in audited and allowed only in the minutes after the password, and registration only from a
verified session (staff_auth/passkeys.py)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

from .passkeys import AuditedCompleteAuthenticationView, BeginRegistrationView, CompleteRegistrationView

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", BeginRegistrationView.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistrationView.as_view(), name="credential-registration-complete"),
    path(
        "authentication/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        AuditedCompleteAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
