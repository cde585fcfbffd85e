"""Intake staff's admin (mounted at /staff/): requests with their workflow actions, and the audit log.

One module per concern: ``requests`` (the request ModelAdmin), ``queries`` (the change list's queryset and
search), ``actions`` (the workflow actions), ``detail`` (the detail page's context, downloads, notes),
``filters``, ``forms`` (the actions' intermediate pages), ``audit`` (access records and their admin),
``outbox`` (notifications, for superusers), ``previews`` (the page's DICOM series and the audited preview
image), ``fhir_export`` (the FHIR bundle download), ``slides`` (mailed slides: tracking link, "received"),
``dashboard`` and ``charts`` (the queue dashboard and its SVG charts). The site itself is
portal/admin_site.py; the CSV export is requests_app/exports.py.
"""

from .audit import AuditLogEntryAdmin
from .outbox import NotificationAdmin
from .requests import RequestAdmin

__all__ = ["AuditLogEntryAdmin", "NotificationAdmin", "RequestAdmin"]
