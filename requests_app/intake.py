"""The intake's step registry and its rules: which steps apply, what is complete, how answers are saved, submit.

The progress bar, the navigation, the review page and submission all read this one list, so
they cannot disagree about which steps exist or what is missing.
"""

from dataclasses import dataclass, field
from datetime import date

from django import forms as django_forms
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from . import forms, notifications, uploads
from .models import SecondOpinionRequest, Status, SubmitterRole, new_reference


def _always(draft):
    return True


def _physician_only(draft):
    return draft.submitter_role == SubmitterRole.PHYSICIAN


@dataclass(frozen=True)
class IntakeStep:
    slug: str
    title: str
    form_class: type
    applies: object = field(default=_always)
    #: Optional: extra (label, value) rows for the review page, e.g. the records step's uploaded files.
    review_rows: object = None
    #: Optional: ``on_save(draft, request_ip)`` sets what the step records besides its answers, before saving.
    on_save: object = None

    def form(self, draft, data=None, lenient=False):
        initial = None if data is not None else draft.unsaved_inputs.get(self.slug) or None
        return self.form_class(data=data, instance=draft, initial=initial, lenient=lenient)


def _record_consent(draft, request_ip):
    """A signed consent keeps when and from which address it was given."""
    draft.consent_signed_at = timezone.now()
    draft.consent_ip = request_ip


STEPS = [
    IntakeStep("physician", _("About you, the referring physician"), forms.PhysicianForm, _physician_only),
    IntakeStep("child", _("The child"), forms.ChildForm),
    IntakeStep("address", _("Address"), forms.AddressForm),
    IntakeStep("guardian", _("Parent or guardian"), forms.GuardianForm),
    IntakeStep("insurance", _("Insurance"), forms.InsuranceForm),
    IntakeStep("current-physician", _("Current doctor"), forms.CurrentPhysicianForm),
    IntakeStep("diagnosis", _("Diagnosis"), forms.DiagnosisForm),
    IntakeStep("symptoms", _("Symptoms and current state"), forms.SymptomsForm),
    IntakeStep("reasons", _("Why a second opinion"), forms.ReasonsForm),
    IntakeStep("records", _("Medical records"), forms.RecordsForm, review_rows=uploads.review_lines),
    IntakeStep("consent", _("Consent"), forms.ConsentForm, on_save=_record_consent),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


class SubmissionIncomplete(Exception):
    """Submit was asked for while required answers are still missing."""


def steps_for(draft):
    """The steps that apply to this draft, in order."""
    return [step for step in STEPS if step.applies(draft)]


def get_step(draft, slug):
    """The step with this slug if it applies to the draft, else None."""
    step = STEPS_BY_SLUG.get(slug)
    return step if step and step.applies(draft) else None


def neighbours(draft, step):
    """(previous step or None, next step or None) around ``step``."""
    steps = steps_for(draft)
    i = steps.index(step)
    return (steps[i - 1] if i > 0 else None, steps[i + 1] if i + 1 < len(steps) else None)


def _saved_data(step, draft):
    """The draft's saved answers for a step, shaped as the POST data its form would get."""
    form = step.form_class(instance=draft)
    data = MultiValueDict()
    for name, bound_field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(bound_field.widget, django_forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data.setlist(name, [str(v) for v in value])
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif value is not None:
            data[name] = str(value)
    return data


def step_errors(step, draft):
    """Why a step's saved answers are not complete yet: {field label: [messages]}, empty when complete."""
    return _errors_of(_validated_form(step, draft))


def _validated_form(step, draft):
    form = step.form_class(data=_saved_data(step, draft), instance=SecondOpinionRequest(**_field_values(draft)))
    form.is_valid()
    return form


def _errors_of(form):
    return {
        (form.fields[name].label if name in form.fields else _("This step")): list(messages)
        for name, messages in form.errors.items()
    }


def _field_values(draft):
    # Validation runs on a copy so that checking completeness never alters the draft in memory.
    return {f.attname: getattr(draft, f.attname) for f in SecondOpinionRequest._meta.concrete_fields}


def first_incomplete_step(draft):
    for step in steps_for(draft):
        if step_errors(step, draft):
            return step
    return None


def resume_step(draft):
    """Where a returning family continues: the step after the last one saved, else the first incomplete."""
    step = get_step(draft, draft.last_step)
    if step and not step_errors(step, draft):
        _, following = neighbours(draft, step)
        return following or first_incomplete_step(draft)
    return step or first_incomplete_step(draft)


def save_step(step, draft, form, request_ip=None):
    """Save a fully valid step's answers and forget any unsaved input kept for it."""
    draft = form.save(commit=False)
    draft.unsaved_inputs.pop(step.slug, None)
    draft.last_step = step.slug
    if step.on_save:
        step.on_save(draft, request_ip)
    draft.save()
    return draft


def save_partial(step, draft, data):
    """Keep what the family typed when they leave a step unfinished ("Back", "Save and continue later").

    Valid answers are saved to their columns; the raw text of answers that do not validate yet is
    kept in ``unsaved_inputs`` and shown again when the step is opened, so nothing typed is lost.
    """
    form = step.form(draft, data=data, lenient=True)
    form.is_valid()
    fresh = SecondOpinionRequest.objects.get(pk=draft.pk)
    changed = []
    for name in form.fields:
        if name in form.errors or name not in form.cleaned_data:
            continue
        setattr(fresh, name, form.cleaned_data[name])
        changed.append(name)
    many = django_forms.MultipleChoiceField
    unsaved = {
        name: (data.getlist(name) if isinstance(form.fields[name], many) else data.get(name))
        for name in form.errors
        if name in form.fields
    }
    if unsaved:
        fresh.unsaved_inputs[step.slug] = unsaved
    else:
        fresh.unsaved_inputs.pop(step.slug, None)
    fresh.last_step = step.slug
    fresh.save(update_fields=[*changed, "unsaved_inputs", "last_step", "updated_at"])
    return fresh


def review_sections(draft):
    """Every applicable step with its answers as (label, shown value) rows and what is still missing."""
    sections = []
    for step in steps_for(draft):
        # One form per step serves both the rows (labels, choices) and the completeness check.
        form = _validated_form(step, draft)
        rows = [(bound.label, display_value(draft, name, bound.field)) for name, bound in _bound_fields(form)]
        if step.review_rows:
            rows += step.review_rows(draft)
        errors = _errors_of(form)
        sections.append({"step": step, "rows": rows, "errors": errors, "complete": not errors})
    return sections


def _bound_fields(form):
    return [(name, form[name]) for name in form.fields]


def display_value(draft, name, form_field):
    """An answer as the family should read it back."""
    value = getattr(draft, name)
    if isinstance(form_field.widget, django_forms.CheckboxInput):
        return _("Yes") if value else _("No")
    if value in (None, "", []):
        return ""
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if name == "country":
        return draft.country.name
    if hasattr(value, "as_international"):
        return value.as_international
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")  # in the page's language, not strftime's English
    return str(choices.get(value, value))


def missing_answers(draft):
    """{step: {label: [messages]}} for every step not complete yet."""
    return {step: errors for step in steps_for(draft) if (errors := step_errors(step, draft))}


def submit(draft_pk, request_ip=None):
    """Turn a complete draft into a submitted request, exactly once.

    The row lock makes a double click, a resent form or the back button land on the request
    already submitted instead of submitting twice. Returns the request (submitted).
    """
    with transaction.atomic():
        draft = SecondOpinionRequest.objects.select_for_update().get(pk=draft_pk)
        if not draft.is_draft:
            return draft
        if missing_answers(draft):
            raise SubmissionIncomplete
        draft.status = Status.SUBMITTED
        draft.submitted_at = timezone.now()
        draft.unsaved_inputs = {}
        _assign_reference(draft)
        notifications.queue_submission_notifications(draft)
    return draft


def _assign_reference(draft, attempts=5):
    for _attempt in range(attempts):
        draft.reference = new_reference()
        try:
            with transaction.atomic():
                draft.save()
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free reference number")
