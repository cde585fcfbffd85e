"""Mail outages cost nothing: a row waits through up to a day of SMTP outage (time-based, capped
backoff), goes out within a re-queue period of the server's return, and the admins hear once when a
row has been failing for an hour. The SMTP server (aiosmtpd) is real and really stopped; long outages
simulate the clock through the ``now=`` parameters, and a short one is timed with a real worker.
"""

import contextlib
import logging
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from requests_app import intake, notifications
from requests_app.models import Notification
from requests_app.notifications import retries
from tests.factories import CompleteDraftFactory, SubmittedRequestFactory
from tests.fixtures.celery_worker import (
    CeleryWorker,
    point_celery_at,
    wait_for_other_sessions_to_leave,
    worker_environment,
)
from tests.fixtures.mail import SMTPTestServer

pytestmark = pytest.mark.integration

SCHEDULING = "scheduling@portal.test"
ADMIN = "admins@portal.test"
State = Notification.State


def stop(server):
    """The mail server goes away: connections are refused (the mailbox keeps what it received)."""
    server.controller.stop()


def bring_back(server):
    """The mail server answers again on the same port."""
    server.controller = Controller(server.mailbox, hostname="127.0.0.1", port=server.port)
    server.controller.start()


@pytest.fixture
def smtp(settings):
    """A mail server of this test's own, which Django's SMTP backend sends to; ADMINS set."""
    server = SMTPTestServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.ADMINS = [("Portal admins", ADMIN)]
    settings.NOTIFICATION_RETRY_BACKOFF_S, settings.NOTIFICATION_RETRY_BACKOFF_MAX_S = 5, 15
    settings.NOTIFICATION_GIVE_UP_AFTER_HOURS, settings.NOTIFICATION_ALERT_AFTER_MINUTES = 24, 60
    yield server
    with contextlib.suppress(RuntimeError, AssertionError):  # the test may have stopped it already
        server.controller.stop()


def scheduling_row(**answers):
    request_obj = SubmittedRequestFactory(**answers)
    return Notification.objects.create(
        request=request_obj, kind=Notification.Kind.SCHEDULING_TEAM, recipients=[SCHEDULING]
    )


def beat_pass(now):
    """What the re-queue does at ``now``, with delivery run here on the same simulated clock."""
    for pk in retries.due_rows(now).values_list("pk", flat=True):
        notifications.deliver(pk, now=now)
    retries.alert_admins(now)


def test_a_day_of_smtp_outage_keeps_the_row_pending_and_it_goes_out_within_a_requeue_period_of_recovery(
    db, smtp, settings, caplog
):
    settings.NOTIFICATION_REQUEUE_AFTER_SECONDS = 60
    requeue_every = timedelta(seconds=20)  # NOTIFICATION_REQUEUE_EVERY_S's default
    row = scheduling_row()
    t0 = timezone.now()
    stop(smtp)

    assert notifications.deliver(row.pk, now=t0) is False  # the after-commit attempt: refused
    # Every beat tick for the first ten minutes, then every ten minutes, then a minute before the day is up.
    ticks = [t0 + n * requeue_every for n in range(1, 31)]
    ticks += [t0 + timedelta(minutes=m) for m in range(20, 24 * 60, 10)] + [t0 + timedelta(hours=23, minutes=59)]
    with caplog.at_level(logging.WARNING):
        for now in ticks:
            beat_pass(now)
            row.refresh_from_db()
            assert row.state == State.PENDING, now - t0
            # The backoff is respected: a row that just failed is not due again at once.
            assert not retries.due_rows(now + timedelta(seconds=1)).filter(pk=row.pk).exists()

    assert row.attempts > 150
    assert row.first_attempt_at == t0 and row.last_error.startswith("ConnectionRefusedError")
    assert "could not mail the admins (ConnectionRefusedError)" in caplog.text  # the log line is the alert
    assert smtp.mailbox.messages == []

    bring_back(smtp)  # a second after the last failed attempt; the next beat tick sends the row
    beat_pass(now + requeue_every)

    row.refresh_from_db()
    assert (row.state, row.sent_at) == (State.SENT, now + requeue_every)
    assert len(smtp.mailbox.to(SCHEDULING)) == 1
    beat_pass(now + 2 * requeue_every)
    assert len(smtp.mailbox.to(SCHEDULING)) == 1


def test_a_row_is_failed_only_a_day_after_its_first_failed_attempt(db, smtp):
    row = scheduling_row()
    t0 = timezone.now()
    stop(smtp)

    notifications.deliver(row.pk, now=t0)
    notifications.deliver(row.pk, now=t0 + timedelta(hours=23, minutes=59))
    row.refresh_from_db()
    assert row.state == State.PENDING

    notifications.deliver(row.pk, now=t0 + timedelta(hours=24))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert not retries.due_rows(t0 + timedelta(hours=25)).filter(pk=row.pk).exists()


def test_backoff_doubles_from_five_seconds_and_stops_at_the_cap(settings):
    settings.NOTIFICATION_RETRY_BACKOFF_S, settings.NOTIFICATION_RETRY_BACKOFF_MAX_S = 5, 15
    waits = [retries.backoff(n).total_seconds() for n in range(0, 8)]
    assert waits == [0, 5, 10, 15, 15, 15, 15, 15]
    assert retries.backoff(5000) == timedelta(seconds=15)


def test_admins_are_mailed_once_when_a_row_has_been_failing_for_an_hour(db, smtp):
    row = scheduling_row(child_first_name="Leopold", diagnosis_text="Neuroblastoma stage 4")
    smtp.mailbox.refuse_to(SCHEDULING)  # the team's mail server keeps answering "try again later"
    t0 = timezone.now()
    notifications.deliver(row.pk, now=t0)

    for minutes in range(5, 60, 5):
        beat_pass(t0 + timedelta(minutes=minutes))
    assert smtp.mailbox.to(ADMIN) == []

    beat_pass(t0 + timedelta(minutes=61))
    alerts = smtp.mailbox.to(ADMIN)
    assert len(alerts) == 1
    for later in range(2, 30):
        beat_pass(t0 + timedelta(minutes=61 + 5 * later))
    assert len(smtp.mailbox.to(ADMIN)) == 1

    row.refresh_from_db()
    assert row.state == State.PENDING and row.admins_alerted_at == t0 + timedelta(minutes=61)
    alert = alerts[0]
    assert "failing for over 60 minutes" in alert.subject
    assert row.request.reference in alert.text and f"notification {row.pk}" in alert.text
    assert "SMTPDataError 451" in alert.text and "/staff/requests_app/notification/" in alert.text
    for secret in ["Leopold", "Neuroblastoma", SCHEDULING]:
        assert secret not in alert.everything()


# --- the real worker: a short outage, timed ------------------------------------------------


@pytest.fixture(scope="module")
def production_paced_worker(django_db_setup, django_db_blocker, broker_redis, tmp_path_factory):
    """A worker (with beat) at the production defaults' pace, sending to a mail server of its own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the Celery worker tests need PostgreSQL")
    smtp = SMTPTestServer().start()
    env = worker_environment(
        connection.settings_dict["NAME"],
        broker_redis.url,
        smtp.url,
        "",
        NOTIFICATION_REQUEUE_AFTER_SECONDS=60,
        NOTIFICATION_REQUEUE_EVERY_S=20,
        NOTIFICATION_RETRY_BACKOFF_S=5,
        NOTIFICATION_RETRY_BACKOFF_MAX_S=15,
    )
    worker = CeleryWorker(env, tmp_path_factory.mktemp("celery-outage")).start()
    yield worker, smtp
    worker.stop()
    with contextlib.suppress(RuntimeError, AssertionError):  # a failed test may have left it stopped
        smtp.controller.stop()
    with django_db_blocker.unblock():
        wait_for_other_sessions_to_leave(connection)


@pytest.mark.django_db(transaction=True)
def test_after_a_20_second_smtp_outage_mail_arrives_within_a_minute(production_paced_worker, broker_redis, settings):
    from portal.celery import app

    worker, smtp = production_paced_worker
    settings.SCHEDULING_TEAM_EMAILS = [SCHEDULING]
    settings.NOTIFICATION_WEBHOOK_URL = ""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_celery_at(app, broker_redis.url, eager=False)
    try:
        stop(smtp)
        down_at = time.monotonic()
        submitted = intake.submit(CompleteDraftFactory().pk)
        rows = Notification.objects.filter(request=submitted)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(r.attempts for r in rows.all()):
            time.sleep(0.2)
        assert all(r.attempts and r.state == State.PENDING for r in rows.all())  # the first attempts failed

        time.sleep(max(0.0, 20 - (time.monotonic() - down_at)))
        bring_back(smtp)
        up_at = time.time()  # the mailbox stamps arrivals with time.time()
        team = smtp.mailbox.wait_for(SCHEDULING, timeout=90)
        family = smtp.mailbox.wait_for(submitted.guardian_email, timeout=90)
        recovery = max(m.received_at for m in team + family) - up_at
    finally:
        point_celery_at(app, *previous)

    print(f"\nmail delivered {recovery:.1f} s after a 20 s SMTP outage ended")
    assert len(team) == 1 and len(family) == 1
    assert recovery < 60
    deadline = time.monotonic() + 10  # the "sent" mark is committed just after the server accepts
    while time.monotonic() < deadline and set(rows.values_list("state", flat=True)) != {State.SENT}:
        time.sleep(0.1)
    assert set(rows.values_list("state", flat=True)) == {State.SENT}


def test_a_failed_row_sent_again_by_staff_gets_a_fresh_day_of_retries(db, smtp, django_capture_on_commit_callbacks):
    row = scheduling_row()
    t0 = timezone.now() - timedelta(hours=30)
    stop(smtp)
    notifications.deliver(row.pk, now=t0)
    notifications.deliver(row.pk, now=t0 + timedelta(hours=24))
    row.refresh_from_db()
    assert row.state == State.FAILED

    with django_capture_on_commit_callbacks(execute=True):  # eager: the retry's first attempt runs here
        notifications.retry_failed()

    row.refresh_from_db()
    assert (row.state, row.attempts, row.admins_alerted_at) == (State.PENDING, 1, None)
    assert row.first_attempt_at > t0 + timedelta(hours=29)
