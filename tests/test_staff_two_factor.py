"""Staff sign in with a password and a second factor: enrolment at the first sign-in, codes, backup codes,
the lock-out and the audit log counting wrong codes, and a superuser's reset of a colleague's devices."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from requests_app.models import AuditLogEntry

from .staff import COORDINATOR, PASSWORD, current_code, enrol_app, log_in, make_staff

pytestmark = pytest.mark.django_db
LOGIN = "/staff/login/"
CHANGELIST = "/staff/requests_app/request/"
Action = AuditLogEntry.Action


def sign_in(client, username, code="", **extra):
    return client.post(
        f"{LOGIN}?next={CHANGELIST}", {"username": username, "password": PASSWORD, "otp_token": code}, **extra
    )


def enrol(client, code_for=current_code):
    device = TOTPDevice.objects.get(confirmed=False)
    return client.post(reverse("staff_auth:enrol"), {"otp_token": code_for(device), "next": CHANGELIST}), device


def test_password_alone_never_opens_a_staff_page_and_the_first_sign_in_goes_to_enrolment(client):
    make_staff(COORDINATOR, username="new.coordinator")
    response = sign_in(client, "new.coordinator")
    assert response.status_code == 302 and response.url.startswith(reverse("staff_auth:enrol"))
    # Any admin page sends the password-only session back to enrolment, through the login page.
    assert client.get(CHANGELIST).url.startswith(LOGIN)
    assert client.get(f"{LOGIN}?next={CHANGELIST}").url.startswith(reverse("staff_auth:enrol"))
    page = client.get(response.url).content.decode()
    assert "<svg" in page and "data-qr-code" in page
    secret = re.search(r"data-otp-secret>([A-Z2-7]+)<", page).group(1)
    assert len(secret) == 32  # the base32 key, for typing in by hand
    assert client.get(CHANGELIST).status_code == 302


def test_enrolment_refuses_a_wrong_code_and_a_right_one_confirms_the_app_and_issues_backup_codes(client):
    user = make_staff(COORDINATOR, username="enrolling")
    sign_in(client, "enrolling")
    client.get(reverse("staff_auth:enrol"))
    wrong, device = enrol(client, code_for=lambda d: f"{(int(current_code(d)) + 1) % 10**6:06d}")
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # the wrong code above throttles the device for a second

    done, device = enrol(client)
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)) == sorted(codes)
    assert client.get(CHANGELIST).status_code == 200
    assert AuditLogEntry.objects.filter(user=user, action=Action.OTP_ENROLLED).count() == 1


def test_an_enrolled_user_needs_the_right_code_and_a_missing_or_wrong_one_reads_like_a_wrong_password(client):
    user = make_staff(COORDINATOR, username="enrolled")
    device = enrol_app(user)
    wrong_password = client.post(LOGIN, {"username": "enrolled", "password": "not-the-password", "otp_token": ""})
    no_code = sign_in(client, "enrolled")
    wrong_code = sign_in(client, "enrolled", "000000" if current_code(device) != "000000" else "111111")
    message = "Please enter the correct username, password and authentication code"
    for response in (wrong_password, no_code, wrong_code):
        assert response.status_code == 200 and message in response.content.decode()
    assert client.get(CHANGELIST).status_code == 302
    assert AuditLogEntry.objects.filter(user=user, action=Action.OTP_FAILED).count() == 1
    assert AuditLogEntry.objects.filter(user=user, action=Action.LOGIN_FAILED).count() == 1
    assert AccessAttempt.objects.get(username="enrolled").failures_since_start == 2  # axes counts the code too

    device.refresh_from_db()
    device.throttle_reset()
    signed_in = sign_in(client, "enrolled", current_code(device))
    assert signed_in.status_code == 302 and signed_in.url == CHANGELIST
    assert client.get(CHANGELIST).status_code == 200
    login = AuditLogEntry.objects.get(user=user, action=Action.LOGIN)
    assert login.details == {"second_factor": "Authenticator app"} and login.ip_address == "127.0.0.1"


def test_wrong_codes_lock_the_account_out_from_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.STAFF_LOGIN_DELAY_MAX_SECONDS = 0
    device = enrol_app(make_staff(COORDINATOR, username="code.guesser"))
    right = current_code(device)
    wrong = f"{(int(right) + 500_000) % 10**6:06d}"
    for _ in range(3):
        device.refresh_from_db()
        device.throttle_reset()
        sign_in(client, "code.guesser", wrong)
    device.refresh_from_db()
    device.throttle_reset()
    assert sign_in(client, "code.guesser", right).status_code == 429
    assert client.get(CHANGELIST).status_code == 302


def test_a_backup_code_signs_in_once(client):
    user = make_staff(COORDINATOR, username="lost.phone")
    sign_in(client, "lost.phone")
    client.get(reverse("staff_auth:enrol"))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", enrol(client)[0].content.decode())
    client.logout()

    first = sign_in(client, "lost.phone", codes[0].upper())
    assert first.status_code == 302 and client.get(CHANGELIST).status_code == 200
    assert AuditLogEntry.objects.get(user=user, action=Action.LOGIN, details__second_factor="Backup codes")
    client.logout()
    again = sign_in(client, "lost.phone", codes[0])
    assert again.status_code == 200 and client.get(CHANGELIST).status_code == 302
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


def test_a_superuser_resets_a_colleagues_devices_and_the_colleague_enrols_again(client):
    colleague = make_staff(COORDINATOR, username="new.phone")
    colleague_client = type(client)()
    log_in(colleague_client, colleague)
    assert colleague_client.get(CHANGELIST).status_code == 200
    superuser = make_staff(None, username="root", is_superuser=True)
    log_in(client, superuser)

    users = reverse("admin:auth_user_changelist")
    assert "Two-factor" in client.get(users).content.decode()
    response = client.post(users, {"action": "reset_two_factor", "_selected_action": [colleague.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    entry = AuditLogEntry.objects.get(action=Action.DEVICE_RESET)
    assert entry.user == superuser and entry.details["target_username"] == "new.phone"
    # The colleague's open session is verified no more, and cannot enrol a new app without the password.
    assert colleague_client.get(CHANGELIST).status_code == 302
    assert colleague_client.get(f"{LOGIN}?next={CHANGELIST}").status_code == 200
    assert "_auth_user_id" not in colleague_client.session
    assert sign_in(colleague_client, "new.phone").url.startswith(reverse("staff_auth:enrol"))


def test_enrolment_needs_a_recent_password_sign_in(client):
    make_staff(COORDINATOR, username="slow.enroller")
    sign_in(client, "slow.enroller")
    assert client.get(reverse("staff_auth:enrol")).status_code == 200
    session = client.session
    session["staff_auth_second_step_until"] -= 11 * 60
    session.save()
    response = client.get(reverse("staff_auth:enrol"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_staff_who_are_not_superusers_cannot_reset_devices(client):
    coordinator = make_staff(COORDINATOR, username="plain.staff")
    coordinator.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    log_in(client, coordinator)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200 and "reset_two_factor" not in page.content.decode()
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [coordinator.pk]}
    )
    assert TOTPDevice.objects.filter(user=coordinator).exists() and response.status_code in (200, 302)
    assert not AuditLogEntry.objects.filter(action=Action.DEVICE_RESET).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"username": "odd.input"},
        {"password": PASSWORD, "otp_token": "123456"},
        {"username": "odd.input", "password": PASSWORD, "otp_token": "9" * 40},
        {"username": "odd.input", "password": PASSWORD, "otp_token": "12 34 56"},
    ],
)
def test_incomplete_or_odd_sign_in_forms_are_answered_with_the_form(client, fields):
    enrol_app(make_staff(COORDINATOR, username="odd.input"))
    response = client.post(LOGIN, fields)
    assert response.status_code == 200 and 'id="login-form"' in response.content.decode()
    assert client.get(CHANGELIST).status_code == 302


def test_enrolment_refuses_a_next_address_on_another_site(client):
    make_staff(COORDINATOR, username="redirect.check")
    sign_in(client, "redirect.check")
    client.get(reverse("staff_auth:enrol"))
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(
        reverse("staff_auth:enrol"), {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert "evil.example" not in done.content.decode() and 'href="/staff/"' in done.content.decode()


def make_passkey(user):
    return WebAuthnCredential.objects.create(
        user=user, name="Laptop", confirmed=True, credential_id=b"credential-" + user.username.encode(), public_key=b"k"
    )


def test_a_passkey_holder_who_leaves_the_code_empty_is_asked_for_the_passkey_not_let_in(client):
    user = make_staff(COORDINATOR, username="has.passkey")
    enrol_app(user)
    make_passkey(user)
    response = sign_in(client, "has.passkey")
    assert response.status_code == 302 and response.url.startswith(reverse("staff_auth:passkey_verify"))
    assert client.get(CHANGELIST).status_code == 302
    assert "passkey-verification-button" in client.get(response.url).content.decode()
    # A password-only session registers no passkey of its own.
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"), content_type="application/json")
    assert begin.status_code == 403


def test_the_passkey_prompt_needs_a_recent_password_and_a_reset_removes_passkeys(client):
    user = make_staff(COORDINATOR, username="stale.passkey")
    enrol_app(user)
    make_passkey(user)
    sign_in(client, "stale.passkey")
    session = client.session
    session["staff_auth_second_step_until"] -= 11 * 60
    session.save()
    assert client.get(reverse("staff_auth:passkey_verify")).url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session

    log_in(client, make_staff(None, username="root.reset", is_superuser=True))
    client.post(reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert not WebAuthnCredential.objects.filter(user=user).exists()
