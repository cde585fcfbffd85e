"""Optional FHIR push: a submission sends its transaction bundle once through the outbox, retried on refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app import intake, notifications
from requests_app.models import Notification
from requests_app.notifications import retries

from .factories import CompleteDraftFactory
from .fhir_checks import validated

pytestmark = pytest.mark.django_db
Kind, State = Notification.Kind, Notification.State


def test_submission_sends_one_transaction_bundle_with_the_bearer_token(
    fhir_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = intake.submit(CompleteDraftFactory().pk)

    (post,) = fhir_endpoint.posts
    assert post.status == 200 and post.headers["Content-Type"] == "application/fhir+json"
    assert post.bundle["type"] == "transaction"
    validated(post.bundle)
    assert {e["request"]["method"] for e in post.bundle["entry"]} == {"POST"}
    row = Notification.objects.get(request=submitted, kind=Kind.FHIR)
    assert row.state == State.SENT and row.attempts == 1
    assert notifications.deliver(row.pk) is False  # delivered once: a repeat sends nothing
    assert len(fhir_endpoint.posts) == 1


def test_refused_bundle_is_retried_until_the_server_accepts_it(fhir_endpoint, django_capture_on_commit_callbacks):
    fhir_endpoint.fail_next(1)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = intake.submit(CompleteDraftFactory().pk)
    assert [p.status for p in fhir_endpoint.posts] == [503]
    retries.requeue_pending(now=timezone.now() + timedelta(minutes=5))  # the beat's re-queue, a little later

    assert [p.status for p in fhir_endpoint.posts] == [503, 200]
    row = Notification.objects.get(request=submitted, kind=Kind.FHIR)
    assert row.state == State.SENT and row.attempts == 2


def test_no_fhir_row_without_an_endpoint(settings, django_capture_on_commit_callbacks):
    settings.FHIR_ENDPOINT_URL = ""
    with django_capture_on_commit_callbacks(execute=False):
        submitted = intake.submit(CompleteDraftFactory().pk)
    assert not Notification.objects.filter(request=submitted, kind=Kind.FHIR).exists()
