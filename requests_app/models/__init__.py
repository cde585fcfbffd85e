"""The domain's tables, one module per concern (re-exported here)."""

from .choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    CancerCategory,
    ContactMethod,
    CoverageType,
    DocumentCategory,
    PhysicianAwareness,
    PreferredLanguage,
    Reason,
    RecordsAvailability,
    Relationship,
    ReportType,
    Sex,
    Status,
    SubmitterRole,
    TreatmentStatus,
    Urgency,
    VisitPreference,
    YesNoUnsure,
)
from .documents import AVAILABILITY_FIELDS, OPENABLE_SCAN_STATES, Document, DocumentStatus, ScanStatus
from .links import ResumeLink
from .notifications import Notification
from .previews import SeriesPreview, SlidesReceipt
from .request import SecondOpinionRequest, age_on, new_reference
from .workflow import AuditLogEntry, InternalNote, RecordsRequest, StatusChange

__all__ = [
    "AVAILABILITY_FIELDS",
    "OPENABLE_SCAN_STATES",
    "ScanStatus",
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "AuditLogEntry",
    "CancerCategory",
    "ContactMethod",
    "CoverageType",
    "Document",
    "DocumentCategory",
    "DocumentStatus",
    "InternalNote",
    "Notification",
    "PhysicianAwareness",
    "PreferredLanguage",
    "Reason",
    "RecordsAvailability",
    "RecordsRequest",
    "Relationship",
    "ResumeLink",
    "ReportType",
    "SecondOpinionRequest",
    "SeriesPreview",
    "Sex",
    "SlidesReceipt",
    "Status",
    "StatusChange",
    "SubmitterRole",
    "TreatmentStatus",
    "Urgency",
    "VisitPreference",
    "YesNoUnsure",
    "age_on",
    "new_reference",
]
