"""Intake staff's admin (mounted at /staff/): requests with their workflow actions, and the audit log.

One module per concern: ``requests`` (the change list, detail page, actions, downloads, export),
``filters``, ``forms`` (the actions' intermediate pages), ``audit`` (access records and their admin),
``outbox`` (notifications, for superusers).
"""

from django.contrib import admin
from django.shortcuts import redirect

from .audit import AuditLogEntryAdmin
from .outbox import NotificationAdmin
from .requests import RequestAdmin

__all__ = ["AuditLogEntryAdmin", "NotificationAdmin", "RequestAdmin"]

_site_index = admin.site.index


def _index_lands_on_requests(request, extra_context=None):
    """Staff land on the list of requests; superusers keep the usual index (audit log, users, groups)."""
    if not request.user.is_superuser and request.user.has_perm("requests_app.view_request"):
        return redirect("admin:requests_app_request_changelist")
    return _site_index(request, extra_context)


admin.site.index = _index_lands_on_requests
