"""Submitting twice (double click, back button, resend) creates exactly one request."""

import threading

import pytest
from django.db import connection

from requests_app import family_session, intake
from requests_app.models import Notification, SecondOpinionRequest, Status, new_reference

from .factories import CompleteDraftFactory


@pytest.mark.django_db
def test_submitting_twice_in_a_row_creates_one_request(client, django_capture_on_commit_callbacks):
    draft = CompleteDraftFactory()
    session = client.session
    family_session.attach_draft(session, draft)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/request/submit/")
        second = client.post("/request/submit/")
    assert first.url == second.url == "/request/submitted/"
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert Notification.objects.filter(request=draft).count() == 2
    assert SecondOpinionRequest.objects.submitted().count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_submit_it_once():
    draft = CompleteDraftFactory()
    results, barrier = [], threading.Barrier(4)

    def submit():
        barrier.wait()
        try:
            results.append(intake.submit(draft.pk).reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert Notification.objects.filter(request=draft, kind=Notification.Kind.SCHEDULING_TEAM).count() == 1
    assert SecondOpinionRequest.objects.get(pk=draft.pk).reference == results[0]


def test_references_are_random_not_sequential():
    references = [new_reference() for _ in range(2000)]
    assert len(set(references)) == 2000
    assert all(len(r) == 12 and r.startswith("SO-") for r in references)
    suffixes = sorted(r for r in references)
    assert suffixes != references  # not generated in order
