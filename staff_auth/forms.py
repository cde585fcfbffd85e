"""The staff login form (password and authentication code on one page) and the enrolment form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from . import devices, lockout

CODE_WIDGET_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Password, then the code from the user's authenticator app or a backup code.

    A wrong code fails like a wrong password (one message, so the form never confirms a guessed
    password) and is reported as a failed login, so django-axes' lock-out and the audit log count it.
    A staff user with no device yet signs in with the password alone and is sent to enrolment; one with a
    passkey who leaves the code empty is sent to the passkey prompt (staff_auth/enrolment.py).
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s, password and authentication code for a staff account. "
            "Note that the password is case-sensitive."
        ),
    }
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=32,
        help_text=_("6 digits from your authenticator app, or a backup code. Leave empty at your first sign-in."),
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )

    def clean(self):
        lockout.wait_before_attempt(self.cleaned_data.get("username") or "")
        cleaned_data = super().clean()  # the password (django-axes counts a wrong one)
        if self.get_user() is not None:  # None: a username or password field was left empty
            self.clean_second_factor(self.get_user(), cleaned_data.get("otp_token") or "")
        return cleaned_data

    def clean_second_factor(self, user, code):
        if not devices.has_confirmed_device(user):
            return  # first sign-in: portal/admin_site.py sends them to enrolment before any page
        if not code.strip() and devices.has_passkey(user):
            return  # no code typed: the passkey prompt follows (staff_auth/passkeys.py)
        device = devices.verified_device(user, code) if code.strip() else None
        if device is None:
            if code.strip():
                credentials = {"username": user.get_username(), "second_factor": True}
                user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise self.get_invalid_login_error()
        user.otp_device = device  # django-otp's user_logged_in receiver keeps it in the session


class EnrolmentForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        code = "".join(self.cleaned_data["otp_token"].split())
        if not (code.isdigit() and devices.verify(self.device, code)):
            raise forms.ValidationError(
                _("That code does not match. Check the time on your phone and enter the code showing now.")
            )
        return code
