from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Second opinion requests"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
