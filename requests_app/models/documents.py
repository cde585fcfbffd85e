"""Records the family uploads: one row per file, bound to the request (draft) that started it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DocumentCategory, ReportType


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Uploading")
    UPLOADED = "uploaded", _("Uploaded")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """Documents that count: uploading or uploaded, not rejected or removed."""
        return self.filter(status__in=[DocumentStatus.PENDING, DocumentStatus.UPLOADED])


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey("requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(max_length=20, choices=DocumentCategory.choices, db_index=True)
    report_type = models.CharField(max_length=12, choices=ReportType.choices, blank=True)
    # The name as the family's computer had it: shown back to them, never used as a key.
    original_name = models.CharField(max_length=255)
    relative_path = models.CharField(max_length=1024, blank=True, help_text="Path inside an uploaded folder.")
    declared_size = models.BigIntegerField()
    declared_content_type = models.CharField(max_length=120, blank=True)
    stored_size = models.BigIntegerField(null=True, blank=True)
    detected_type = models.CharField(max_length=40, blank=True)
    storage_key = models.CharField(max_length=300, unique=True)
    multipart_upload_id = models.CharField(max_length=300, blank=True)
    part_size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    # DICOM header summary and other metadata read after upload (never pixel data).
    metadata = models.JSONField(default=dict, blank=True)
    # Shown to staff; no malware scanner is part of the portal, so real uploads leave it blank.
    scan_result = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    uploaded_after_submission = models.BooleanField(default=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["category", "created_at"]
        indexes = [models.Index(fields=["request", "status"], name="document_request_status")]

    def __str__(self):
        return self.original_name
