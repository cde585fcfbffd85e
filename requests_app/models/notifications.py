"""The notification outbox: rows written in the submission's transaction, sent after commit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SCHEDULING_TEAM = "scheduling_team", _("Scheduling team: new request")
        SUBMISSION_CONFIRMATION = "confirmation", _("Family: submission confirmation")
        WEBHOOK = "webhook", _("Webhook: new request")
        RECORDS_REQUESTED = "records_requested", _("Family: records requested")
        STATUS_CHANGED = "status_changed", _("Family: status changed")
        RECORDS_UPLOADED = "records_uploaded", _("Coordinator: records uploaded")
        RESUME_LINK = "resume_link", _("Family or physician: link to the request")
        FHIR = "fhir", _("FHIR server: transaction bundle")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    recipients = models.JSONField(default=list, blank=True)
    # Extra, non-health context a template needs (e.g. the status a change moved to).
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Retries are time-based (notifications/retries.py): the row fails a day after its first failed attempt.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    admins_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_created")]

    def __str__(self):
        return f"{self.get_kind_display()} for request {self.request_id}"
