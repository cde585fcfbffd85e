"""Notifications end to end: a real Celery worker (with beat) on a real Redis, mail over SMTP to a test
server, a webhook to a loopback receiver. What is asserted is what those servers received.

Every scenario ends with "exactly once": after the message arrives, the test waits past the re-queue
delay and a few beat ticks, then counts again.
"""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from requests_app import intake, tasks
from requests_app.models import Notification, Status
from tests.factories import CompleteDraftFactory, SubmittedRequestFactory
from tests.fixtures.celery_worker import WORKER_REQUEUE_AFTER_S, WORKER_REQUEUE_EVERY_S
from tests.fixtures.webhook import WEBHOOK_SECRET
from tests.sessions import open_draft

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCHEDULING = "scheduling@portal.test"


def settle():
    """Long enough for a duplicate to show up if one were coming: past the re-queue delay, several beat ticks."""
    time.sleep(WORKER_REQUEUE_AFTER_S + 3 * WORKER_REQUEUE_EVERY_S)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def submit_complete_request(**answers):
    draft = CompleteDraftFactory(**answers)
    return intake.submit(draft.pk)


def assert_all_sent(request_obj):
    states = dict(Notification.objects.filter(request=request_obj).values_list("kind", "state"))
    assert states and set(states.values()) == {Notification.State.SENT}, states


def test_scheduling_team_email_arrives_without_health_information(notification_worker, mailbox):
    submitted = submit_complete_request(
        child_first_name="Amelia",
        child_last_name="Quinterro",
        child_preferred_name="Millie",
        diagnosis_text="Medulloblastoma, group 4",
        cancer_category="brain_cns",
        diagnosing_institution="Mercy Children's Hospital",
        current_symptoms="Headaches and vomiting in the morning",
        guardian_name="Rosalind Quinterro",
        insurance_member_id="ZZ99887766",
        questions="Is proton therapy an option?",
        urgency="urgent",
    )

    received = mailbox.wait_for(SCHEDULING)
    family = mailbox.wait_for(submitted.guardian_email)
    settle()

    assert len(mailbox.to(SCHEDULING)) == 1
    assert len(mailbox.to(submitted.guardian_email)) == 1
    message = received[0]
    assert submitted.reference in message.subject
    assert "Urgent" in message.subject
    assert submitted.reference in message.text and submitted.reference in message.html
    assert f"https://portal.test/staff/requests_app/request/{submitted.pk}/change/" in message.text
    assert "Parent or guardian" in message.text
    everything = message.everything()
    birth_date = submitted.child_birth_date
    for health_or_identity in [
        "Amelia",
        "Quinterro",
        "Millie",
        "Medulloblastoma",
        "Brain or spinal cord",
        "Mercy Children",
        "Headaches",
        "Rosalind",
        "ZZ99887766",
        "proton",
        birth_date.isoformat(),
        birth_date.strftime("%m/%d/%Y"),
        submitted.guardian_email,
    ]:
        assert health_or_identity not in everything, health_or_identity
    assert submitted.reference in family[0].subject
    assert family[0].html and family[0].text
    assert_all_sent(submitted)


def test_submission_while_broker_is_down_succeeds_and_is_notified_once_redis_is_back(
    notification_worker, broker_redis, mailbox, client
):
    draft = CompleteDraftFactory()
    open_draft(client, draft)
    worker_process = notification_worker.process
    broker_redis.stop()
    try:
        response = client.post(reverse("requests_app:submit"))

        assert response.status_code == 302
        assert response.url == reverse("requests_app:confirmation")
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED
        assert draft.reference in client.get(response.url).content.decode()
        pending = Notification.objects.filter(request=draft, state=Notification.State.PENDING)
        assert pending.count() == 2
        assert mailbox.to(SCHEDULING) == []
    finally:
        broker_redis.start()

    assert len(mailbox.wait_for(SCHEDULING, timeout=60)) == 1
    assert len(mailbox.wait_for(draft.guardian_email, timeout=60)) == 1
    settle()
    assert len(mailbox.to(SCHEDULING)) == 1
    assert len(mailbox.to(draft.guardian_email)) == 1
    assert_all_sent(draft)
    # The same worker process rode out the outage (see portal/celery.py): nothing had to restart it.
    assert notification_worker.process is worker_process and worker_process.poll() is None


def test_worker_killed_mid_send_delivers_exactly_once_after_restart(notification_worker, mailbox):
    # The first message is held at DATA (a send in progress); it is never accepted: its client is killed.
    stall = mailbox.stall_next(accept=False)
    submitted = submit_complete_request()
    assert stall.reached.wait(30), "no send started"
    # Let the other message finish first: killing between "server accepted" and "row marked sent" is
    # the one window no outbox closes (the repeat then carries the same Message-ID).
    assert wait_until(lambda: Notification.objects.filter(request=submitted, state="sent").count() == 1)

    notification_worker.kill()
    stall.release()
    notification_worker.start()

    assert len(mailbox.wait_for(SCHEDULING, timeout=60)) == 1
    assert len(mailbox.wait_for(submitted.guardian_email, timeout=60)) == 1
    settle()
    assert len(mailbox.to(SCHEDULING)) == 1
    assert len(mailbox.to(submitted.guardian_email)) == 1
    assert_all_sent(submitted)


def test_same_delivery_task_run_twice_sends_once(notification_worker, mailbox):
    request_obj = SubmittedRequestFactory()
    row = Notification.objects.create(
        request=request_obj, kind=Notification.Kind.SCHEDULING_TEAM, recipients=[SCHEDULING]
    )
    since = notification_worker.log_size()
    stall = mailbox.stall_next(accept=True)

    first = tasks.deliver_notification.delay(row.pk)
    assert stall.reached.wait(30), "the first delivery did not reach the mail server"
    # The same task again while the first is sending (another worker process), then after it finished.
    concurrent = tasks.deliver_notification.delay(row.pk)
    assert notification_worker.task_result(concurrent.id, since=since) == "False"
    stall.release()
    assert notification_worker.task_result(first.id, since=since) == "True"
    later = tasks.deliver_notification.delay(row.pk)
    assert notification_worker.task_result(later.id, since=since) == "False"

    settle()
    assert len(mailbox.to(SCHEDULING)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Notification.State.SENT, 1)


def test_smtp_refusals_are_retried_until_the_message_arrives_once(notification_worker, mailbox):
    mailbox.refuse_next(3)
    submitted = submit_complete_request()

    assert len(mailbox.wait_for(SCHEDULING, timeout=60)) == 1
    assert len(mailbox.wait_for(submitted.guardian_email, timeout=60)) == 1
    settle()

    assert mailbox.refused == 3
    assert len(mailbox.to(SCHEDULING)) == 1
    assert len(mailbox.to(submitted.guardian_email)) == 1
    assert_all_sent(submitted)
    rows = Notification.objects.filter(request=submitted)
    # Every attempt reached the server: three were refused, two accepted.
    assert sum(rows.values_list("attempts", flat=True)) == 3 + 2
    assert set(rows.values_list("last_error", flat=True)) == {""}


def test_webhook_receives_a_correctly_signed_event(notification_worker, webhook_receiver, mailbox, settings):
    settings.NOTIFICATION_WEBHOOK_URL = webhook_receiver.url
    webhook_receiver.fail_next(1)  # the first delivery is answered 503: the task retries
    submitted = submit_complete_request(child_first_name="Theodora", diagnosis_text="Ewing sarcoma of the femur")

    accepted = webhook_receiver.wait_for_accepted(1, timeout=60)
    settle()

    assert len(webhook_receiver.accepted()) == 1
    assert [d.status for d in webhook_receiver.deliveries] == [503, 204]
    delivery = accepted[0]
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["X-Portal-Signature"] == expected
    assert delivery.signature_valid
    event = json.loads(delivery.body)
    assert event["event"] == "request.submitted"
    assert event["reference"] == submitted.reference
    assert event["urgency"] == submitted.urgency
    assert event["submitter_role"] == "guardian"
    assert event["admin_url"] == f"https://portal.test/staff/requests_app/request/{submitted.pk}/change/"
    assert delivery.headers["X-Portal-Timestamp"] == str(event["timestamp"])
    assert delivery.headers["Content-Type"] == "application/json"
    body = delivery.body.decode()
    assert "Theodora" not in body and "Ewing" not in body and submitted.guardian_email not in body
    assert Notification.objects.get(request=submitted, kind=Notification.Kind.WEBHOOK).state == "sent"
