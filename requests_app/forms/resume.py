"""The small forms around the intake: an email for the resume link, the child's date of birth to open it."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DATE_WIDGET, REQUIRED


class ResumeEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ConfirmBirthDateForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Child's date of birth"), widget=DATE_WIDGET, error_messages={"required": REQUIRED}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


# --- Records: the files themselves arrive through requests_app/uploads/ ----------------------
