"""Keep health information and resume tokens out of logs and Django's error reports."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

_TOKEN_IN_QUERY = re.compile(r"([?&]t=)[^&\s\"']+")


class ScrubSensitiveData(logging.Filter):
    """Blank resume tokens in any logged URL, and drop the request object that carries POST data."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_QUERY.sub(r"\1[redacted]", record.msg)
        if record.args:
            record.args = (
                tuple(_TOKEN_IN_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
                if isinstance(record.args, tuple)
                else record.args
            )
        if hasattr(record, "request"):
            record.request = None
        return True


class HealthDataReporterFilter(SafeExceptionReporterFilter):
    """Every POSTed value on every page may be health information: hide all of them in error reports."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if "QUERY_STRING" in meta:
            meta["QUERY_STRING"] = self.cleansed_substitute
        return meta
