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
from ..models import AuditLogEntry, Document, DocumentStatus
from ..uploads.policy import EXTENSIONS
from . import audit, fhir_export, previews, slides
from .forms import CATEGORY_LABELS, AssignForm, NoteForm

#: How long a staff member's document download link (a presigned S3 URL) works: long enough to start it.
DOWNLOAD_LINK_SECONDS = 120


def document_row(d):
    """One document as the detail page lists it."""
    return {
        "document": d,
        "category": CATEGORY_LABELS.get(d.category, d.category),
        "size": uploads.human_size(d.stored_size or d.declared_size),
        "type": d.detected_type or d.declared_content_type,
        "summary": uploads.describe_document(d),
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
    """Staff download of one record: permission checked, audited, then a link valid for minutes."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not model_admin.has_document_permission(request, obj):
        raise PermissionDenied
    document = get_object_or_404(Document, public_id=document_id, request=obj, status=DocumentStatus.UPLOADED)
    audit.record_access(request, AuditLogEntry.Action.DOWNLOAD_DOCUMENT, request_obj=obj, document=document)
    return document_response(document)


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
    """S3: a redirect to a presigned URL that expires in minutes. Local files: streamed by Django."""
    records = storage.records_storage()
    filename = download_filename(document)
    if storage.uses_s3():
        return HttpResponseRedirect(records.signed_download_url(document.storage_key, filename, DOWNLOAD_LINK_SECONDS))
    return FileResponse(records.open(document.storage_key, "rb"), as_attachment=True, filename=filename)


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
