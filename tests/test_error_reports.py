"""Server errors and failed notifications reach ADMIN_EMAILS, and the report holds no secrets."""

import pytest
from django.conf import settings as django_settings
from django.core import mail

from requests_app import tokens
from requests_app.models import Notification
from requests_app.notifications import outbox

from .factories import DraftFactory, SubmittedRequestFactory

REDIS_PASSWORD = "redis-Pa55-w0rd-q81"
ADMIN = "on-call@portal.test"
WEBHOOK_SECRET = "T0-B0-hook-secret-path"


@pytest.fixture
def reporting(settings):
    """Admins set, and every service URL carrying a password, as in a production .env."""
    settings.ADMINS = [("On call", ADMIN)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    redis_url = f"redis://:{REDIS_PASSWORD}@redis.internal:6379/0"
    settings.REDIS_URL = redis_url
    settings.CELERY_BROKER_URL = redis_url
    settings.NOTIFICATION_WEBHOOK_URL = f"https://chat.example.org/hooks/{WEBHOOK_SECRET}"
    settings.CACHES = {
        **settings.CACHES,
        "rate_limits": {"BACKEND": "portal.ratelimit_cache.FailOpenRedisCache", "LOCATION": redis_url},
    }
    return settings


def admin_emails():
    return [m for m in mail.outbox if m.to == [ADMIN]]


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_emails_admins_without_query_post_cookie_token_or_redis_password(db, client, reporting):
    draft = DraftFactory(child_last_name="Marsh")
    token = tokens.make_token(draft)
    session = client.session
    session["draft"] = draft.pk
    session.save()
    client.raise_request_exception = False

    response = client.post(
        f"/fails/?t={token}&q=Zebulon-Query",
        {"child_last_name": "Marsh-Typed", "diagnosis_text": "Neuroblastoma stage 4"},
        HTTP_REFERER=f"https://portal.test/resume/?t={token}",
    )

    assert response.status_code == 500
    (report,) = admin_emails()
    assert "/fails/" in report.subject and "RuntimeError" in report.body
    for secret in [
        REDIS_PASSWORD,
        WEBHOOK_SECRET,
        token,
        "Zebulon-Query",
        "Marsh",
        "Neuroblastoma",
        session.session_key,
        client.cookies[django_settings.CSRF_COOKIE_NAME].value
        if django_settings.CSRF_COOKIE_NAME in client.cookies
        else "",
    ]:
        if secret:
            assert secret not in report.subject + report.body, secret
    assert "redis://********************@redis.internal:6379/0" in report.body  # the setting is shown, cleansed


@pytest.mark.urls("tests.error_urls")
def test_a_database_error_report_does_not_quote_the_typed_value(db, client, reporting):
    client.raise_request_exception = False

    response = client.post("/fails-in-the-database/", {"child_birth_date": "Marsh-2019-13-45"})

    assert response.status_code == 500
    (report,) = admin_emails()
    assert "DataError" in report.body
    assert "Marsh-2019-13-45" not in report.subject + report.body


def test_a_notification_that_fails_for_good_emails_admins(db, reporting):
    reporting.NOTIFICATION_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    reporting.NOTIFICATION_WEBHOOK_SECRET = ""  # never sent unsigned: a final failure
    request_obj = SubmittedRequestFactory(child_first_name="Cordelia")
    row = Notification.objects.create(request=request_obj, kind=Notification.Kind.WEBHOOK)

    assert outbox.deliver(row.pk) is False

    (alert,) = admin_emails()
    assert f"notification {row.pk}" in alert.subject and "failed after 1 attempt" in alert.subject
    assert "Cordelia" not in alert.subject + alert.body
