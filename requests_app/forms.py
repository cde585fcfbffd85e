"""One form per intake step, plus the small forms around the intake (resume, links).

A step form decides which of its answers are required; the review page asks the same forms,
so "what is missing" has one definition. ``lenient=True`` lets "Back" and "Save and continue
later" keep every valid answer without insisting on the required ones.
"""

from functools import cached_property

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import validators
from .models import (
    AVAILABILITY_FIELDS,
    CoverageType,
    DocumentCategory,
    Reason,
    SecondOpinionRequest,
    SubmitterRole,
    Urgency,
)
from .widgets import FastSelect

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

    def require(self, *names):
        """Mark conditionally required answers missing (not in lenient mode)."""
        if self.lenient:
            return
        for name in names:
            value = self.cleaned_data.get(name)
            if name not in self.errors and value in (None, "", [], False):
                self.add_error(name, REQUIRED)


class PhysicianForm(StepForm):
    required_fields = (
        "physician_name",
        "physician_npi",
        "physician_institution",
        "physician_phone",
        "physician_email",
        "physician_attests_family_agreed",
    )
    intro = _(
        "You are asking for a second opinion on behalf of a patient's family. We will confirm the request "
        "with you and with the family."
    )

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "physician_name",
            "physician_npi",
            "physician_institution",
            "physician_phone",
            "physician_email",
            "physician_attests_family_agreed",
        ]
        widgets = {
            "physician_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "physician_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "physician_npi": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "physician_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {"physician_npi": _("Your 10-digit National Provider Identifier.")}
        labels = {
            "physician_name": _("Your full name"),
            "physician_npi": _("Your NPI number"),
            "physician_institution": _("Your hospital or practice"),
            "physician_phone": _("Your phone number"),
            "physician_email": _("Your email address"),
            "physician_attests_family_agreed": _(
                "The child's parent or legal guardian has agreed to this second-opinion request"
            ),
        }

    def clean_physician_npi(self):
        value = self.cleaned_data.get("physician_npi", "")
        return validators.validate_npi(value) if value else value


class ChildForm(StepForm):
    required_fields = ("child_first_name", "child_last_name", "child_birth_date", "child_sex")
    intro = _("Tell us about the child who needs the second opinion.")

    class Meta:
        model = SecondOpinionRequest
        fields = ["child_first_name", "child_last_name", "child_preferred_name", "child_birth_date", "child_sex"]
        widgets = {"child_birth_date": DATE_WIDGET, "child_sex": forms.RadioSelect}
        help_texts = {"child_preferred_name": _("Optional.")}

    def clean_child_birth_date(self):
        value = self.cleaned_data.get("child_birth_date")
        validators.validate_child_birth_date(value)
        return value


class AddressForm(StepForm):
    required_fields = ("address_line1", "city", "country")
    conditionally_required = {
        "region": _("Required for an address in the United States."),
        "postal_code": _("Required for an address in the United States."),
    }
    intro = _("Where does the child live? Families from every country are welcome.")

    class Meta:
        model = SecondOpinionRequest
        fields = ["address_line1", "address_line2", "city", "region", "postal_code", "country"]
        widgets = {
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": FastSelect(attrs={"autocomplete": "country"}),
        }
        help_texts = {"region": _("For the US, the state (for example DE or Delaware).")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("country") == "US":
            self.require("region", "postal_code")
            for name, rule in (("region", validators.normalize_us_state), ("postal_code", validators.validate_us_zip)):
                if cleaned.get(name) and name not in self.errors:
                    try:
                        cleaned[name] = rule(cleaned[name])
                    except ValidationError as error:
                        self.add_error(name, error)
        return cleaned


class GuardianForm(StepForm):
    required_fields = (
        "guardian_name",
        "guardian_relationship",
        "guardian_email",
        "guardian_phone",
        "preferred_language",
        "preferred_contact_method",
    )
    intro = _("How can we reach the child's parent or legal guardian?")

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "guardian_name",
            "guardian_relationship",
            "guardian_email",
            "guardian_phone",
            "preferred_language",
            "preferred_contact_method",
            "guardian_attests_legal_authority",
            "second_guardian_name",
            "second_guardian_relationship",
            "second_guardian_email",
            "second_guardian_phone",
        ]
        widgets = {
            "guardian_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "guardian_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "guardian_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "second_guardian_phone": forms.TextInput(attrs={"type": "tel"}),
            "preferred_contact_method": forms.RadioSelect,
        }
        help_texts = {
            "guardian_phone": _("Include the country code if you are outside the US, for example +44 20 7946 0958."),
            "second_guardian_name": _("A second parent or guardian is optional."),
        }
        labels = {
            "preferred_contact_method": _("How should we contact you?"),
            "guardian_attests_legal_authority": _("I have legal authority to consent to medical care for this child"),
            "second_guardian_relationship": _("Their relationship to the child"),
            "second_guardian_email": _("Their email address"),
            "second_guardian_phone": _("Their phone number"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.submitter_role == SubmitterRole.GUARDIAN and not self.lenient:
            # Required of a parent (clean() enforces it); marked so, like any required answer.
            self.fields["guardian_attests_legal_authority"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.submitter_role == SubmitterRole.GUARDIAN:
            self.require("guardian_attests_legal_authority")
        return cleaned


class InsuranceForm(StepForm):
    required_fields = ("coverage_type",)
    intro = _("Most insurance plans cover second opinions. You can add photos of the card with your records.")
    #: Which answers each kind of coverage has.
    FIELDS_FOR_COVERAGE = {
        CoverageType.COMMERCIAL: (
            "insurance_carrier",
            "insurance_member_id",
            "policyholder_name",
            "policyholder_birth_date",
        ),
        CoverageType.MEDICAID_CHIP: ("insurance_carrier", "insurance_member_id"),
        CoverageType.INTERNATIONAL: ("insurance_carrier", "insurance_member_id", "policyholder_name"),
    }

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "coverage_type",
            "insurance_carrier",
            "insurance_member_id",
            "insurance_group_number",
            "policyholder_name",
            "policyholder_birth_date",
        ]
        widgets = {"coverage_type": forms.RadioSelect, "policyholder_birth_date": DATE_WIDGET}
        help_texts = {
            "insurance_carrier": _("Needed for private, Medicaid/CHIP and international coverage."),
            "insurance_group_number": _("Optional: on many cards as 'Group' or 'GRP'."),
        }

    def clean_policyholder_birth_date(self):
        value = self.cleaned_data.get("policyholder_birth_date")
        validators.validate_not_in_future(value, _("The policyholder's date of birth cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        self.require(*self.FIELDS_FOR_COVERAGE.get(cleaned.get("coverage_type"), ()))
        return cleaned


class CurrentPhysicianForm(StepForm):
    required_fields = (
        "current_physician_name",
        "current_physician_institution",
        "current_physician_phone",
        "current_physician_aware",
    )
    intro = _(
        "The doctor who treats the child now. It helps to tell them you are asking for a second opinion: "
        "most doctors welcome it, and some ask for one."
    )

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "current_physician_name",
            "current_physician_specialty",
            "current_physician_institution",
            "current_physician_phone",
            "current_physician_fax",
            "current_physician_email",
            "current_physician_aware",
        ]
        widgets = {
            "current_physician_phone": forms.TextInput(attrs={"type": "tel"}),
            "current_physician_fax": forms.TextInput(attrs={"type": "tel"}),
            "current_physician_aware": forms.RadioSelect,
        }
        labels = {"current_physician_aware": _("Does this doctor know you are asking for a second opinion?")}


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


class UploadArea:
    """A crispy layout object that renders one category's upload area (partials/upload_area.html)."""

    def __init__(self, category):
        self.category = category

    def render(self, form, context, template_pack=None, **kwargs):
        from django.template.loader import render_to_string

        area = form.upload_areas[self.category]
        return render_to_string("requests_app/partials/upload_area.html", {**context.flatten(), "area": area})


class UploadClient:
    """A crispy layout object that renders, once, the upload client's configuration and script."""

    def render(self, form, context, template_pack=None, **kwargs):
        from .templatetags.uploads import upload_client

        return upload_client(context, form.upload_areas.values())


class RecordsForm(StepForm):
    required_fields = tuple(AVAILABILITY_FIELDS.values())
    intro = _(
        "Upload what you have now; you can add the rest later. Large files such as a CD of MRI images "
        "or scanned slides are fine: keep this page open while the bars fill, and if the connection drops "
        "the upload continues where it stopped."
    )

    scans_availability = forms.ChoiceField(
        label=_("Diagnostic scans (MRI, CT, PET, X-ray)"),
        choices=[("uploaded", _("I am uploading them here")), ("not_available", _("Not available yet"))],
        widget=forms.RadioSelect,
    )
    slides_availability = forms.ChoiceField(
        label=_("Biopsy slides"),
        choices=[
            ("uploaded", _("I am uploading scanned slides here")),
            ("mailed", _("Physical slides will be mailed")),
            ("not_available", _("Not available yet")),
        ],
        widget=forms.RadioSelect,
    )
    reports_availability = forms.ChoiceField(
        label=_("Clinical reports (lab, pathology, radiation, surgery)"),
        choices=[("uploaded", _("I am uploading them here")), ("not_available", _("Not available yet"))],
        widget=forms.RadioSelect,
    )
    treatment_plan_availability = forms.ChoiceField(
        label=_("Written treatment plan"),
        choices=[
            ("uploaded", _("I am uploading it here")),
            ("typed", _("I will type it in")),
            ("not_available", _("Not available yet")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "scans_availability",
            "slides_availability",
            "slides_tracking_number",
            "reports_availability",
            "treatment_plan_availability",
            "treatment_plan_text",
        ]
        labels = {
            "slides_tracking_number": _("Tracking number for the mailed slides"),
            "treatment_plan_text": _("The treatment plan, typed in"),
        }
        help_texts = {"slides_tracking_number": _("Optional: add it when you have posted the slides.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crispy_forms.layout import Fieldset, Layout

        self.helper.layout = Layout(
            Fieldset("", "scans_availability", UploadArea("scans"), css_class="records-category"),
            Fieldset(
                "", "slides_availability", "slides_tracking_number", UploadArea("slides"), css_class="records-category"
            ),
            Fieldset("", "reports_availability", UploadArea("reports"), css_class="records-category"),
            Fieldset(
                "",
                "treatment_plan_availability",
                "treatment_plan_text",
                UploadArea("treatment_plan"),
                css_class="records-category",
            ),
            Fieldset("", UploadArea("insurance_card"), css_class="records-category"),
            UploadClient(),
        )

    @cached_property
    def upload_areas(self):
        """{category: what its upload area shows}, built once for the areas and the client's configuration."""
        from . import uploads

        categories = [*AVAILABILITY_FIELDS, DocumentCategory.INSURANCE_CARD]
        return {str(c): uploads.upload_area(self.instance, c, context="intake") for c in categories}

    def clean(self):
        from .models import DocumentStatus

        cleaned = super().clean()
        documents = self.instance.documents.all() if self.instance.pk else None
        for category, name in AVAILABILITY_FIELDS.items():
            if cleaned.get(name) != "uploaded" or self.lenient:
                continue
            in_category = documents.filter(category=category) if documents is not None else None
            if in_category is None or not in_category.filter(status=DocumentStatus.UPLOADED).exists():
                self.add_error(name, _("Upload at least one file here, or choose another answer."))
            elif in_category.filter(status=DocumentStatus.PENDING).exists():
                self.add_error(
                    name, _("A file here has not finished uploading. Let it finish, or remove it, then continue.")
                )
        if cleaned.get("treatment_plan_availability") == "typed":
            self.require("treatment_plan_text")
        return cleaned
