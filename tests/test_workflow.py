"""Workflow transitions (requests_app/workflow.py): each legal one, each illegal one refused, who may make them."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from requests_app import family_timeline, workflow
from requests_app.models import OPEN_STATUSES, Notification, RecordsRequest, SecondOpinionRequest, Status, StatusChange

from .factories import SubmittedRequestFactory
from .staff import COORDINATOR, READ_ONLY, SCHEDULER, make_document, make_staff

pytestmark = pytest.mark.django_db


TOMORROW_10AM = timezone.make_aware(
    datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(10, 0))
)


def run(name, request_obj, user):
    """Call the transition ``name`` with the arguments it needs."""
    extra = {
        "request_records": {"categories": ["scans"], "message": "Please send the MRI from March."},
        "schedule": {"when": TOMORROW_10AM, "visit_format": "video"},
        "decline": {"reason": "Outside the age range we see."},
    }.get(name, {})
    return getattr(workflow, name)(request_obj, user, **extra)


LEGAL = [
    ("start_review", Status.SUBMITTED, Status.IN_REVIEW),
    ("start_review", Status.AWAITING_RECORDS, Status.IN_REVIEW),
    ("request_records", Status.SUBMITTED, Status.AWAITING_RECORDS),
    ("request_records", Status.IN_REVIEW, Status.AWAITING_RECORDS),
    ("request_records", Status.AWAITING_RECORDS, Status.AWAITING_RECORDS),
    ("schedule", Status.IN_REVIEW, Status.SCHEDULED),
    ("schedule", Status.SCHEDULED, Status.SCHEDULED),
    ("complete", Status.SCHEDULED, Status.COMPLETED),
    *[("decline", s, Status.DECLINED) for s in OPEN_STATUSES],
    *[("withdraw", s, Status.WITHDRAWN) for s in OPEN_STATUSES],
]
ALL_STATUSES = [s for s in Status.values if s != Status.DRAFT]
ILLEGAL = [
    (name, source)
    for name in workflow.TRANSITIONS
    for source in [*ALL_STATUSES, Status.DRAFT]
    if not any(n == name and s == source for n, s, _t in LEGAL)
]


@pytest.mark.parametrize(("name", "source", "target"), LEGAL)
def test_legal_transition_moves_status_records_who_and_why_and_tells_the_family(name, source, target):
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=source)
    run(name, request_obj, coordinator)
    request_obj.refresh_from_db()
    assert request_obj.status == target
    change = StatusChange.objects.get(request=request_obj)
    assert (change.from_status, change.to_status, change.changed_by) == (source, target, coordinator)
    kinds = list(Notification.objects.filter(request=request_obj).values_list("kind", flat=True))
    expected = Notification.Kind.RECORDS_REQUESTED if name == "request_records" else Notification.Kind.STATUS_CHANGED
    assert kinds == [expected]


@pytest.mark.parametrize(("name", "source"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(name, source):
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=source)
    with pytest.raises(workflow.WorkflowError) as refusal:
        run(name, request_obj, coordinator)
    assert "not possible" in refusal.value.message
    request_obj.refresh_from_db()
    assert request_obj.status == source
    assert not StatusChange.objects.exists()
    assert not Notification.objects.exists()
    assert not RecordsRequest.objects.exists()


def test_decline_needs_a_reason_and_it_is_kept_in_the_history():
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    with pytest.raises(workflow.WorkflowError):
        workflow.decline(request_obj, coordinator, "  ")
    workflow.decline(request_obj, coordinator, "The child is 27: outside our age range.")
    assert StatusChange.objects.get(request=request_obj).reason == "The child is 27: outside our age range."


def test_schedule_stores_the_visit_and_refuses_an_unknown_format():
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    with pytest.raises(workflow.WorkflowError):
        workflow.schedule(request_obj, coordinator, TOMORROW_10AM, "carrier pigeon")
    workflow.schedule(request_obj, coordinator, TOMORROW_10AM, "in_person")
    stored = SecondOpinionRequest.objects.get(pk=request_obj.pk)
    assert (stored.status, stored.visit_scheduled_for, stored.visit_format) == (
        Status.SCHEDULED,
        TOMORROW_10AM,
        "in_person",
    )


def test_request_records_writes_what_was_asked_and_emails_the_family_a_link(django_capture_on_commit_callbacks):
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_records(request_obj, coordinator, ["slides", "reports"], "Please send the biopsy slides.")
    asked = RecordsRequest.objects.get(request=request_obj)
    assert (asked.categories, asked.message, asked.requested_by) == (
        ["slides", "reports"],
        "Please send the biopsy slides.",
        coordinator,
    )
    (email,) = mail.outbox
    assert email.to == [request_obj.contact_email]
    assert "/resume/#t=" in email.body and "?t=" not in email.body


def test_scheduler_may_schedule_but_not_start_review_or_decline():
    scheduler = make_staff(SCHEDULER)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    for name in ["start_review", "request_records", "complete", "decline", "withdraw"]:
        with pytest.raises(workflow.TransitionNotPermitted):
            run(name, request_obj, scheduler)
    run("schedule", request_obj, scheduler)
    assert SecondOpinionRequest.objects.get(pk=request_obj.pk).status == Status.SCHEDULED


def test_read_only_staff_can_make_no_transition_assignment_or_note():
    reader = make_staff(READ_ONLY)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    for name in workflow.TRANSITIONS:
        with pytest.raises(workflow.TransitionNotPermitted):
            run(name, request_obj, reader)
    with pytest.raises(workflow.TransitionNotPermitted):
        workflow.assign([request_obj], reader, reader)
    with pytest.raises(workflow.TransitionNotPermitted):
        workflow.add_note(request_obj, reader, "hello")
    assert SecondOpinionRequest.objects.get(pk=request_obj.pk).status == Status.IN_REVIEW


def test_allowed_transitions_depend_on_status_and_group():
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW)
    names = lambda user: [t.name for t in workflow.allowed_transitions(request_obj, user)]  # noqa: E731
    assert names(make_staff(COORDINATOR)) == ["request_records", "schedule", "decline", "withdraw"]
    assert names(make_staff(SCHEDULER)) == ["schedule"]
    assert names(make_staff(READ_ONLY)) == []


def test_records_uploaded_closes_the_records_request_once_every_category_arrived_and_tells_the_coordinator():
    coordinator = make_staff(COORDINATOR)
    request_obj = SubmittedRequestFactory(status=Status.IN_REVIEW, assigned_to=coordinator)
    workflow.request_records(request_obj, coordinator, ["scans", "reports"], "Scans and the pathology report")
    Notification.objects.all().delete()

    workflow.records_uploaded(make_document(request_obj, "scans", uploaded_after_submission=True))
    asked = RecordsRequest.objects.get(request=request_obj)
    assert asked.fulfilled_at is None
    first = Notification.objects.get(kind=Notification.Kind.RECORDS_UPLOADED)
    assert first.recipients == [coordinator.email]

    workflow.records_uploaded(make_document(request_obj, "reports", name="path.pdf", uploaded_after_submission=True))
    asked.refresh_from_db()
    assert asked.fulfilled_at is not None
    last = Notification.objects.filter(kind=Notification.Kind.RECORDS_UPLOADED).order_by("-pk").first()
    assert last.context == {"count": 2}
    history = [e["text"] for e in family_timeline.family_history(SecondOpinionRequest.objects.get(pk=request_obj.pk))]
    assert "We received the records we asked for." in history
    assert "You sent 2 file(s)." in history
