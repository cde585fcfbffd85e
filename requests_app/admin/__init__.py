"""Intake staff's admin (mounted at /staff/): requests with their workflow actions, and the audit log.

One module per concern: ``requests`` (the change list, detail page, actions, downloads, export),
``filters``, ``forms`` (the actions' intermediate pages), ``audit`` (access records and their admin),
``outbox`` (notifications, for superusers) (the site itself: portal/admin_site.py).
"""

from .audit import AuditLogEntryAdmin
from .outbox import NotificationAdmin
from .requests import RequestAdmin

__all__ = ["AuditLogEntryAdmin", "NotificationAdmin", "RequestAdmin"]
