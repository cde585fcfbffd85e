"""Forms of the link pages: paste a link's code, confirm with an NPI, give the address a draft's links go to."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import REQUIRED

# A pasted link ("https://…/resume/#t=CODE") or the bare code; a code is URL-safe base64 text.
_CODE = re.compile(r"(?:[#?&]t=)?([A-Za-z0-9_-]{20,100})\s*$")


class _PlainForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ResumeCodeForm(_PlainForm):
    code = forms.CharField(
        label=_("The link or code from your email"),
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": REQUIRED},
    )

    def token(self):
        """The token in what was pasted, or "" (never raises on odd input)."""
        match = _CODE.search(self.cleaned_data.get("code", "").strip())
        return match.group(1) if match else ""


class ConfirmNpiForm(_PlainForm):
    npi = forms.CharField(
        label=_("Your NPI number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": REQUIRED},
    )

    def clean_npi(self):
        return re.sub(r"\D", "", self.cleaned_data["npi"])


class LinkAddressForm(_PlainForm):
    """Asked only while the draft has no address of its own yet; the answer becomes that address."""

    email = forms.EmailField(
        label=_("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": REQUIRED},
    )
