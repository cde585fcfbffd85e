"""Records the family uploads: one row per file, bound to the request (draft) that started it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DocumentCategory, ReportType


class ScanStatus(models.TextChoices):
    """Where a completed file stands with the checks after upload (uploads/checks.py); only some may be opened."""

    PENDING = "pending", _("Scanning")
    CLEAN = "clean", _("Clean")
    INFECTED = "infected", _("Infected")
    TOO_LARGE = "too_large", _("Too large to scan")
    UNSCANNED = "unscanned", _("Could not be scanned")
    RELEASED = "released", _("Released unscanned by staff")
    OFF = "off", _("Not scanned")


#: Scan states whose file staff may open: scanned clean, explicitly released, or scanning switched off.
OPENABLE_SCAN_STATES = (ScanStatus.CLEAN, ScanStatus.RELEASED, ScanStatus.OFF)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Uploading")
    UPLOADED = "uploaded", _("Uploaded")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")


#: Each category's answer on the request that says whether its files are uploaded here (insurance
#: cards have no such question). The records form, the staff list and the upload client all use it.
AVAILABILITY_FIELDS = {
    DocumentCategory.SCANS: "scans_availability",
    DocumentCategory.SLIDES: "slides_availability",
    DocumentCategory.REPORTS: "reports_availability",
    DocumentCategory.TREATMENT_PLAN: "treatment_plan_availability",
}


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """Documents that count (limits, counts in emails, clean-up): uploading or uploaded."""
        return self.filter(status__in=[DocumentStatus.PENDING, DocumentStatus.UPLOADED])

    def shown(self):
        """Documents listed to the family and staff: all but removed (a rejected one shows its reason)."""
        return self.exclude(status=DocumentStatus.REMOVED)


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
    # Filled by the checks after completion (uploads/checks.py): until openable, the file is quarantined.
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The object's checksum as storage computed it from the browser's per-part CRC32s ("CRC32 <b64>-<parts>").
    checksum = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    uploaded_after_submission = models.BooleanField(default=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["category", "created_at"]
        indexes = [models.Index(fields=["request", "status"], name="document_request_status")]

    def __str__(self):
        return self.original_name

    @property
    def is_openable(self):
        """Whether staff may download it: uploaded, and scanned clean, released, or scanning is off."""
        return self.status == DocumentStatus.UPLOADED and self.scan_status in OPENABLE_SCAN_STATES
