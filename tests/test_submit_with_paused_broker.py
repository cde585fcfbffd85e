"""A broker that hangs (Redis paused with SIGSTOP: connections open, nothing answers) costs a submit at
most one short publish attempt; the outbox row waits and the beat's re-queue delivers it afterwards."""

import os
import signal
import time

import pytest
from django.urls import reverse

from requests_app.models import Notification, Status
from tests.factories import CompleteDraftFactory
from tests.sessions import open_draft

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCHEDULING = "scheduling@portal.test"
# The README's promise is one attempt of NOTIFICATION_PUBLISH_TIMEOUT_S (1 s); the old policy took 4 s.
SUBMIT_BOUND_S = 2.0


def test_submit_with_a_paused_broker_answers_within_the_publish_bound_and_is_delivered_after(
    notification_worker, broker_redis, mailbox, client
):
    draft = CompleteDraftFactory()
    open_draft(client, draft)
    client.get(reverse("requests_app:review"))  # warm up: the timed request is the submit alone
    os.kill(broker_redis.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = client.post(reverse("requests_app:submit"))
        elapsed = time.monotonic() - started
        print(f"\nsubmit answered in {elapsed:.2f} s with the broker paused")

        assert response.status_code == 302
        assert response.url == reverse("requests_app:confirmation")
        assert elapsed < SUBMIT_BOUND_S, f"the submit was held {elapsed:.2f} s by a paused broker"
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED
        assert set(Notification.objects.filter(request=draft).values_list("state", flat=True)) == {"pending"}
    finally:
        os.kill(broker_redis.process.pid, signal.SIGCONT)

    assert len(mailbox.wait_for(SCHEDULING, timeout=60)) == 1
    assert len(mailbox.wait_for(draft.guardian_email, timeout=60)) == 1
    time.sleep(5)  # past the re-queue delay and several beat ticks: a duplicate would show by now
    assert len(mailbox.to(SCHEDULING)) == 1
    states = set(Notification.objects.filter(request=draft).values_list("state", flat=True))
    assert states == {Notification.State.SENT}
