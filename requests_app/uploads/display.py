"""What people are shown about uploads: document summaries, review-page lines and each upload area's context."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AVAILABILITY_FIELDS, DocumentCategory, DocumentStatus, ReportType, ScanStatus
from . import sniffing
from .policy import (
    accepted_extensions,
    accepted_types,
    accepts_files_without_extension,
    describe_accepted,
    human_size,
    part_count,
)


def document_summary(document):
    """A JSON-ready view of a document for the upload client and the pages."""
    return {
        "id": str(document.public_id),
        "name": document.original_name,
        "relative_path": document.relative_path,
        "category": document.category,
        "report_type": document.report_type,
        "size": document.declared_size,
        "size_label": human_size(document.declared_size),
        "status": document.status,
        "status_label": DocumentStatus(document.status).label,
        "rejection_reason": document.rejection_reason,
        "part_size": document.part_size,
        "part_count": part_count(document) if document.part_size else 0,
        "description": describe_document(document),
        "parts_url": reverse("requests_app:upload_parts", args=[document.public_id]),
        "complete_url": reverse("requests_app:upload_complete", args=[document.public_id]),
        "remove_url": reverse("requests_app:upload_remove", args=[document.public_id]),
    }


def scan_label(document):
    """The scan state as staff read it: "Scanning", "Infected: <signature>", "Not scanned" ("" until completed)."""
    if not document.scan_status:
        return ""
    label = str(ScanStatus(document.scan_status).label)
    if document.scan_status == ScanStatus.INFECTED and document.scan_signature:
        return f"{label}: {document.scan_signature}"
    return label


def describe_document(document):
    """One line a parent can read back: type, and what a DICOM header or ZIP says."""
    bits = []
    if document.report_type:
        bits.append(str(ReportType(document.report_type).label))
    dicom = (document.metadata or {}).get("dicom") or {}
    if dicom:
        # A ZIP's header is one image's: its series count says nothing about the archive.
        bits.extend(_dicom_bits(dicom, with_images=document.detected_type != sniffing.ZIP))
    if "zip_entries" in (document.metadata or {}):
        bits.append(_("ZIP with %(n)s files") % {"n": document.metadata["zip_entries"]})
    if (document.metadata or {}).get("slide_format"):
        bits.append(document.metadata["slide_format"])
    return " · ".join(str(b) for b in bits)


def _study_bits(dicom):
    fields = ("modality", "study_date", "study_description")
    return [dicom[field] for field in fields if dicom.get(field)]


def _dicom_bits(dicom, with_images=True):
    bits = _study_bits(dicom)
    images = dicom.get("images_in_acquisition") or dicom.get("number_of_frames")
    if with_images and str(images).isdigit():
        n = int(images)
        bits.append(ngettext("%(n)s image in series", "%(n)s images in series", n) % {"n": n})
    return bits


def review_lines(request_obj):
    """Review-page rows for uploaded records: one per file, DICOM files of one series grouped together."""
    rows = []
    documents = list(request_obj.documents.filter(status=DocumentStatus.UPLOADED).order_by("category", "created_at"))
    for category in DocumentCategory:
        in_category = [d for d in documents if d.category == category]
        if in_category:
            lines = _category_lines(in_category)
            rows.append((_("%(category)s: files") % {"category": category.label}, "\n".join(lines)))
    return rows


def _category_lines(documents):
    """One line per file, except DICOM files of one series, which share one line."""
    lines, series = [], {}
    for document in documents:
        dicom = (document.metadata or {}).get("dicom") or {}
        uid = dicom.get("series_uid") if document.detected_type == sniffing.DICOM else None  # not a ZIP's
        if uid:
            series.setdefault(uid, []).append(document)
        else:
            line = f"{document.original_name} ({human_size(document.declared_size)})"
            description = describe_document(document)
            lines.append(f"{line}: {description}" if description else line)
    return lines + [_series_line(members) for members in series.values()]


def _series_line(members):
    total = sum(m.declared_size for m in members)
    if len(members) == 1:
        return f"{members[0].original_name} ({human_size(total)}): {describe_document(members[0])}"
    first = (members[0].metadata or {}).get("dicom") or {}
    description = first.get("series_description") or ""
    return _("DICOM series %(head)s%(desc)s: %(n)s images in series (%(size)s)") % {
        "head": " · ".join(_study_bits(first)),
        "desc": f" · {description}" if description else "",
        "n": len(members),
        "size": human_size(total),
    }


def _heading(category, with_heading):
    if not with_heading:
        return ""
    if category == DocumentCategory.INSURANCE_CARD:
        return _("Insurance card photos, front and back (optional)")
    return DocumentCategory(category).label


def upload_area(request_obj, category, context="intake", with_heading=None):
    """Everything partials/upload_area.html needs for one category (see the comment at its top).

    ``with_heading``: show the category's name above the area (default: only for insurance cards,
    which have no availability question above them in the records step).
    """
    if with_heading is None:
        with_heading = category == DocumentCategory.INSURANCE_CARD
    documents = []
    if request_obj is not None and request_obj.pk:
        # Rejected files stay listed, with the reason, until the family removes them.
        documents = [document_summary(d) for d in request_obj.documents.shown().filter(category=category)]
    extensions = accepted_extensions(category)
    return {
        "category": str(category),
        "label": DocumentCategory(category).label,
        "heading": _heading(category, with_heading),
        "accepted_text": describe_accepted(category),
        "accept_attribute": "" if accepts_files_without_extension(category) else ",".join(extensions),
        "extensions": extensions,
        "allows_no_extension": accepts_files_without_extension(category),
        "accepted_types": accepted_types(category),
        "folder_picker": category == DocumentCategory.SCANS,
        "report_types": ReportType.choices if category == DocumentCategory.REPORTS else [],
        "documents": documents,
        "context": context,
    }


def client_config(areas, csrf_token):
    """The upload client's whole configuration for one page: static/js/uploads/ reads it from #upload-config."""
    return {
        "startUrl": reverse("requests_app:upload_start"),
        "csrfToken": str(csrf_token),
        "context": areas[0]["context"] if areas else "intake",
        "maxFileBytes": settings.UPLOAD_MAX_FILE_BYTES,
        "availabilityFields": {str(category): field for category, field in AVAILABILITY_FIELDS.items()},
        "areas": {
            area["category"]: {
                "acceptedText": str(area["accepted_text"]),
                "extensions": area["extensions"],
                "types": area["accepted_types"],
                "allowsNoExtension": area["allows_no_extension"],
                "documents": area["documents"],
            }
            for area in areas
        },
    }
