"""Helpers for the staff-side tests: staff users in each group, submitted requests with documents and history."""

import itertools
import re
import uuid
from importlib import import_module

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from requests_app.models import Document, DocumentStatus, InternalNote, RecordsRequest, Status, StatusChange

from .factories import SubmittedRequestFactory

COORDINATOR = "Intake coordinator"
SCHEDULER = "Scheduler"
READ_ONLY = "Read-only"
PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)
GROUP_PERMISSIONS = import_module("requests_app.migrations.0003_staff_groups").GROUPS


def make_staff(group=COORDINATOR, username=None, **extra):
    prefix = group.split()[0].lower().replace("-", "") if group else "staff"
    username = username or f"{prefix}{next(_numbers)}"
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@center.example.org", is_staff=True, **extra
    )
    if group:
        user.groups.add(staff_group(group))
    return user


def enrol_app(user):
    """A confirmed authenticator-app device for the user (what enrolment leaves behind)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def current_code(device, at=None):
    """The 6-digit code the user's authenticator app shows now (or at the given Unix time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"


def log_in(client, user):
    """``client.force_login`` plus the second factor: the session of a staff member who entered a code."""
    device = enrol_app(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def staff_group(name):
    """The data migration's group; recreated with the same permissions when a transactional test's flush
    (which keeps permissions but not groups) has removed it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        # 0003 names the model's default permissions as they were then; migration 0006 renamed them.
        renamed = r"\1_secondopinionrequest"
        codenames = [re.sub(r"^(add|change|delete|view)_request$", renamed, c) for c in GROUP_PERMISSIONS[name]]
        group.permissions.set(Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames))
    return group


def make_document(request_obj, category="scans", name="CT001.dcm", size=1234, **extra):
    values = {
        "request": request_obj,
        "category": category,
        "original_name": name,
        "declared_size": size,
        "stored_size": size,
        "storage_key": f"records/{request_obj.public_id}/{uuid.uuid4().hex}",
        "status": DocumentStatus.UPLOADED,
        "detected_type": "dicom" if category == "scans" else "pdf",
        "completed_at": timezone.now(),
        "metadata": {"dicom": {"modality": "CT", "study_date": "2026-01-05", "study_description": "CHEST"}}
        if category == "scans"
        else {},
        "scan_status": "clean",
    }
    values.update(extra)
    return Document.objects.create(**values)


def make_submitted(documents=0, history=0, notes=0, **fields):
    """A submitted request with some documents, status history rows, notes and a records request."""
    request_obj = SubmittedRequestFactory(**fields)
    for i in range(documents):
        make_document(request_obj, name=f"IMG{i:04d}.dcm")
    for _ in range(history):
        StatusChange.objects.create(request=request_obj, from_status=Status.SUBMITTED, to_status=Status.IN_REVIEW)
    for i in range(notes):
        InternalNote.objects.create(request=request_obj, body=f"Called the family ({i})")
    if history:
        RecordsRequest.objects.create(request=request_obj, categories=["slides"], message="Please send the slides")
    return request_obj
