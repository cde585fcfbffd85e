"""Automatic logoff: a staff session idle past STAFF_IDLE_TIMEOUT_MINUTES ends; cookies end with the browser."""

import time

import pytest

from requests_app.models import AuditLogEntry
from staff_auth.idle import LAST_ACTIVITY_KEY

from .staff import COORDINATOR, PASSWORD, current_code, enrol_app, log_in, make_staff

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"


def idle_for(client, minutes):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - minutes * 60
    session.save()


def test_a_staff_session_idle_past_the_timeout_is_signed_out(client, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 15
    user = log_in(client, make_staff(COORDINATOR))
    assert client.get(CHANGELIST).status_code == 200
    idle_for(client, 14)
    assert client.get(CHANGELIST).status_code == 200  # activity within the timeout keeps the session
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5

    idle_for(client, 16)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response.url.startswith("/staff/login/")
    assert "_auth_user_id" not in client.session
    assert client.get(CHANGELIST).status_code == 302
    assert AuditLogEntry.objects.filter(user=user, action=AuditLogEntry.Action.LOGOUT_IDLE).count() == 1


def test_the_timeout_is_a_setting(client, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 2
    log_in(client, make_staff(COORDINATOR))
    client.get(CHANGELIST)
    idle_for(client, 3)
    assert client.get(CHANGELIST).status_code == 302


def test_the_staff_session_cookie_lasts_only_for_the_browser_session(client):
    device = enrol_app(make_staff(COORDINATOR, username="cookie.check"))
    credentials = {"username": "cookie.check", "password": PASSWORD, "otp_token": current_code(device)}
    response = client.post("/staff/login/", credentials)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]
