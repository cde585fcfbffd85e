"""What every step form shares: required answers, the "Choose…" prompt, hidden-character checks, lenient saves."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import validators, wording
from ..models import (
    SubmitterRole,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REQUIRED = _("This answer is required.")
CHOOSE = _("Choose…")


class StepForm(forms.ModelForm):
    #: Fields the form always asks for; conditional ones are enforced in clean().
    required_fields: tuple = ()
    #: Short explanation shown above the fields.
    intro = ""
    #: Answers required only in some cases: field -> the hint that says when (shown with a "*" marker).
    conditionally_required: dict = {}

    def __init__(self, *args, lenient=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lenient = lenient
        for name, field in self.fields.items():
            field.required = name in self.required_fields and not lenient
            field.error_messages["required"] = REQUIRED
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(
                    validators.validate_multiline_text if multiline else validators.validate_single_line_text
                )
            if isinstance(field.widget, forms.RadioSelect) and hasattr(field, "choices"):
                # A model field's blank choice ("---------") is meaningless as a radio button.
                field.choices = [(value, label) for value, label in field.choices if value != ""]
            elif isinstance(field.widget, forms.Select) and hasattr(field, "choices"):
                # A real prompt instead of the model field's "---------".
                field.choices = [(value, CHOOSE if value == "" else label) for value, label in field.choices]
        for name, hint in self.conditionally_required.items():
            # The label keeps its words (review page, error summary); portal.css adds the "*" marker.
            field = self.fields[name]
            field.widget.attrs["data-conditionally-required"] = ""
            field.help_text = format_lazy("{} {}", hint, field.help_text) if field.help_text else hint
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.instance.submitter_role == SubmitterRole.PHYSICIAN:
            wording.for_physician(self)  # the questions asked about the family, not as the family

    def require(self, *names):
        """Mark conditionally required answers missing (not in lenient mode)."""
        if self.lenient:
            return
        for name in names:
            value = self.cleaned_data.get(name)
            if name not in self.errors and value in (None, "", [], False):
                self.add_error(name, REQUIRED)
