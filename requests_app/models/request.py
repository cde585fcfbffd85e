"""The second-opinion request: a draft while the family fills it in, then the submitted request.

One row holds every answer. Columns are blank while a draft is in progress;
which answers are required is decided by the step forms (requests_app/forms.py), so the
review page and the step validation can never disagree.
"""

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from .choices import (
    CancerCategory,
    ContactMethod,
    CoverageType,
    PhysicianAwareness,
    PreferredLanguage,
    RecordsAvailability,
    Relationship,
    Sex,
    Status,
    SubmitterRole,
    TreatmentStatus,
    Urgency,
    VisitPreference,
    YesNoUnsure,
)

# No 0/O, 1/I/L, U: a reference is read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference():
    """A random reference such as SO-7KQ4-M2XH; unguessable from any other one."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SO-{chars[:4]}-{chars[4:]}"


def age_on(birth_date, today):
    """Completed years of age on a given day."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class SecondOpinionRequestQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def submitted(self):
        return self.exclude(status=Status.DRAFT)


class SecondOpinionRequest(models.Model):
    # --- identity and lifecycle -----------------------------------------------------
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitter_role = models.CharField(_("submitted by"), max_length=10, choices=SubmitterRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    last_step = models.CharField(max_length=40, blank=True, help_text="The step the family last saved.")
    # Raw values of fields that did not validate when the family left a step with "Back" or
    # "Save and continue later", keyed by step: shown again so nothing typed is lost.
    unsaved_inputs = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )

    # --- resume links are ResumeLink rows (requests_app/tokens.py) ------------------
    # An address chosen for links before they went only to the draft's own address; kept for those drafts.
    resume_email = models.EmailField(_("email for the resume link"), blank=True)

    # --- referring physician (only when a physician submits) ------------------------
    physician_name = models.CharField(_("physician's name"), max_length=200, blank=True)
    physician_npi = models.CharField(_("physician's NPI"), max_length=10, blank=True)
    physician_institution = models.CharField(_("physician's hospital or practice"), max_length=200, blank=True)
    physician_phone = PhoneNumberField(_("physician's phone"), blank=True)
    physician_email = models.EmailField(_("physician's email"), blank=True)
    physician_attests_family_agreed = models.BooleanField(_("family's agreement attested"), default=False)

    # --- child ----------------------------------------------------------------------
    child_first_name = models.CharField(_("child's legal first name"), max_length=100, blank=True)
    child_last_name = models.CharField(_("child's legal last name"), max_length=100, blank=True)
    child_preferred_name = models.CharField(_("name the child likes to be called"), max_length=100, blank=True)
    child_birth_date = models.DateField(_("child's date of birth"), null=True, blank=True)
    child_sex = models.CharField(_("child's sex"), max_length=12, choices=Sex.choices, blank=True)

    # --- address --------------------------------------------------------------------
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    region = models.CharField(_("state, province or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("ZIP or postal code"), max_length=20, blank=True)
    country = CountryField(_("country"), blank=True, default="US")

    # --- parent / guardian ------------------------------------------------------------
    guardian_name = models.CharField(_("parent or guardian's full name"), max_length=200, blank=True)
    guardian_relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=Relationship.choices, blank=True
    )
    guardian_email = models.EmailField(_("email address"), blank=True, db_index=True)
    guardian_phone = PhoneNumberField(_("phone number"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=PreferredLanguage.choices, blank=True
    )
    preferred_contact_method = models.CharField(
        _("preferred contact method"), max_length=8, choices=ContactMethod.choices, blank=True
    )
    guardian_attests_legal_authority = models.BooleanField(_("legal authority attested"), default=False)
    second_guardian_name = models.CharField(_("second parent or guardian's name"), max_length=200, blank=True)
    second_guardian_relationship = models.CharField(
        _("second guardian's relationship"), max_length=20, choices=Relationship.choices, blank=True
    )
    second_guardian_email = models.EmailField(_("second guardian's email"), blank=True)
    second_guardian_phone = PhoneNumberField(_("second guardian's phone"), blank=True)

    # --- insurance ------------------------------------------------------------------
    coverage_type = models.CharField(_("type of coverage"), max_length=20, choices=CoverageType.choices, blank=True)
    insurance_carrier = models.CharField(_("insurance company or plan name"), max_length=200, blank=True)
    insurance_member_id = models.CharField(_("member ID"), max_length=60, blank=True)
    insurance_group_number = models.CharField(_("group number"), max_length=60, blank=True)
    policyholder_name = models.CharField(_("policyholder's full name"), max_length=200, blank=True)
    policyholder_birth_date = models.DateField(_("policyholder's date of birth"), null=True, blank=True)

    # --- current physician ----------------------------------------------------------
    current_physician_name = models.CharField(_("doctor's name"), max_length=200, blank=True)
    current_physician_specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    current_physician_institution = models.CharField(_("hospital or practice"), max_length=200, blank=True)
    current_physician_phone = PhoneNumberField(_("phone number"), blank=True)
    current_physician_fax = PhoneNumberField(_("fax number"), blank=True)
    current_physician_email = models.EmailField(_("email address"), blank=True)
    current_physician_aware = models.CharField(
        _("doctor aware of the second opinion"),
        max_length=12,
        choices=PhysicianAwareness.choices,
        blank=True,
    )

    # --- diagnosis ------------------------------------------------------------------
    diagnosis_text = models.TextField(_("diagnosis, as written by the treating team"), blank=True)
    cancer_category = models.CharField(
        _("type of cancer"), max_length=24, choices=CancerCategory.choices, blank=True, db_index=True
    )
    diagnosis_date = models.DateField(_("date of diagnosis"), null=True, blank=True)
    diagnosing_institution = models.CharField(_("hospital where the diagnosis was made"), max_length=200, blank=True)
    diagnosis_changed = models.CharField(_("diagnosis changed"), max_length=8, choices=YesNoUnsure.choices, blank=True)

    # --- symptoms and current state -------------------------------------------------
    current_symptoms = models.TextField(_("current symptoms"), blank=True)
    treatment_status = models.CharField(
        _("treatment status"), max_length=16, choices=TreatmentStatus.choices, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True, db_index=True)

    # --- reasons and visit ----------------------------------------------------------
    reasons = models.JSONField(_("reasons for a second opinion"), default=list, blank=True)
    other_reason = models.CharField(_("other reason"), max_length=500, blank=True)
    questions = models.TextField(_("questions for the specialist"), blank=True)
    visit_preference = models.CharField(
        _("visit preference"), max_length=16, choices=VisitPreference.choices, blank=True
    )

    # --- records (filled by the records step; files are Document rows) --------------
    scans_availability = models.CharField(max_length=16, choices=RecordsAvailability.choices, blank=True)
    slides_availability = models.CharField(max_length=16, choices=RecordsAvailability.choices, blank=True)
    slides_tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    reports_availability = models.CharField(max_length=16, choices=RecordsAvailability.choices, blank=True)
    treatment_plan_availability = models.CharField(max_length=16, choices=RecordsAvailability.choices, blank=True)
    treatment_plan_text = models.TextField(_("treatment plan"), blank=True)

    # --- consent --------------------------------------------------------------------
    consent_to_share_records = models.BooleanField(_("consent to share records"), default=False)
    consent_signature = models.CharField(_("consent signature"), max_length=200, blank=True)
    consent_signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    consent_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    # --- visit, once scheduled ------------------------------------------------------
    visit_scheduled_for = models.DateTimeField(null=True, blank=True)
    visit_format = models.CharField(max_length=16, choices=VisitPreference.choices, blank=True)

    objects = SecondOpinionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="request_status_submitted"),
            # The staff list's order (newest submitted first, then id as Django's tie-breaker), with and
            # without a status filter: lets a page of 50 be read from the index at any table size.
            models.Index(fields=["-submitted_at", "-id"], name="request_newest_submitted"),
            models.Index(fields=["status", "-submitted_at", "-id"], name="request_status_newest"),
        ]
        # Staff permissions beyond view (granted to the groups in migration 0003; see requests_app/workflow.py).
        permissions = [
            ("can_transition", "Can move requests through the review workflow"),
            ("can_schedule", "Can mark requests scheduled"),
            ("can_assign", "Can assign requests to staff"),
            ("can_export", "Can export requests to CSV"),
        ]

    def __str__(self):
        return self.reference or f"Draft {self.pk}"

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def is_physician_request(self):
        return self.submitter_role == SubmitterRole.PHYSICIAN

    @property
    def child_name(self):
        return " ".join(p for p in (self.child_first_name, self.child_last_name) if p)

    def child_age(self, today=None):
        """The child's age in completed years, or None before the birth date is given."""
        if not self.child_birth_date:
            return None
        return age_on(self.child_birth_date, today or timezone.localdate())

    def birth_date_matches(self, value: date):
        return self.child_birth_date is not None and self.child_birth_date == value

    def confirmation_recipients(self):
        """Who receives the submission confirmation: the guardian, and the physician who submitted."""
        recipients = [self.guardian_email]
        if self.is_physician_request and self.physician_email:
            recipients.append(self.physician_email)
        return [r for r in dict.fromkeys(recipients) if r]

    @property
    def contact_email(self):
        """Where the family's own emails (resume link, status changes) go."""
        return self.resume_email or self.guardian_email
