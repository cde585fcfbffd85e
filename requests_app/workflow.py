"""A request's life after submission: status transitions, who may make them, and what each one triggers.

Status moves only through the functions below: each one checks the staff
member's permission and that the move is legal from the current status, locks the row, writes a
``StatusChange`` (who, when, from, to, why) and queues the family's email in the same transaction.
The admin's actions call these functions; nothing edits ``SecondOpinionRequest.status`` directly.

    submitted -> in review -> (awaiting records <-> in review) -> scheduled -> completed
    any open status -> declined / withdrawn

What the family is told about these moves (status text, timeline) is requests_app/family_timeline.py.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import notifications
from .family_timeline import FAMILY_STATUS_TEXT, family_history, visit_description  # noqa: F401 (re-exported)
from .models import (
    OPEN_STATUSES,
    DocumentCategory,
    DocumentStatus,
    InternalNote,
    Notification,
    RecordsRequest,
    SecondOpinionRequest,
    Status,
    StatusChange,
    VisitPreference,
)

#: Permissions (``requests_app.<codename>``) declared on SecondOpinionRequest.Meta and given to the groups.
PERM_TRANSITION = "requests_app.can_transition"
PERM_SCHEDULE = "requests_app.can_schedule"
PERM_ASSIGN = "requests_app.can_assign"
PERM_EXPORT = "requests_app.can_export"
PERM_ADD_NOTE = "requests_app.add_internalnote"

#: Records a coordinator can ask the family for (the insurance card is asked for by phone).
REQUESTABLE_CATEGORIES = [
    DocumentCategory.SCANS,
    DocumentCategory.SLIDES,
    DocumentCategory.REPORTS,
    DocumentCategory.TREATMENT_PLAN,
    DocumentCategory.INSURANCE_CARD,
]


class WorkflowError(Exception):
    """A transition that is not allowed from the request's current status; ``message`` is shown to staff."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotPermitted(WorkflowError):
    """The staff member's groups do not allow this transition."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple
    target: str
    permission: str
    #: Optional: ``guard(request) -> message or None``, a condition besides the status (shown to staff when refused).
    guard: object = None

    def allowed_from(self, status):
        return status in self.sources


def _family_has_confirmed_consent(request_obj):
    """Scheduling waits for the family's own consent on a physician's request (DESIGN §1)."""
    if request_obj.awaits_family_consent:
        return _(
            "%(reference)s is waiting for the family to confirm consent through their own link: "
            "it cannot be scheduled until they do."
        ) % {"reference": request_obj.reference or request_obj.pk}
    return None


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "start_review",
            gettext_lazy("Start review"),
            (Status.SUBMITTED, Status.AWAITING_RECORDS),
            Status.IN_REVIEW,
            PERM_TRANSITION,
        ),
        Transition(
            "request_records",
            gettext_lazy("Ask the family for records"),
            (Status.SUBMITTED, Status.IN_REVIEW, Status.AWAITING_RECORDS),
            Status.AWAITING_RECORDS,
            PERM_TRANSITION,
        ),
        Transition(
            "schedule",
            gettext_lazy("Mark scheduled"),
            (Status.IN_REVIEW, Status.SCHEDULED),
            Status.SCHEDULED,
            PERM_SCHEDULE,
            guard=_family_has_confirmed_consent,
        ),
        Transition("complete", gettext_lazy("Complete"), (Status.SCHEDULED,), Status.COMPLETED, PERM_TRANSITION),
        Transition("decline", gettext_lazy("Decline"), OPEN_STATUSES, Status.DECLINED, PERM_TRANSITION),
        Transition("withdraw", gettext_lazy("Withdraw"), OPEN_STATUSES, Status.WITHDRAWN, PERM_TRANSITION),
    ]
}


def allowed_transitions(request_obj, user):
    """The transitions this user may make on this request now, in workflow order."""
    return [t for t in TRANSITIONS.values() if t.allowed_from(request_obj.status) and user.has_perm(t.permission)]


def _check_permission(user, permission):
    if user is None or not user.has_perm(permission):
        raise TransitionNotPermitted(_("You do not have permission to do that."))


def _apply(request_obj, transition_name, user, reason="", **changes):
    """Check, lock, move the status, record the change; returns the locked request."""
    transition = TRANSITIONS[transition_name]
    _check_permission(user, transition.permission)
    locked = SecondOpinionRequest.objects.select_for_update().get(pk=request_obj.pk)
    if not transition.allowed_from(locked.status):
        raise WorkflowError(
            _("%(reference)s is %(status)s: “%(action)s” is not possible from there.")
            % {
                "reference": locked.reference or locked.pk,
                "status": locked.get_status_display().lower(),
                "action": transition.label,
            }
        )
    refusal = transition.guard(locked) if transition.guard else None
    if refusal:
        raise WorkflowError(refusal)
    previous = locked.status
    locked.status = transition.target
    for field, value in changes.items():
        setattr(locked, field, value)
    # Only the status (and the transition's own fields) are written: a concurrent edit of answers is kept.
    SecondOpinionRequest.objects.filter(pk=locked.pk).update(status=locked.status, updated_at=timezone.now(), **changes)
    StatusChange.objects.create(
        request=locked, from_status=previous, to_status=transition.target, changed_by=user, reason=reason
    )
    # Keep the caller's object in step with the row.
    request_obj.status = locked.status
    for field, value in changes.items():
        setattr(request_obj, field, value)
    return locked


def _move_and_tell_family(request_obj, transition, user, reason="", **changes):
    """Make the transition and queue the family's status email, in the caller's transaction."""
    locked = _apply(request_obj, transition, user, reason, **changes)
    notifications.queue_family_notification(
        locked, Notification.Kind.STATUS_CHANGED, {"status": locked.status, "message": ""}
    )
    return locked


@transaction.atomic
def start_review(request_obj, user, reason=""):
    """Submitted (or records received) -> in review."""
    return _move_and_tell_family(request_obj, "start_review", user, reason)


@transaction.atomic
def request_records(request_obj, user, categories, message):
    """Ask the family for records: a RecordsRequest row, status awaiting records, an email with a link."""
    categories = [c for c in dict.fromkeys(categories) if c in DocumentCategory.values]
    if not categories:
        raise WorkflowError(_("Choose at least one kind of record to ask for."))
    message = (message or "").strip()
    locked = _apply(request_obj, "request_records", user, reason=message)
    RecordsRequest.objects.create(request=locked, categories=categories, message=message, requested_by=user)
    notifications.queue_family_notification(
        locked, Notification.Kind.RECORDS_REQUESTED, {"categories": categories, "message": message}
    )
    return locked


@transaction.atomic
def schedule(request_obj, user, when, visit_format, reason=""):
    """In review -> scheduled, with the visit's date, time and format (also used to reschedule)."""
    if visit_format not in (VisitPreference.VIDEO, VisitPreference.TELEPHONE, VisitPreference.IN_PERSON):
        raise WorkflowError(_("Choose how the visit takes place: video, phone or in person."))
    if not isinstance(when, datetime.datetime):
        raise WorkflowError(_("Give the visit's date and time."))
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return _move_and_tell_family(
        request_obj, "schedule", user, reason, visit_scheduled_for=when, visit_format=visit_format
    )


@transaction.atomic
def complete(request_obj, user, reason=""):
    """Scheduled -> completed (the visit took place)."""
    return _move_and_tell_family(request_obj, "complete", user, reason)


@transaction.atomic
def decline(request_obj, user, reason):
    """Any open status -> declined; a reason is required (kept for staff, not sent to the family)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give a reason for declining."))
    return _move_and_tell_family(request_obj, "decline", user, reason)


@transaction.atomic
def withdraw(request_obj, user, reason=""):
    """Any open status -> withdrawn (the family asked to stop)."""
    return _move_and_tell_family(request_obj, "withdraw", user, reason)


def assign(requests, assignee, user):
    """Assign requests to a staff member (None: unassign); returns how many rows changed."""
    _check_permission(user, PERM_ASSIGN)
    if assignee is not None and not assignee.is_staff:
        raise WorkflowError(_("Requests can only be assigned to staff members."))
    ids = [r.pk for r in requests]
    return (
        SecondOpinionRequest.objects.filter(pk__in=ids)
        .exclude(status=Status.DRAFT)
        .update(assigned_to=assignee, updated_at=timezone.now())
    )


def add_note(request_obj, user, body):
    """Write an internal note (staff only, never shown to the family)."""
    _check_permission(user, PERM_ADD_NOTE)
    body = (body or "").strip()
    if not body:
        raise WorkflowError(_("The note is empty."))
    if request_obj.is_draft:
        raise WorkflowError(_("Notes can only be written on submitted requests."))
    return InternalNote.objects.create(request=request_obj, author=user, body=body)


def records_uploaded(document):
    """A file the family sent after submission arrived: close records requests it answers, tell the coordinator.

    Called by uploads/protocol.py once the document is verified. A records request counts as answered when
    every category it asked for has at least one file uploaded since it was made. Status does not
    change: the coordinator starts the review again when they have looked at the files.
    """
    request_obj = document.request
    now = timezone.now()
    with transaction.atomic():
        open_requests = list(
            RecordsRequest.objects.select_for_update().filter(request=request_obj, fulfilled_at__isnull=True)
        )
        fulfilled = _close_answered(request_obj, open_requests, now)
        latest = max(open_requests, key=lambda r: r.requested_at, default=None)
        first_since_latest = (
            latest is not None
            and not request_obj.documents.filter(status=DocumentStatus.UPLOADED, completed_at__gte=latest.requested_at)
            .exclude(pk=document.pk)
            .exists()
        )
        if not fulfilled and not first_since_latest:
            return  # the coordinator already heard that files are arriving for this request
        since = min((r.requested_at for r in fulfilled), default=latest.requested_at if latest else now)
        _tell_coordinator(request_obj, since)


def _close_answered(request_obj, open_requests, now):
    """Mark fulfilled the records requests whose every category has a file since they were made."""
    fulfilled = []
    for records_request in open_requests:
        received = set(
            request_obj.documents.filter(
                status=DocumentStatus.UPLOADED,
                uploaded_after_submission=True,
                completed_at__gte=records_request.requested_at,
            ).values_list("category", flat=True)
        )
        if set(records_request.categories) <= received:
            records_request.fulfilled_at = now
            records_request.save(update_fields=["fulfilled_at"])
            fulfilled.append(records_request)
    return fulfilled


def _tell_coordinator(request_obj, since):
    """Queue the coordinator's "records uploaded" email with how many files arrived since ``since``."""
    count = request_obj.documents.filter(
        status=DocumentStatus.UPLOADED, uploaded_after_submission=True, completed_at__gte=since
    ).count()
    recipients = coordinator_emails(request_obj)
    if recipients:
        notifications.queue_staff_notification(
            request_obj, Notification.Kind.RECORDS_UPLOADED, recipients, {"count": count}
        )


def coordinator_emails(request_obj):
    """Who hears that records arrived: the assigned coordinator, else whoever last asked for records."""
    coordinator = request_obj.assigned_to
    if coordinator is not None and coordinator.email:
        return [coordinator.email]
    return list(
        request_obj.records_requests.exclude(requested_by__email="")
        .exclude(requested_by__isnull=True)
        .order_by("-requested_at")
        .values_list("requested_by__email", flat=True)[:1]
    )
