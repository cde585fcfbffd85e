"""Failed sign-ins (password or code) in the audit log and the per-username counter; success clears it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from requests_app.admin.audit import record_event
from requests_app.models import AuditLogEntry
from requests_app.network import client_ip

from . import lockout


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = credentials.get("username") or ""
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    action = AuditLogEntry.Action.OTP_FAILED if credentials.get("second_factor") else AuditLogEntry.Action.LOGIN_FAILED
    record_event(request, action, user=user)
    lockout.record_failure(username, client_ip(request))


@receiver(user_logged_in)
def clear_failed_sign_ins(sender, request, user, **kwargs):
    lockout.clear_failures(user.get_username())
