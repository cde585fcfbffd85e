"""Staff groups and what each may do in the admin, including crafted POSTs; audit log access; login throttling."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from requests_app.models import AuditLogEntry, InternalNote, SecondOpinionRequest, Status, StatusChange

from .staff import (
    COORDINATOR,
    PASSWORD,
    READ_ONLY,
    SCHEDULER,
    current_code,
    enrol_app,
    log_in,
    make_document,
    make_staff,
    make_submitted,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"
ACTION_POSTS = {
    "start_review": {},
    "request_records": {"categories": ["scans"], "message": "Send scans"},
    "schedule": {"date": "2099-01-02", "time": "09:00", "visit_format": "video"},
    "complete": {},
    "decline": {"reason": "No"},
    "withdraw": {"reason": ""},
    "assign": {},
    "assign_to_me": {},
    "export_csv": {},
}


def crafted_posts(client, request_obj, actions):
    """Every way to trigger an action: the change list's form (index) and an intermediate page's form (apply)."""
    responses = []
    for action in actions:
        data = {"action": action, "_selected_action": [request_obj.pk], **ACTION_POSTS[action]}
        responses.append(client.post(CHANGELIST, {**data, "index": 0}))
        responses.append(client.post(CHANGELIST, {**data, "apply": "1"}))
    return responses


def test_groups_are_created_with_their_permissions():
    perms = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.filter(name__in=[COORDINATOR, SCHEDULER, READ_ONLY])
    }
    view = {
        "view_secondopinionrequest",
        "view_document",
        "view_statuschange",
        "view_internalnote",
        "view_recordsrequest",
    }
    assert perms[READ_ONLY] == view
    assert perms[SCHEDULER] == view | {"can_schedule", "add_internalnote"}
    assert perms[COORDINATOR] == view | {
        "can_transition",
        "can_schedule",
        "can_assign",
        "can_export",
        "add_internalnote",
    }
    assert not any("change_secondopinionrequest" in p or "delete_" in " ".join(p) for p in perms.values())


def test_read_only_user_sees_requests_but_changes_nothing_even_with_crafted_posts(client):
    reader = make_staff(READ_ONLY)
    log_in(client, reader)
    request_obj = make_submitted(status=Status.IN_REVIEW)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and request_obj.reference in listing.content.decode()
    assert 'name="_selected_action"' not in listing.content.decode()  # no actions offered
    detail = client.get(
        reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])
    ).content.decode()
    assert "data-transition" not in detail and "Add note" not in detail

    responses = crafted_posts(client, request_obj, ACTION_POSTS)
    assert all(not r.get("Content-Type", "").startswith("text/csv") for r in responses)
    note = client.post(
        reverse("admin:requests_app_secondopinionrequest_add_note", args=[request_obj.pk]), {"body": "sneaky"}
    )
    assert note.status_code == 403
    request_obj.refresh_from_db()
    assert (request_obj.status, request_obj.assigned_to) == (Status.IN_REVIEW, None)
    assert not StatusChange.objects.exists()
    assert not InternalNote.objects.exists()
    assert not request_obj.records_requests.exists()
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORT).exists()


def test_scheduler_can_schedule_and_write_notes_but_nothing_else(client):
    scheduler = make_staff(SCHEDULER)
    log_in(client, scheduler)
    request_obj = make_submitted(status=Status.IN_REVIEW)
    others = [a for a in ACTION_POSTS if a != "schedule"]
    crafted_posts(client, request_obj, others)
    request_obj.refresh_from_db()
    assert (request_obj.status, request_obj.assigned_to) == (Status.IN_REVIEW, None)
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORT).exists()

    crafted_posts(client, request_obj, ["schedule"])
    request_obj.refresh_from_db()
    assert request_obj.status == Status.SCHEDULED
    client.post(
        reverse("admin:requests_app_secondopinionrequest_add_note", args=[request_obj.pk]), {"body": "Booked room 4"}
    )
    assert InternalNote.objects.get().author == scheduler


def test_coordinator_may_use_every_action():
    coordinator = make_staff(COORDINATOR)
    from django.contrib import admin
    from django.test import RequestFactory

    from requests_app.admin import RequestAdmin

    http_request = RequestFactory().get(CHANGELIST)
    http_request.user = coordinator
    actions = set(RequestAdmin(SecondOpinionRequest, admin.site).get_actions(http_request))
    assert actions == set(ACTION_POSTS)


def test_staff_without_a_group_and_the_public_cannot_see_requests_or_documents(client):
    request_obj = make_submitted()
    document = make_document(request_obj)
    download = reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
    detail = reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])
    for url in [CHANGELIST, detail, download]:
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login/" in response.url
    log_in(client, make_staff(group=None))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(detail).status_code in (302, 403)
    assert client.get(download).status_code in (403, 404)
    assert not AuditLogEntry.objects.exists()


def test_audit_log_is_readable_by_superusers_only_and_never_editable(client):
    coordinator = make_staff(COORDINATOR)
    entry = AuditLogEntry.objects.create(
        user=coordinator, action=AuditLogEntry.Action.VIEW_REQUEST, ip_address="10.0.0.1"
    )
    log_url = reverse("admin:requests_app_auditlogentry_changelist")
    log_in(client, coordinator)
    assert client.get(log_url).status_code == 403
    superuser = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    log_in(client, superuser)
    listing = client.get(log_url)
    assert listing.status_code == 200 and "10.0.0.1" in listing.content.decode()
    assert client.get(reverse("admin:requests_app_auditlogentry_add")).status_code == 403
    client.post(reverse("admin:requests_app_auditlogentry_change", args=[entry.pk]), {"ip_address": "1.1.1.1"})
    client.post(reverse("admin:requests_app_auditlogentry_delete", args=[entry.pk]), {"post": "yes"})
    entry.refresh_from_db()
    assert entry.ip_address == "10.0.0.1"


def test_staff_login_is_locked_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_staff(COORDINATOR, username="coordinator.locked")
    for _ in range(3):
        failed = client.post("/staff/login/", {"username": "coordinator.locked", "password": "wrong-password"})
    assert failed.status_code in (200, 429)
    locked = client.post("/staff/login/", {"username": "coordinator.locked", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(CHANGELIST).status_code == 302  # still not logged in


def test_staff_login_succeeds_with_the_right_password_and_code(client):
    device = enrol_app(make_staff(COORDINATOR, username="coordinator.ok"))
    credentials = {"username": "coordinator.ok", "password": PASSWORD, "otp_token": current_code(device)}
    response = client.post("/staff/login/?next=/staff/", credentials)
    assert response.status_code == 302
    assert client.get(CHANGELIST).status_code == 200
