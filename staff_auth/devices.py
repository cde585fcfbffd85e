"""Staff second factors: one TOTP authenticator app (enrolled with a QR code), single-use backup codes,
and passkeys added later (staff_auth/passkeys.py).

All are django-otp devices. A staff user without a confirmed device is sent to enrolment before any
admin page (portal/admin_site.py); a superuser's reset deletes them, so the next sign-in enrols afresh.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def has_confirmed_device(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_passkey(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def needs_enrolment(user):
    """A signed-in staff user (password only) who has no second factor yet."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and not has_confirmed_device(user))


def verified_device(user, code):
    """The device that accepts the code, or None (wrong code, no such device, or throttled).

    The device is chosen by the code's shape (6 digits: the app; otherwise a backup code) rather than by
    trying each, so a wrong code counts only against the device it was meant for (django-otp throttles
    each device on its own failures). The row lock stops one backup code from being used twice at once.
    """
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        return device if device is not None and verify(device, code) else None


def verify(device, code):
    """True when the code is right and the device is not throttled (a backup code is used up)."""
    allowed, _ = device.verify_is_allowed()
    return bool(allowed and device.verify_token(code))


def pending_app_device(user):
    """The unconfirmed authenticator device being enrolled (a new secret at the first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def qr_code_svg(device):
    """The provisioning URI as an inline SVG (rendered here: no third-party QR service sees the secret)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    # Only path data: the URI is encoded into the squares, never written as text.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


@transaction.atomic
def confirm_app_device(device):
    """Confirm the app and issue a fresh set of backup codes; returns the codes (shown once)."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return issue_backup_codes(device.user)


def issue_backup_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


@transaction.atomic
def reset_devices(user):
    """Remove every second factor of the user: their sessions lose verification, and they enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
