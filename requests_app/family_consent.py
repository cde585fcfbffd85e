"""A physician's request: the family confirms consent themselves, through their own link, before staff schedule.

The physician attests that the family agreed (the physician step); the family's own confirmation is asked
on their status page (status_views.py) and recorded here. workflow.py refuses "Mark scheduled" until then.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SecondOpinionRequest

REQUIRED = _("This answer is required.")


class FamilyConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I am the child's parent or legal guardian. I asked for this second opinion with our doctor, and I "
            "authorize the release of my child's medical records to the center for this review."
        ),
        error_messages={"required": REQUIRED},
    )
    signature = forms.CharField(
        label=_("Type your full name as your signature"),
        help_text=_("Typing your full name counts as your signature, dated today."),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_signature(self):
        value = " ".join(self.cleaned_data.get("signature", "").split())
        if len(value) < 3:
            raise forms.ValidationError(_("Type your full name, first and last."), code="signature_too_short")
        return value


def confirm(request_obj, signature, ip=None):
    """Record the family's own consent once (a second confirmation changes nothing); True if recorded now."""
    now = timezone.now()
    changed = SecondOpinionRequest.objects.filter(pk=request_obj.pk, family_consent_confirmed_at__isnull=True).update(
        family_consent_confirmed_at=now, family_consent_signature=signature, family_consent_ip=ip, updated_at=now
    )
    if changed:
        request_obj.family_consent_confirmed_at = now
        request_obj.family_consent_signature = signature
        request_obj.family_consent_ip = ip
    return bool(changed)
