"""``manage.py seed_demo``: synthetic requests whose history, documents and notes look like the real thing."""

import io

import pytest
from django.core.management import call_command

from requests_app.models import Document, InternalNote, RecordsRequest, SecondOpinionRequest, Status, StatusChange

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_submitted_requests_with_consistent_history_documents_and_demo_staff():
    out = io.StringIO()
    call_command("seed_demo", requests=60, batch_size=25, seed=7, staff_password="demo-password-123", stdout=out)
    assert "Created 60 requests." in out.getvalue()
    requests = list(SecondOpinionRequest.objects.prefetch_related("status_changes"))
    assert len(requests) == 60
    assert all(r.reference and r.submitted_at and r.status != Status.DRAFT for r in requests)
    for request_obj in requests:
        changes = list(request_obj.status_changes.order_by("changed_at", "pk"))
        last = changes[-1].to_status if changes else Status.SUBMITTED
        assert last == request_obj.status
        assert all(c.changed_at >= request_obj.submitted_at for c in changes)
    assert len({r.status for r in requests}) >= 4
    assert Document.objects.count() > 60
    assert StatusChange.objects.exists() and InternalNote.objects.exists()
    open_requests = RecordsRequest.objects.filter(fulfilled_at__isnull=True)
    assert all(r.request.status == Status.AWAITING_RECORDS for r in open_requests)
    from django.contrib.auth.models import User

    assert set(User.objects.filter(username__startswith="demo.").values_list("groups__name", flat=True)) == {
        "Intake coordinator",
        "Scheduler",
        "Read-only",
    }
