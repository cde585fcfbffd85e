"""What the intake's questions say to a referring physician: the same answers, asked about the family.

The step forms (forms.py) speak to a parent ("your child", "I authorize ..."). When a physician fills the
request in, StepForm applies ``for_physician``: each question is reworded, the consent is an attestation
that the family agreed (the family then confirms it themselves, family_consent.py), and the guardian's own
legal-authority declaration is not asked.
"""

from django.utils.translation import gettext_lazy as _

from .models import Reason

LABELS = {
    "preferred_contact_method": _("How should we contact the family?"),
    "preferred_language": _("The family's preferred language"),
    "current_physician_aware": _("Does the child's treating doctor know the family is asking for a second opinion?"),
    "treatment_status": _("Where is the child in treatment?"),
    "urgency": _("How soon is an answer needed?"),
    "reasons": _("Why is the family asking for a second opinion?"),
    "questions": _("Questions for the specialist"),
    "visit_preference": _("How would the family like to meet the specialist?"),
    "consent_to_share_records": _(
        "I confirm that the child's parent or legal guardian agreed to share the child's medical records with "
        "the center for this review"
    ),
}

HELP_TEXTS = {
    "guardian_phone": _("Include the country code if the family lives outside the US, for example +44 20 7946 0958."),
    "urgency": _("If the child is very sick, do not delay treatment for a second opinion."),
    "consent_signature": _(
        "Typing your full name counts as your signature, dated today. The family will also confirm their "
        "consent through their own link before we schedule the visit."
    ),
}

INTROS = {
    "InsuranceForm": _(
        "The family's insurance. Most plans cover second opinions; photos of the card can be added with the records."
    ),
    "CurrentPhysicianForm": _(
        "The doctor who treats the child now (you, if you are that doctor). We may contact them for records."
    ),
    "DiagnosisForm": _("The diagnosis as the treating team wrote it."),
    "ReasonsForm": _("Choose every reason that applies to the family's request."),
    "RecordsForm": _(
        "Upload what you have now; you or the family can add the rest later. Large files such as a CD of MRI "
        "images or scanned slides are fine: keep this page open while the bars fill."
    ),
    "ConsentForm": _(
        "Our specialists need to see the child's medical records to review the case. We use them only for this "
        "second opinion and keep them private and secure. The family confirms their consent themselves through "
        "their own link before a visit is scheduled."
    ),
}

CHOICES = {
    "reasons": {
        Reason.RARE_CANCER: _("The child has a rare cancer and the family wants a specialist in that type"),
        Reason.CONDITION_CHANGED: _("The child's condition or diagnosis has changed"),
    },
    "current_physician_aware": {"prefer_not": _("The family prefers not to tell them")},
}

#: The guardian's own declarations, which a physician cannot make for them.
NOT_ASKED = ("guardian_attests_legal_authority",)


def for_physician(form):
    """Reword a step form in place for a referring physician filling the request in for a family."""
    for name in NOT_ASKED:
        form.fields.pop(name, None)
    form.intro = INTROS.get(type(form).__name__, form.intro)
    for name, field in form.fields.items():
        if name in LABELS:
            field.label = LABELS[name]
        if name in HELP_TEXTS:
            field.help_text = HELP_TEXTS[name]
        if name in CHOICES and hasattr(field, "choices"):
            field.choices = [(value, CHOICES[name].get(value, label)) for value, label in field.choices]
