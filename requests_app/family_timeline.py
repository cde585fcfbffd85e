"""What the family is told about their request after submission: its status in plain words and its timeline.

Never internal notes or staff reasons; the status page (status_views.py) and emails read these.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .models import DocumentCategory, DocumentStatus, Status

#: The status in plain words, for the family's status page.
FAMILY_STATUS_TEXT = {
    Status.SUBMITTED: gettext_lazy("We have received your request. A coordinator will look at it soon."),
    Status.IN_REVIEW: gettext_lazy("A coordinator is reviewing your request and your child's records."),
    Status.AWAITING_RECORDS: gettext_lazy(
        "We need more records before we can continue. Please send the records listed below."
    ),
    Status.SCHEDULED: gettext_lazy("Your visit with the specialist is scheduled."),
    Status.COMPLETED: gettext_lazy("The second-opinion visit has taken place. Thank you for trusting us."),
    Status.DECLINED: gettext_lazy(
        "We are not able to offer a second opinion for this request. A coordinator will contact you to explain."
    ),
    Status.WITHDRAWN: gettext_lazy("This request was withdrawn. Contact us if you want to start again."),
}

FAMILY_EVENT_TEXT = {
    Status.IN_REVIEW: gettext_lazy("A coordinator started reviewing your request."),
    Status.AWAITING_RECORDS: gettext_lazy("We asked you for more records."),
    Status.SCHEDULED: gettext_lazy("Your visit was scheduled."),
    Status.COMPLETED: gettext_lazy("The second-opinion visit took place."),
    Status.DECLINED: gettext_lazy("We could not offer a second opinion for this request."),
    Status.WITHDRAWN: gettext_lazy("The request was withdrawn."),
}


def family_history(request_obj):
    """The family-visible timeline, oldest first: [{"at", "text", "detail"}]; never notes or staff reasons."""
    events = []
    if request_obj.submitted_at:
        events.append({"at": request_obj.submitted_at, "text": _("You sent your request."), "detail": ""})
    events += _status_events(request_obj)
    events += _records_request_events(request_obj)
    events += _upload_events(request_obj)
    events.sort(key=lambda e: e["at"])
    return events


def _status_events(request_obj):
    events = []
    for change in request_obj.status_changes.all():
        if change.to_status == Status.AWAITING_RECORDS:
            continue  # shown with what was asked, from the records request itself
        detail = ""
        if change.to_status == Status.SCHEDULED and request_obj.visit_scheduled_for:
            detail = visit_description(request_obj)
        events.append(
            {"at": change.changed_at, "text": str(FAMILY_EVENT_TEXT.get(change.to_status, "")), "detail": detail}
        )
    return events


def _records_request_events(request_obj):
    events = []
    labels = dict(DocumentCategory.choices)
    for records_request in request_obj.records_requests.all():
        asked = ", ".join(str(labels.get(c, c)) for c in records_request.categories)
        events.append(
            {
                "at": records_request.requested_at,
                "text": _("We asked you for: %(asked)s.") % {"asked": asked},
                "detail": records_request.message,
            }
        )
        if records_request.fulfilled_at:
            events.append(
                {"at": records_request.fulfilled_at, "text": _("We received the records we asked for."), "detail": ""}
            )
    return events


def _upload_events(request_obj):
    """One event per day on which the family sent files after submitting, at that day's last file."""
    sent = [
        d
        for d in request_obj.documents.all()
        if d.uploaded_after_submission and d.status == DocumentStatus.UPLOADED and d.completed_at
    ]
    by_day = {}
    for document in sent:
        by_day.setdefault(timezone.localdate(document.completed_at), []).append(document)
    events = []
    for day_documents in by_day.values():
        last = max(d.completed_at for d in day_documents)
        events.append({"at": last, "text": _("You sent %(n)s file(s).") % {"n": len(day_documents)}, "detail": ""})
    return events


def visit_description(request_obj):
    """E.g. "Video visit on Tuesday, March 3, 2026 at 10:30 AM"."""
    if not request_obj.visit_scheduled_for:
        return ""
    when = timezone.localtime(request_obj.visit_scheduled_for)
    return _("%(format)s on %(date)s at %(time)s") % {
        "format": request_obj.get_visit_format_display() or _("Visit"),
        # Django date formats, translated like any text: "Tuesday, March 3, 2026" / "martes 3 de marzo de 2026".
        "date": formats.date_format(when, pgettext("visit date format", "l, F j, Y")),
        "time": formats.time_format(when, pgettext("visit time format", "g:i A")),
    }
