"""The clinical steps: diagnosis, symptoms and urgency, reasons for a second opinion, consent."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..models import (
    Reason,
    SecondOpinionRequest,
    Urgency,
)
from .base import DATE_WIDGET, StepForm


class DiagnosisForm(StepForm):
    required_fields = ("diagnosis_text", "cancer_category")
    intro = _("Write the diagnosis the way the treating team wrote it, if you have it.")

    class Meta:
        model = SecondOpinionRequest
        fields = ["diagnosis_text", "cancer_category", "diagnosis_date", "diagnosing_institution", "diagnosis_changed"]
        widgets = {"diagnosis_date": DATE_WIDGET, "diagnosis_changed": forms.RadioSelect}
        help_texts = {"diagnosis_date": _("If you don't know the exact day, the first of the month is fine.")}
        labels = {"diagnosis_changed": _("Has the diagnosis changed since it was first made?")}

    def clean_diagnosis_date(self):
        value = self.cleaned_data.get("diagnosis_date")
        validators.validate_not_in_future(value, _("The date of diagnosis cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        birth, diagnosed = self.instance.child_birth_date, cleaned.get("diagnosis_date")
        if birth and diagnosed and diagnosed < birth and "diagnosis_date" not in self.errors:
            self.add_error("diagnosis_date", _("The date of diagnosis is before the child's date of birth."))
        return cleaned


class SymptomsForm(StepForm):
    required_fields = ("current_symptoms", "treatment_status", "urgency")
    intro = _("How is the child doing now?")

    # The family chooses from descriptions; the model's labels are the staff's short ones.
    urgency = forms.ChoiceField(
        label=_("How soon do you need an answer?"),
        choices=[
            (Urgency.URGENT, _("Urgent: a treatment decision is needed within days")),
            (Urgency.SOON, _("Soon: within the next two weeks")),
            (Urgency.ROUTINE, _("Routine: no decision is pending")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "If your child is very sick, do not delay treatment for a second opinion: talk to your "
            "child's doctor today."
        ),
    )

    class Meta:
        model = SecondOpinionRequest
        fields = ["current_symptoms", "treatment_status", "urgency"]
        widgets = {"treatment_status": forms.RadioSelect}
        labels = {"treatment_status": _("Where is your child in treatment?")}


class ReasonsForm(StepForm):
    required_fields = ("reasons", "visit_preference")
    intro = _("Choose every reason that applies.")

    reasons = forms.MultipleChoiceField(
        label=_("Why are you asking for a second opinion?"),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SecondOpinionRequest
        fields = ["reasons", "other_reason", "questions", "visit_preference"]
        widgets = {"visit_preference": forms.RadioSelect}
        help_texts = {
            "questions": _("Optional: what would you like the specialist to answer?"),
            "visit_preference": _("Families who live far away usually choose a video visit."),
        }
        labels = {
            "questions": _("Questions you want the specialist to answer"),
            "visit_preference": _("How would you like to meet the specialist?"),
        }

    def clean(self):
        cleaned = super().clean()
        if Reason.OTHER in (cleaned.get("reasons") or []):
            self.require("other_reason")
        return cleaned


class ConsentForm(StepForm):
    required_fields = ("consent_to_share_records", "consent_signature")
    intro = _(
        "To review your child's case, our specialists need to see the medical records you share with us. "
        "We use them only for this second opinion and keep them private and secure."
    )

    class Meta:
        model = SecondOpinionRequest
        fields = ["consent_to_share_records", "consent_signature"]
        widgets = {"consent_signature": forms.TextInput(attrs={"autocomplete": "name"})}
        help_texts = {"consent_signature": _("Typing your full name counts as your signature, dated today.")}
        labels = {
            "consent_to_share_records": _(
                "I authorize the release of my child's medical records to the center for this review"
            ),
            "consent_signature": _("Type your full name as your signature"),
        }

    def clean_consent_signature(self):
        value = " ".join(self.cleaned_data.get("consent_signature", "").split())
        if value and len(value) < 3:
            raise ValidationError(_("Type your full name, first and last."), code="signature_too_short")
        return value


# --- Forms around the intake ----------------------------------------------------------
