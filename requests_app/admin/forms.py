"""Small forms of the staff admin: the intermediate pages of workflow actions, notes, assignment."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import DocumentCategory, VisitPreference
from ..workflow import REQUESTABLE_CATEGORIES


class RequestRecordsForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Which records are missing?"),
        choices=[(c.value, c.label) for c in REQUESTABLE_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of record to ask for.")},
    )
    message = forms.CharField(
        label=_("Message to the family"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=_("Shown in the email and on the family's status page. Write in plain words; no internal notes."),
        max_length=2000,
        error_messages={"required": _("Write a short message telling the family what to send.")},
    )


VISIT_FORMATS = [
    (VisitPreference.VIDEO, _("Video")),
    (VisitPreference.TELEPHONE, _("Phone")),
    (VisitPreference.IN_PERSON, _("In person")),
]


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    visit_format = forms.ChoiceField(label=_("Format"), choices=VISIT_FORMATS, widget=forms.RadioSelect)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            when = timezone.make_aware(datetime.datetime.combine(cleaned["date"], cleaned["time"]))
            if when < timezone.now():
                raise forms.ValidationError(_("The visit's date and time are in the past."))
            cleaned["when"] = when
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=_("Kept in the status history for staff; the family is told by a coordinator."),
        max_length=2000,
        error_messages={"required": _("Give a reason for declining.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the request withdrawn? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        required=False,
        max_length=2000,
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_members()


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Add an internal note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        max_length=5000,
        error_messages={"required": _("The note is empty.")},
    )


def staff_members():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("first_name", "username")


CATEGORY_LABELS = dict(DocumentCategory.choices)
