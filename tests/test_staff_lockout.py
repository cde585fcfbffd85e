"""The staff lock-out cannot be aimed at a colleague: it locks a (username, address) pair, slows down a
username guessed from many addresses, and tells the security contact once."""

import pytest
from django.core import mail

from staff_auth import lockout

from .fixtures.celery_worker import RedisServer
from .staff import COORDINATOR, PASSWORD, current_code, enrol_app, make_staff

pytestmark = pytest.mark.django_db
LOGIN = "/staff/login/"
CHANGELIST = "/staff/requests_app/request/"
ADDRESS_A, ADDRESS_B = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def no_waiting(settings):
    settings.STAFF_LOGIN_DELAY_MAX_SECONDS = 0
    settings.SECURITY_CONTACT_EMAIL = "security@center.example.org"


def attempt(client, user, address, password=PASSWORD):
    code = current_code(enrol_app(user))
    credentials = {"username": user.username, "password": password, "otp_token": code}
    response = client.post(LOGIN, credentials, REMOTE_ADDR=address)
    signed_in = client.get(CHANGELIST, REMOTE_ADDR=address).status_code == 200
    client.logout()
    return response.status_code, signed_in


def test_failures_from_one_address_lock_that_address_for_that_user_only(client, settings, no_waiting):
    settings.AXES_FAILURE_LIMIT = 5
    target = make_staff(COORDINATOR, username="targeted.nurse")
    colleague = make_staff(COORDINATOR, username="colleague.nurse")
    failures = [attempt(client, target, ADDRESS_A, password="a-wrong-guess-123") for _ in range(5)]
    assert failures == [(200, False)] * 4 + [(429, False)]  # the fifth failure locks

    assert attempt(client, target, ADDRESS_A) == (429, False)  # the attacker's address is locked for them
    status, signed_in = attempt(client, target, ADDRESS_B)
    assert signed_in, status  # the real user, elsewhere, still signs in
    status, signed_in = attempt(client, colleague, ADDRESS_A)
    assert signed_in, status  # and a colleague behind the same address too


def test_the_security_contact_is_emailed_once_without_the_password(client, settings, no_waiting):
    settings.AXES_FAILURE_LIMIT = 50
    target = make_staff(COORDINATOR, username="often.guessed")
    for address in [ADDRESS_A, ADDRESS_B] * 4:
        attempt(client, target, address, password="Guess-number-one-2026")
    (alert,) = mail.outbox
    assert alert.to == ["security@center.example.org"]
    assert "often.guessed" in alert.body and "Guess-number-one" not in alert.body + alert.subject
    assert ADDRESS_B in alert.body or ADDRESS_A in alert.body


def test_after_three_failures_each_attempt_for_the_username_waits_longer_from_any_address(
    client, settings, monkeypatch, no_waiting
):
    settings.AXES_FAILURE_LIMIT = 50
    settings.STAFF_LOGIN_DELAY_MAX_SECONDS = 5
    waits = []
    monkeypatch.setattr(lockout, "sleep", waits.append)
    target = make_staff(COORDINATOR, username="slowed.down")
    for i in range(7):
        attempt(client, target, f"192.0.2.{i + 1}", password="wrong-password-here")
    assert waits == [1, 2, 4, 5]  # attempts 4 to 7; the first three are not slowed
    assert lockout.delay_seconds("slowed.down") == 5
    assert lockout.delay_seconds("someone.else") == 0

    status, signed_in = attempt(client, target, ADDRESS_B)
    assert signed_in and lockout.delay_seconds("slowed.down") == 0  # success clears the count


@pytest.mark.integration
def test_staff_sign_in_works_while_the_redis_cache_is_down(client, settings, tmp_path, no_waiting):
    # The per-username counter lives in the production cache; an outage loses the delay, not the sign-in.
    server = RedisServer(tmp_path).start()
    original = settings.CACHES
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": server.url}}
    try:
        user = make_staff(COORDINATOR, username="redis.outage")
        server.stop()
        client.raise_request_exception = False
        assert attempt(client, user, ADDRESS_A, password="wrong-password-here") == (200, False)
        assert attempt(client, user, ADDRESS_A) == (302, True)
    finally:
        settings.CACHES = original
        server.stop()
