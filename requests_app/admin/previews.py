"""The request page's DICOM studies and series (one row per series, its preview, its files behind a disclosure)
and the staff-only view that serves a preview's PNG, audited."""

import logging

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from .. import series_previews
from ..models import AuditLogEntry, SeriesPreview
from . import audit

logger = logging.getLogger(__name__)


def series_rows(series_list, previews, document_row):
    """Each series as the page shows it, with its preview (or None while not rendered) and its file rows."""
    return [
        {
            "series": s,
            "header": s.header,
            "preview": previews.get(s.uid),
            "files": [document_row(d) for d in s.documents],
        }
        for s in series_list
    ]


def records_context(obj, documents, document_row):
    """The detail page's documents: DICOM series grouped by study, slide previews, and every other file."""
    series_list, others = series_previews.group_series(documents)
    previews = series_previews.preview_document_ids(obj)
    if not obj.is_draft and any(series_previews.outdated(documents, previews)):
        series_previews.previews_due(obj, delay=0)  # also catches a run lost with the broker
    return {
        "studies": [
            {"header": header, "series": series_rows(group, previews, document_row)}
            for header, group in series_previews.group_by_study(series_list)
        ],
        "documents": [{**document_row(d), "preview": previews.get(d.pk)} for d in others],
        "documents_total": len(documents),
    }


def preview_view(model_admin, request, object_id, preview_id):
    """One preview's PNG, to staff who may read the request's records; every view is in the audit log."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not model_admin.has_document_permission(request, obj):
        raise PermissionDenied
    preview = get_object_or_404(
        SeriesPreview.objects.select_related("document").exclude(image_key=""), pk=preview_id, request=obj
    )
    try:
        png = series_previews.preview_image(preview)
    except Exception as exc:  # noqa: BLE001 - storage reports a missing object in several ways
        logger.warning("preview %s unreadable: %s", preview.pk, type(exc).__name__)
        raise Http404 from None
    audit.record_access(request, AuditLogEntry.Action.VIEW_PREVIEW, request_obj=obj, document=preview.document)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
