"""The notification outbox and its emails, in-process (tasks eager, email to Django's locmem outbox).

The same paths through a real worker, Redis and SMTP server are in test_notifications_worker.py.
"""

import hashlib
import hmac
import io
import json
import logging
import re
import smtplib
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from requests_app import intake, notifications, tokens
from requests_app.models import Notification
from requests_app.notifications import outbox, retries
from tests.factories import CompleteDraftFactory, PhysicianDraftFactory, SubmittedRequestFactory
from tests.fixtures.celery_worker import point_celery_at
from tests.fixtures.ports import free_port

Kind = Notification.Kind
State = Notification.State


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SCHEDULING_TEAM_EMAILS = ["scheduling@portal.test"]
    settings.NOTIFICATION_WEBHOOK_URL = ""
    settings.SITE_URL = "https://portal.test"


class RefusingBackend(BaseEmailBackend):
    """A mail server that always answers 451 and echoes the recipient (which must not reach the row)."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, f"4.3.0 mailbox {messages[0].to[0]} busy")


def test_submission_writes_scheduling_and_confirmation_rows_in_its_transaction(db, django_capture_on_commit_callbacks):
    draft = PhysicianDraftFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted = intake.submit(draft.pk)

    rows = {(n.kind, n.context.get("audience")): n for n in Notification.objects.filter(request=submitted)}
    assert set(rows) == {
        (Kind.SCHEDULING_TEAM, None),
        (Kind.SUBMISSION_CONFIRMATION, None),
        (Kind.SUBMISSION_CONFIRMATION, "physician"),
    }
    assert rows[(Kind.SCHEDULING_TEAM, None)].recipients == ["scheduling@portal.test"]
    assert rows[(Kind.SUBMISSION_CONFIRMATION, None)].recipients == [draft.guardian_email]
    assert rows[(Kind.SUBMISSION_CONFIRMATION, "physician")].recipients == ["sam.lee@example.org"]
    assert {n.state for n in rows.values()} == {State.PENDING}
    assert len(callbacks) == 1  # delivery is queued only once the transaction commits


def test_no_outbox_row_survives_a_rolled_back_submission(db):
    draft = CompleteDraftFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        intake.submit(draft.pk)
        raise RuntimeError("the caller's transaction fails after submit")
    assert not Notification.objects.exists()


def test_submission_sends_scheduling_and_confirmation_emails_once(db, django_capture_on_commit_callbacks):
    draft = CompleteDraftFactory()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = intake.submit(draft.pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["scheduling@portal.test", draft.guardian_email])
    assert set(Notification.objects.values_list("state", flat=True)) == {State.SENT}
    rows = {n.recipients[0]: n for n in Notification.objects.all()}
    for message in mail.outbox:
        assert submitted.reference in message.subject
        assert message.alternatives[0][1] == "text/html"
        # One Message-ID per row, the same on every attempt, so a repeat can be recognised downstream.
        assert message.message()["Message-ID"].startswith(f"<notification-{rows[message.to[0]].pk}.")
    assert notifications.deliver(Notification.objects.first().pk) is False
    assert len(mail.outbox) == 2


def test_webhook_row_is_written_only_when_a_webhook_url_is_set(db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        without = intake.submit(CompleteDraftFactory().pk)
        settings.NOTIFICATION_WEBHOOK_URL = "https://chat.example.org/hooks/portal"
        with_url = intake.submit(CompleteDraftFactory().pk)
    assert not Notification.objects.filter(request=without, kind=Kind.WEBHOOK).exists()
    assert Notification.objects.filter(request=with_url, kind=Kind.WEBHOOK).count() == 1


def test_records_requested_email_carries_a_fresh_resume_link_that_never_reaches_the_row(
    db, django_capture_on_commit_callbacks
):
    request_obj = SubmittedRequestFactory(resume_email="family@example.com")
    old = tokens.make_token(request_obj)
    with django_capture_on_commit_callbacks(execute=True):
        row = notifications.queue_family_notification(
            request_obj, Kind.RECORDS_REQUESTED, {"categories": ["scans", "slides"], "message": "Please send the MRI."}
        )

    (message,) = mail.outbox
    assert message.to == ["family@example.com"]
    link = re.search(r"https://portal\.test/resume/#t=([\w-]+)", message.body)
    assert link, message.body
    token = link.group(1)
    assert tokens.check_token(token).request == request_obj
    assert tokens.check_token(old) is None  # the older link ended once this email was accepted
    row.refresh_from_db()
    assert row.state == State.SENT
    assert token not in json.dumps([row.recipients, row.context, row.last_error])
    assert "Please send the MRI." in message.body
    assert "Diagnostic scans" in message.body
    html = message.alternatives[0][0]
    assert link.group(0).replace("&", "&amp;") in html or link.group(0) in html


def test_status_changed_email_names_the_new_status_in_text_and_html(db, django_capture_on_commit_callbacks):
    request_obj = SubmittedRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_family_notification(
            request_obj, Kind.STATUS_CHANGED, {"status": "awaiting_records", "message": "We are waiting for slides."}
        )

    (message,) = mail.outbox
    assert message.to == [request_obj.guardian_email]
    assert request_obj.reference in message.subject
    assert "Awaiting records" in message.body
    assert "Awaiting records" in message.alternatives[0][0]
    assert "We are waiting for slides." in message.body


def test_scheduled_status_email_gives_the_visit_time_and_format(db, django_capture_on_commit_callbacks):
    visit = timezone.make_aware(datetime(2027, 3, 4, 14, 30))
    request_obj = SubmittedRequestFactory(status="scheduled", visit_scheduled_for=visit, visit_format="video")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_family_notification(request_obj, Kind.STATUS_CHANGED, {"status": "scheduled"})

    (message,) = mail.outbox
    assert "Scheduled" in message.body
    assert "Thursday 4 March 2027, 14:30" in message.body
    assert "Video" in message.body
    assert "Thursday 4 March 2027, 14:30" in message.alternatives[0][0]


def test_status_change_also_tells_the_physician_who_submitted_in_english(db, django_capture_on_commit_callbacks):
    request_obj = SubmittedRequestFactory(
        submitter_role="physician", physician_email="dr.who@example.org", resume_email="", preferred_language="es"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_family_notification(request_obj, Kind.STATUS_CHANGED, {"status": "in_review"})
    family, physician = sorted(mail.outbox, key=lambda m: m.to != [request_obj.guardian_email])
    assert family.to == [request_obj.guardian_email] and "Su estado ahora es: En revisión" in family.body
    assert physician.to == ["dr.who@example.org"] and "Its status is now: In review" in physician.body


def test_records_uploaded_email_to_the_coordinator_has_no_health_information(db, django_capture_on_commit_callbacks):
    request_obj = SubmittedRequestFactory(child_first_name="Beatrix", diagnosis_text="Hepatoblastoma")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_staff_notification(request_obj, Kind.RECORDS_UPLOADED, ["coord@portal.test"], {"count": 3})

    (message,) = mail.outbox
    assert message.to == ["coord@portal.test"]
    assert request_obj.reference in message.subject
    assert f"https://portal.test/staff/requests_app/request/{request_obj.pk}/change/" in message.body
    everything = message.subject + message.body + message.alternatives[0][0]
    assert "Beatrix" not in everything and "Hepatoblastoma" not in everything


def test_family_and_staff_kinds_are_not_interchangeable(db):
    request_obj = SubmittedRequestFactory()
    with pytest.raises(ValueError):
        notifications.queue_family_notification(request_obj, Kind.RECORDS_UPLOADED)
    with pytest.raises(ValueError):
        notifications.queue_staff_notification(request_obj, Kind.STATUS_CHANGED, ["coord@portal.test"])
    assert not Notification.objects.exists()


def test_submission_succeeds_and_rows_stay_pending_when_the_broker_is_unreachable(
    db, caplog, django_capture_on_commit_callbacks
):
    from portal.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_celery_at(app, f"redis://127.0.0.1:{free_port()}/0", eager=False)  # nothing listens there
    draft = CompleteDraftFactory(diagnosis_text="Osteosarcoma")
    try:
        with caplog.at_level(logging.WARNING):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                submitted = intake.submit(draft.pk)
            # The publish runs in a background thread the submit does not wait on for long: let it finish.
            for thread in threading.enumerate():
                if thread.name == "outbox-publish":
                    thread.join(30)
    finally:
        point_celery_at(app, *previous)

    assert len(callbacks) == 1
    assert submitted.status == "submitted"
    assert set(Notification.objects.values_list("state", flat=True)) == {State.PENDING}
    assert "could not queue 2 notification(s) (OperationalError)" in caplog.text
    assert "Osteosarcoma" not in caplog.text and draft.child_first_name not in caplog.text


def test_requeue_takes_rows_never_tried_for_too_long_and_failed_rows_past_their_backoff(db, settings, monkeypatch):
    settings.NOTIFICATION_REQUEUE_AFTER_SECONDS = 60
    settings.NOTIFICATION_RETRY_BACKOFF_S, settings.NOTIFICATION_RETRY_BACKOFF_MAX_S = 5, 15
    request_obj = SubmittedRequestFactory()
    now = timezone.now()

    def row(age_s, attempts=0, last_attempt_s=None, state=State.PENDING):
        n = Notification.objects.create(
            request=request_obj, kind=Kind.SCHEDULING_TEAM, recipients=["a@b.c"], attempts=attempts, state=state
        )
        last = None if last_attempt_s is None else now - timedelta(seconds=last_attempt_s)
        Notification.objects.filter(pk=n.pk).update(
            created_at=now - timedelta(seconds=age_s), last_attempt_at=last, first_attempt_at=last
        )
        return n.pk

    fresh = row(10)
    stale = row(61)
    waiting = row(100, attempts=2, last_attempt_s=9)  # the second failure waits 10 s
    retried = row(200, attempts=2, last_attempt_s=11)
    capped = row(400, attempts=40, last_attempt_s=16)  # the wait stops growing at 15 s
    sent = row(500, state=State.SENT)
    failed = row(500, attempts=10, last_attempt_s=100, state=State.FAILED)
    queued = []
    monkeypatch.setattr(retries, "enqueue", lambda ids: queued.extend(ids) or len(ids))

    notifications.requeue_pending(now=now)

    assert queued == [capped, retried, stale]
    assert not {fresh, waiting, sent, failed} & set(queued)
    assert notifications.requeue_pending(now=now, limit=1) == [capped]


def test_a_refused_send_is_recorded_and_retried_until_the_row_has_failed_for_a_day(db, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    settings.NOTIFICATION_GIVE_UP_AFTER_HOURS = 24
    request_obj = SubmittedRequestFactory(child_first_name="Cordelia", diagnosis_text="Wilms tumor")
    row = Notification.objects.create(request=request_obj, kind=Kind.SCHEDULING_TEAM, recipients=["s@portal.test"])
    first = timezone.now()

    with caplog.at_level(logging.WARNING):
        assert notifications.deliver(row.pk, now=first) is False  # recorded; the re-queue tries again
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_error) == (State.PENDING, 1, "SMTPDataError 451")
        assert row.first_attempt_at == row.last_attempt_at == first

        assert notifications.deliver(row.pk, now=first + timedelta(hours=24)) is False  # a day on: given up
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.FAILED, 2, "SMTPDataError 451")
    assert "failed after 2 attempt(s): SMTPDataError 451" in caplog.text
    for secret in ["Cordelia", "Wilms", "s@portal.test"]:
        assert secret not in caplog.text
        assert secret not in row.last_error


def test_webhook_signature_is_hmac_sha256_of_the_raw_body():
    body = b'{"event":"request.submitted","reference":"SO-2345-6789"}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert notifications.sign_webhook_body(body, "s3cret") == f"sha256={expected}"


def test_webhook_without_a_secret_is_never_sent_unsigned(db, settings, webhook_receiver):
    settings.NOTIFICATION_WEBHOOK_URL = webhook_receiver.url
    settings.NOTIFICATION_WEBHOOK_SECRET = ""
    row = Notification.objects.create(request=SubmittedRequestFactory(), kind=Kind.WEBHOOK)

    assert notifications.deliver(row.pk) is False

    row.refresh_from_db()
    assert (row.state, row.last_error) == (State.FAILED, "ImproperlyConfigured")
    assert webhook_receiver.deliveries == []


def test_a_webhook_redirect_is_a_refusal_not_a_delivery(db, settings):
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFICATION_WEBHOOK_URL = f"http://127.0.0.1:{server.server_address[1]}/hook"
    settings.NOTIFICATION_WEBHOOK_SECRET = "s3cret"
    row = Notification.objects.create(request=SubmittedRequestFactory(), kind=Kind.WEBHOOK)
    try:
        assert notifications.deliver(row.pk) is False  # recorded as a failed attempt, retried by the re-queue
    finally:
        server.shutdown()
        server.server_close()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.PENDING, 1, "WebhookRefused 302")


def failed_row(request_obj, recipients, last_error):
    """A scheduling-team row that used up its attempts."""
    return Notification.objects.create(
        request=request_obj,
        kind=Kind.SCHEDULING_TEAM,
        recipients=recipients,
        state=State.FAILED,
        attempts=10,
        last_error=last_error,
    )


def test_retry_failed_notifications_command_sends_failed_rows_again(db, django_capture_on_commit_callbacks):
    request_obj = SubmittedRequestFactory()
    failed = failed_row(request_obj, ["s@portal.test"], "SMTPDataError 451")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_failed_notifications", stdout=out)

    assert "queued 1 failed notification(s) again" in out.getvalue()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (State.SENT, 1, "")
    assert [m.to for m in mail.outbox] == [["s@portal.test"]]


def test_resume_link_survives_an_unreachable_broker_and_the_page_says_it_is_still_being_sent(
    db, client, caplog, django_capture_on_commit_callbacks
):
    from portal.celery import app

    from . import flow

    flow.start(client)
    flow.post_step(client, "child")
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_celery_at(app, f"redis://127.0.0.1:{free_port()}/0", eager=False)  # nothing listens there
    try:
        with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
            client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
        response = client.get("/request/saved/")
    finally:
        point_celery_at(app, *previous)

    page = response.content.decode()
    assert "We are sending a link to maria.lopez@example.com" in page
    assert "We emailed" not in page and mail.outbox == []
    row = Notification.objects.get(kind=Kind.RESUME_LINK)
    assert row.state == State.PENDING  # the periodic re-queue delivers it once the broker is back
    outbox.deliver(row.pk)
    assert [m.to for m in mail.outbox] == [["maria.lopez@example.com"]]
    assert "re-queue" in caplog.text and "maria.lopez" not in caplog.text
    assert "We emailed a link to maria.lopez@example.com" in client.get("/request/saved/").content.decode()


def test_family_is_told_plainly_when_the_resume_link_could_not_be_sent(db, client, settings):
    from . import flow

    flow.start(client)
    flow.post_step(client, "child")
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    row = Notification.objects.get(kind=Kind.RESUME_LINK)
    outbox.deliver(row.pk)
    # Retries last a day (NOTIFICATION_GIVE_UP_AFTER_HOURS): the attempt after that gives up.
    outbox.deliver(row.pk, now=timezone.now() + timedelta(hours=settings.NOTIFICATION_GIVE_UP_AFTER_HOURS, minutes=1))
    row.refresh_from_db()
    assert row.state == State.FAILED

    page = client.get("/request/saved/").content.decode()
    assert "We could not send the email to maria.lopez@example.com" in page
    assert "We emailed" not in page and "We are sending" not in page


def test_superusers_see_failed_notifications_in_the_admin_and_send_them_again(
    db, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import User

    from .staff import COORDINATOR, make_staff

    request_obj = SubmittedRequestFactory()
    failed = failed_row(request_obj, ["scheduling@portal.test"], "SMTPServerDisconnected")
    sent = Notification.objects.create(
        request=request_obj, kind=Kind.SUBMISSION_CONFIRMATION, recipients=["family@example.org"], state=State.SENT
    )
    listing_url = "/staff/requests_app/notification/"

    client.force_login(make_staff(COORDINATOR))
    assert client.get(listing_url).status_code == 403
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-for-root-only"))
    listing = client.get(listing_url + "?state=failed").content.decode()
    assert request_obj.reference in listing and "SMTPServerDisconnected" in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            listing_url, {"action": "send_again", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )

    assert "1 notification queued again." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == State.SENT and sent.state == State.SENT
    assert [m.to for m in mail.outbox] == [["scheduling@portal.test"]]


def test_a_spanish_speaking_family_gets_its_emails_in_spanish_and_staff_theirs_in_english(
    db, django_capture_on_commit_callbacks
):
    from requests_app import workflow

    from .staff import COORDINATOR, make_staff

    draft = CompleteDraftFactory(preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = intake.submit(draft.pk)
    coordinator = make_staff(COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start_review(submitted, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_records(submitted, coordinator, ["slides"], "Por favor envíe las laminillas.")

    family = [m for m in mail.outbox if draft.guardian_email in m.to]
    staff = [m for m in mail.outbox if "scheduling@portal.test" in m.to]
    subjects = [m.subject for m in family]
    assert subjects == [
        f"Recibimos su solicitud de segunda opinión ({submitted.reference})",
        f"Novedades sobre su solicitud de segunda opinión ({submitted.reference})",
        f"Necesitamos más documentos para su solicitud de segunda opinión ({submitted.reference})",
    ]
    confirmation, status_changed, records_requested = family
    assert "Qué sigue" in confirmation.body and "What happens next" not in confirmation.body
    assert "Su estado ahora es: En revisión" in status_changed.body
    assert "Laminillas de biopsia" in records_requested.body and "Biopsy slides" not in records_requested.body
    for message in family:
        html = message.alternatives[0][0]
        assert "Hola:" in message.body and "Hola:" in html and "Hello," not in message.body + html
    assert staff and staff[0].subject.startswith("New second-opinion request")
