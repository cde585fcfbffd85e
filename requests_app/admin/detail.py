"""The request detail page's content and its own small views: a record's download and a new internal note.

The page itself is RequestAdmin.change_view (Django's, read-only) with this context and detail.html.
"""

import posixpath

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import family_timeline, intake, storage, uploads, workflow
from ..models import AuditLogEntry, Document, DocumentStatus, ScanStatus
from ..uploads import checks, content_types
from ..uploads.policy import EXTENSIONS
from . import audit, fhir_export, previews, slides
from .forms import CATEGORY_LABELS, AssignForm, NoteForm

#: How long a staff member's document download link (a presigned S3 URL) works: long enough to start it.
DOWNLOAD_LINK_SECONDS = 120
#: Scan states a staff member may release (open unscanned) with an explicit, audited action.
RELEASABLE_SCAN_STATES = (ScanStatus.TOO_LARGE, ScanStatus.UNSCANNED)


def document_row(d):
    """One document as the detail page lists it."""
    return {
        "document": d,
        "category": CATEGORY_LABELS.get(d.category, d.category),
        "size": uploads.human_size(d.stored_size or d.declared_size),
        "type": d.detected_type or d.declared_content_type,
        "summary": uploads.describe_document(d),
        "scan": uploads.scan_label(d),
        "may_release": d.status == DocumentStatus.UPLOADED and d.scan_status in RELEASABLE_SCAN_STATES,
    }


def records_request_rows(obj):
    """What the family was asked for, each request with its categories in words."""
    return [
        {"row": r, "categories": [CATEGORY_LABELS.get(c, c) for c in r.categories]}
        for r in obj.records_requests.select_related("requested_by")
    ]


def detail_context(model_admin, request, obj):
    """Everything detail.html shows besides what Django's change view provides."""
    user = request.user
    may_assign = user.has_perm(workflow.PERM_ASSIGN)
    return {
        "title": _("Request %(reference)s") % {"reference": obj.reference},
        "subtitle": None,
        "req": obj,
        "sections": intake.review_sections(obj),
        **previews.records_context(obj, list(obj.documents.shown().order_by("category", "created_at")), document_row),
        **slides.slides_context(model_admin, request, obj),
        "can_export_fhir": fhir_export.may_export_fhir(model_admin, request, obj),
        "can_download": model_admin.has_document_permission(request, obj),
        "history": obj.status_changes.select_related("changed_by"),
        "notes": obj.notes.select_related("author"),
        "records_requests": records_request_rows(obj),
        "transitions": workflow.allowed_transitions(obj, user),
        "can_assign": may_assign,
        "assign_form": AssignForm(initial={"assignee": obj.assigned_to_id}) if may_assign else None,
        "note_form": NoteForm() if user.has_perm(workflow.PERM_ADD_NOTE) else None,
        "visit": family_timeline.visit_description(obj),
        "changelist_url": reverse("admin:requests_app_secondopinionrequest_changelist"),
        "detail_url": request.path,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }


def download_view(model_admin, request, object_id, document_id):
    """Staff download of one record: permission checked, quarantine respected, audited, then a link valid
    for minutes. A POST with ``release`` opens a file the scanner could not check (audited too)."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not model_admin.has_document_permission(request, obj):
        raise PermissionDenied
    finished = (DocumentStatus.UPLOADED, DocumentStatus.REJECTED)
    document = get_object_or_404(Document, public_id=document_id, request=obj, status__in=finished)
    if request.method == "POST" and "release" in request.POST:
        return _release(request, obj, document)
    if not document.is_openable:
        messages.error(request, quarantine_message(document))
        return HttpResponseRedirect(_documents_url(obj))
    audit.record_access(request, AuditLogEntry.Action.DOWNLOAD_DOCUMENT, request_obj=obj, document=document)
    return document_response(document)


def quarantine_message(document):
    """Why staff cannot open a document yet (or at all)."""
    if document.scan_status == ScanStatus.INFECTED:
        return _("%(name)s cannot be downloaded: the malware scanner found %(signature)s.") % {
            "name": document.original_name,
            "signature": document.scan_signature,
        }
    if document.scan_status in RELEASABLE_SCAN_STATES:
        return _("%(name)s could not be scanned for malware (%(state)s). Release it first if you must open it.") % {
            "name": document.original_name,
            "state": document.get_scan_status_display(),
        }
    if document.status != DocumentStatus.UPLOADED:
        return _("%(name)s was not accepted and cannot be downloaded.") % {"name": document.original_name}
    return _("%(name)s is still being scanned for malware. Please try again in a few minutes.") % {
        "name": document.original_name
    }


def _release(request, obj, document):
    """Open a file that could not be scanned, on a staff member's explicit request, recorded in the audit log."""
    if checks.release_unscanned(document):
        audit.record_access(request, AuditLogEntry.Action.RELEASE_DOCUMENT, request_obj=obj, document=document)
        messages.warning(request, _("%(name)s was released without a malware scan.") % {"name": document.original_name})
    return HttpResponseRedirect(_documents_url(obj))


def _documents_url(obj):
    return reverse("admin:requests_app_secondopinionrequest_change", args=[obj.pk]) + "#documents"


def download_filename(document):
    """A neutral name for a record's download: category, the document's id and its type's extension.

    Never the family's file name (it often holds the child's name): on S3 the download name is part of
    the presigned URL, which browsers, proxies and logs keep. The detail page shows the original name.
    """
    extensions = EXTENSIONS.get(document.detected_type, [])
    given = posixpath.splitext(document.original_name.lower())[1]
    extension = given if given in extensions else (extensions[0] if extensions else "")
    return f"{document.category.replace('_', '-')}-{document.public_id.hex[:8]}{extension}"


def document_response(document):
    """S3: a redirect to a presigned URL that expires in minutes. Local files: streamed by Django.

    Either way an attachment of the type the server decided from the content, never rendered inline.
    """
    records = storage.records_storage()
    filename = download_filename(document)
    content_type = content_types.stored_content_type(document.detected_type)
    if storage.uses_s3():
        url = records.signed_download_url(document.storage_key, filename, DOWNLOAD_LINK_SECONDS, content_type)
        return HttpResponseRedirect(url)
    response = FileResponse(
        records.open(document.storage_key, "rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def add_note_view(request, model_admin, object_id):
    """Write an internal note from the detail page, then return to the notes."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not (model_admin.has_view_permission(request, obj) and request.user.has_perm(workflow.PERM_ADD_NOTE)):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        workflow.add_note(obj, request.user, form.cleaned_data["body"])
        model_admin.message_user(request, _("Note added."))
    else:
        model_admin.message_user(request, " ".join(form.errors.get("body", [])), messages.ERROR)
    return HttpResponseRedirect(reverse("admin:requests_app_secondopinionrequest_change", args=[obj.pk]) + "#notes")
