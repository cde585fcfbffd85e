"""Staff previews of a request's records: which files form a DICOM series, when previews are due, rendering.

A DICOM series is the request's uploaded DICOM files sharing a SeriesInstanceUID (read from each header at
upload, Document.metadata["dicom"]); a slide scan is one TIFF-based file of the slides category. Rendering is
``requests_app.previews`` (ranged reads only); this module decides what to render and stores the PNG privately
in the records storage under ``previews/``, one SeriesPreview row per series or slide.

Only files staff may open are read (``Document.is_openable``: a quarantined file never is); with
``PREVIEW_REQUIRES_CLEAN_SCAN`` only those scanned "clean". The scan's clean path
(``uploads.checks.after_scan_clean``) calls ``on_document_completed`` just as a completed upload does.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import storage
from .models import DocumentCategory, DocumentStatus, SecondOpinionRequest, SeriesPreview
from .previews import StoredObject, inclusive_range_reader, render_series_preview, render_slide_thumbnail
from .uploads import sniffing
from .uploads.backends import get_backend
from .uploads.policy import human_size

logger = logging.getLogger(__name__)

CLEAN_SCAN = "clean"
#: How long a run queued without delay (from the request page) stands for later calls.
PREVIEW_QUEUED_SECONDS = 60


@dataclass
class Series:
    """One DICOM series of a request, as the detail page lists it and the renderer reads it."""

    uid: str
    header: dict
    documents: list = field(default_factory=list)

    @property
    def study_uid(self):
        return self.header.get("study_uid", "")

    @property
    def image_count(self):
        return sum(_frames(d) for d in self.documents)

    @property
    def total_bytes(self):
        return sum(d.stored_size or d.declared_size for d in self.documents)

    @property
    def total_size(self):
        return human_size(self.total_bytes)


def _frames(document):
    value = str(((document.metadata or {}).get("dicom") or {}).get("number_of_frames", "1"))
    return int(value) if value.isdigit() and int(value) > 0 else 1


def series_uid(document):
    """The series a stored DICOM file belongs to ("" for anything else, a ZIP of DICOM files included)."""
    if document.detected_type != sniffing.DICOM:
        return ""
    return str(((document.metadata or {}).get("dicom") or {}).get("series_uid", ""))[:80]


def is_slide_scan(document):
    return document.category == DocumentCategory.SLIDES and document.detected_type == sniffing.TIFF


def group_series(documents):
    """(series in study order, other documents): uploaded DICOM files grouped by their series UID."""
    grouped, others = {}, []
    for document in documents:
        uid = series_uid(document) if document.status == DocumentStatus.UPLOADED else ""
        if not uid:
            others.append(document)
            continue
        if uid not in grouped:
            grouped[uid] = Series(uid, (document.metadata or {}).get("dicom") or {})
        grouped[uid].documents.append(document)
    return sorted(grouped.values(), key=_study_order), others


def _study_order(series):
    return series.header.get("study_date", ""), series.study_uid, _series_number(series), series.uid


def _series_number(series):
    number = str(series.header.get("series_number", ""))
    return int(number) if number.isdigit() else 0


def group_by_study(series_list):
    """[(study header, [series...])] in the order given: the detail page's headings."""
    studies = defaultdict(list)
    for series in series_list:
        studies[series.study_uid].append(series)
    return [(group[0].header, group) for group in studies.values()]


def preview_ready(document):
    """Whether a file may be read for a preview: uploaded and, where scanning is on, scanned clean."""
    if not document.is_openable:
        return False
    return not settings.PREVIEW_REQUIRES_CLEAN_SCAN or document.scan_status == CLEAN_SCAN


def on_document_completed(document):
    """A DICOM file or slide scan sent after submission makes the request's previews due (drafts wait: their
    files may still be removed, and staff see nothing of a draft)."""
    previewable = series_uid(document) or is_slide_scan(document)
    if document.status == DocumentStatus.UPLOADED and previewable and not document.request.is_draft:
        previews_due(document.request)


def previews_due(request_obj, delay=None):
    """Queue one rendering of the request's previews after this transaction commits (``delay`` seconds later,
    PREVIEW_DELAY_SECONDS by default).

    A CD arrives as hundreds of files: while a run is queued (a cache key that lives a second less than the
    delay, at least PREVIEW_QUEUED_SECONDS) further calls queue nothing; files completed later queue another.
    """
    from .tasks import render_previews

    delay = settings.PREVIEW_DELAY_SECONDS if delay is None else delay
    if not cache.add(f"previews-due:{request_obj.pk}", 1, timeout=delay - 1 if delay > 1 else PREVIEW_QUEUED_SECONDS):
        return False
    transaction.on_commit(lambda: render_previews.apply_async((request_obj.pk,), countdown=delay))
    return True


def outdated(documents, previews):
    """(series, slide scans) among the files ready for a preview whose preview is missing or predates files.

    ``previews`` is ``preview_document_ids(request)``.
    """
    series_list, others = group_series([d for d in documents if preview_ready(d)])
    series_due = [s for s in series_list if getattr(previews.get(s.uid), "image_count", None) != len(s.documents)]
    return series_due, [d for d in others if is_slide_scan(d) and d.pk not in previews]


def render_due_previews(request_id):
    """Render every preview of a submitted request that is missing or out of date; returns how many were stored."""
    request_obj = SecondOpinionRequest.objects.filter(pk=request_id).first()
    if request_obj is None or request_obj.is_draft:
        return 0
    uploaded = request_obj.documents.filter(status=DocumentStatus.UPLOADED)
    series_due, slides_due = outdated(uploaded, preview_document_ids(request_obj))
    read = inclusive_range_reader(get_backend().read_range)
    for series in series_due:
        objects = [StoredObject(d.storage_key, d.stored_size or d.declared_size) for d in series.documents]
        result = render_series_preview(objects, read)
        by_key = {d.storage_key: d for d in series.documents}
        shown = by_key.get(result.source_key) or series.documents[len(series.documents) // 2]
        save_preview(request_obj, series.uid, shown, result, len(series.documents))
    for document in slides_due:
        obj = StoredObject(document.storage_key, document.stored_size or document.declared_size)
        save_preview(request_obj, "", document, render_slide_thumbnail(obj, read), 1)
    return len(series_due) + len(slides_due)


def save_preview(request_obj, uid, document, result, image_count):
    """Store the PNG and upsert the row; a concurrent run's row wins cleanly (its image is kept, ours deleted)."""
    records = storage.records_storage()
    key = ""
    if result.available:
        key = records.save(f"previews/{request_obj.public_id.hex}/{uuid.uuid4().hex}.png", ContentFile(result.png))
    values = {
        "document": document,
        "image_key": key,
        "detail": result.detail[:200],
        "image_count": image_count,
        "bytes_read": result.bytes_read,
        "rendered_at": timezone.now(),
    }
    lookup = {"request": request_obj, "series_uid": uid}
    if not uid:
        lookup["document"] = document  # a slide: one preview per file
    try:
        with transaction.atomic():
            row = SeriesPreview.objects.select_for_update().filter(**lookup).first()
            replaced = row.image_key if row else ""
            if row is None:
                SeriesPreview.objects.create(**{**values, **lookup})
            else:
                SeriesPreview.objects.filter(pk=row.pk).update(**values)
    except IntegrityError:  # another run created the row between our read and our insert
        replaced = key
    if replaced:
        records.delete(replaced)


def preview_document_ids(request_obj):
    """{series UID or slide document id: SeriesPreview} for the detail page (one query)."""
    return {p.series_uid or p.document_id: p for p in request_obj.series_previews.all()}


def preview_image(preview):
    """The stored PNG's bytes."""
    with storage.records_storage().open(preview.image_key, "rb") as handle:
        return handle.read()
