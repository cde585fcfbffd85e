"""Staff passwords: 12 characters are not enough when they are a keyboard walk or a season and a year."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from .staff import log_in, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "qwertyuiop123",
        "asdfghjkl;123",
        "zxcvbnm,./123",
        "poiuytrewq321",
        "Summer2026!!",
        "Winter2025!!!",
        "Password2026!",
    ],
)
def test_long_but_guessable_passwords_are_refused(password):
    assert len(password) >= 12
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["violet tugboat marmalade ferns", "Quarry-lantern-oboe-47-drift"])
def test_a_passphrase_is_accepted(password):
    validate_password(password)


def test_the_admin_refuses_a_keyboard_walk_when_setting_a_colleagues_password(client):
    colleague = make_staff(None, username="needs.new.password")
    log_in(client, make_staff(None, username="admin.root", is_superuser=True))
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    refused = client.post(url, {"password1": "asdfghjkl;123", "password2": "asdfghjkl;123"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    accepted = client.post(
        url, {"password1": "violet tugboat marmalade ferns", "password2": "violet tugboat marmalade ferns"}
    )
    assert accepted.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password("violet tugboat marmalade ferns")
