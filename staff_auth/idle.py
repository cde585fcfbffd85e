"""Automatic logoff of staff: a session idle for STAFF_IDLE_TIMEOUT_MINUTES ends at its next /staff/ request.

Only staff pages are timed here (families' sessions have their own rules); the last activity is kept in
the session, so it holds across processes.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

LAST_ACTIVITY_KEY = "staff_last_activity"


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT_MINUTES * 60:
                return self._log_out(request)
            request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _log_out(self, request):
        from requests_app.admin.audit import record_event
        from requests_app.models import AuditLogEntry

        record_event(request, AuditLogEntry.Action.LOGOUT_IDLE, request.user)
        logout(request)
        # The path without its query: a list's search term must not travel on in the login URL.
        return redirect_to_login(request.path, reverse("admin:login"))
