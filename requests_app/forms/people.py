"""The steps about people: the referring physician, the child, the address, the guardian, insurance, the doctor."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..models import (
    CoverageType,
    SecondOpinionRequest,
    SubmitterRole,
)
from ..widgets import FastSelect
from .base import DATE_WIDGET, StepForm


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
