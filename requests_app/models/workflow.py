"""What happens to a request after submission: status history, notes, records asked for, audit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Status


class StatusChange(models.Model):
    """One transition of a request's status: who made it, when, and why. Written only by workflow.py."""

    request = models.ForeignKey(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"


class InternalNote(models.Model):
    """A note staff write about a request; never shown to the family."""

    request = models.ForeignKey("requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk} on request {self.request_id}"


class RecordsRequest(models.Model):
    """Records the center asked the family for, and when they answered."""

    request = models.ForeignKey(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="records_requests"
    )
    categories = models.JSONField(default=list)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"Records requested on {self.requested_at:%Y-%m-%d}"


class AuditLogEntry(models.Model):
    """Who looked at which request, list or document, and who signed in (or failed to). Append-only."""

    class Action(models.TextChoices):
        VIEW_REQUEST = "view_request", _("Viewed request")
        VIEW_REQUEST_LIST = "view_request_list", _("Viewed request list")
        DOWNLOAD_DOCUMENT = "download_document", _("Downloaded document")
        RELEASE_DOCUMENT = "release_document", _("Released a document that could not be scanned")
        EXPORT = "export", _("Exported requests")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        OTP_FAILED = "otp_failed", _("Wrong authentication code")
        OTP_ENROLLED = "otp_enrolled", _("Set up two-factor authentication")
        DEVICE_RESET = "device_reset", _("Reset a colleague's two-factor devices")
        LOGOUT_IDLE = "logout_idle", _("Signed out after inactivity")
        VIEW_PREVIEW = "view_preview", _("Viewed a preview")
        EXPORT_FHIR = "export_fhir", _("Exported FHIR bundle")
        VIEW_DASHBOARD = "view_dashboard", _("Viewed the queue dashboard")
        SLIDES_RECEIVED = "slides_received", _("Marked slides received")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=24, choices=Action.choices)
    request = models.ForeignKey("requests_app.SecondOpinionRequest", null=True, blank=True, on_delete=models.SET_NULL)
    document = models.ForeignKey("requests_app.Document", null=True, blank=True, on_delete=models.SET_NULL)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A list's filters and search term, or whose devices were reset: kept here and in no other log.
    details = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.get_action_display()} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
