"""What Django's error reports (the emails to ADMINS) may show.

A report names the page, the exception and where it was raised. It never shows a value the family
or staff typed or carried: no query string or POST values, no file names, no cookies, no request
headers beyond a few harmless ones, no local variables, no credentials inside URLs in settings
(REDIS_URL, CELERY_BROKER_URL, CACHES' LOCATION...), and no message text of database errors (which
quote the values that were sent).
"""

import re

from django.db import DatabaseError
from django.views.debug import ExceptionReporter

from requests_app.logging import HealthDataReporterFilter

SUBSTITUTE = HealthDataReporterFilter.cleansed_substitute
_CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
_TOKEN_IN_QUERY = re.compile(r"([?&]t=)[^&\s\"']+")

#: Request headers and server variables whose values a report keeps; every other one is starred out
#: (cookies, the referrer with its query, gunicorn's RAW_URI, CSRF_COOKIE, proxies' headers...).
SHOWN_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_PROTO",
        "PATH_INFO",
        "REMOTE_ADDR",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "wsgi.url_scheme",
    }
)


def without_secrets(text):
    """The text with user:password@ in URLs and resume tokens in query strings starred out."""
    text = _CREDENTIALS_IN_URL.sub(rf"\g<scheme>{SUBSTITUTE}@", str(text))
    return _TOKEN_IN_QUERY.sub(rf"\g<1>{SUBSTITUTE}", text)


def describe_exception(exc):
    """An exception as a report may print it: database errors quote the sent values, so only their type."""
    if exc is None:
        return exc
    if isinstance(exc, DatabaseError) or type(exc).__module__.startswith("psycopg"):
        return f"{type(exc).__name__} (message withheld: it may quote the values sent)"
    return without_secrets(exc)


class SecretFreeReporterFilter(HealthDataReporterFilter):
    """Every POST value (the parent class), plus cookies, headers, local variables and URL credentials."""

    # Django's names, plus webhooks (a chat webhook's path is its secret) and error-tracker DSNs.
    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|WEBHOOK|DSN", re.IGNORECASE)

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        return without_secrets(cleansed) if isinstance(cleansed, str) else cleansed

    def get_safe_request_meta(self, request):
        if not hasattr(request, "META"):
            return {}
        return {
            key: without_secrets(value) if key in SHOWN_META else self.cleansed_substitute
            for key, value in request.META.items()
        }

    def get_safe_cookies(self, request):
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_traceback_frame_variables(self, request, tb_frame):
        # Any local may hold an answer, a token or a file name; the code lines stay in the report.
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class SecretFreeExceptionReporter(ExceptionReporter):
    """Django's reporter without the query string (its URL line and GET list) and uploaded file names."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            query = "?" + SUBSTITUTE if self.request.META.get("QUERY_STRING") else ""
            meta = self.request.META
            host = without_secrets(meta.get("HTTP_HOST") or meta.get("SERVER_NAME", ""))  # unchecked, as Django's
            data["request_insecure_uri"] = f"{self.request.scheme}://{host}{self.request.path}{query}"
            data["request_GET_items"] = [(name, SUBSTITUTE) for name in self.request.GET]
            data["request_FILES_items"] = [(name, SUBSTITUTE) for name in self.request.FILES]
        if "exception_value" in data:
            data["exception_value"] = describe_exception(self.exc_value)
        data.pop("exception_notes", None)
        for frame in data.get("frames", []):
            frame["exc_cause"] = describe_exception(frame.get("exc_cause"))
        return data
