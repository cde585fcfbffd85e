from django.apps import AppConfig


class StaffAuthConfig(AppConfig):
    name = "staff_auth"
    verbose_name = "Staff sign-in"

    def ready(self):
        from . import signals  # noqa: F401 - connects the audit and lock-out receivers
