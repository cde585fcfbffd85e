"""Superusers reset a colleague's second factor from the user list; device secrets stay out of the admin."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from requests_app.admin.audit import record_event
from requests_app.models import AuditLogEntry

from . import devices

User = get_user_model()

# django-otp's own device pages would show each TOTP secret to any superuser: the action below is enough.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description="Reset two-factor sign-in (they set it up again at their next sign-in)")
def reset_two_factor(modeladmin, request, queryset):
    for user in queryset:
        devices.reset_devices(user)
        details = {"target_user_id": user.pk, "target_username": user.get_username()}
        record_event(request, AuditLogEntry.Action.DEVICE_RESET, request.user, details)
    modeladmin.message_user(request, f"Two-factor sign-in reset for {len(queryset)} user(s).", messages.SUCCESS)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "two_factor"]

    @admin.display(description="Two-factor", boolean=True)
    def two_factor(self, user):
        return devices.has_confirmed_device(user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_superuser:
            actions["reset_two_factor"] = self.get_action(reset_two_factor)
        return actions
