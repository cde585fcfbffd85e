"""The family's status page: reached through the resume link (and the birth-date check) after submission."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import family_session, uploads, workflow
from .models import DocumentCategory, SecondOpinionRequest, Status


def status(request):
    """Reference, status in plain words, what happened, what records we asked for, and where to send them."""
    pk = family_session.status_request_id(request.session)
    found = (
        SecondOpinionRequest.objects.submitted()
        .prefetch_related("status_changes", "records_requests", "documents")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if found is None:
        messages.info(request, _("To see your request, open the link we emailed you."))
        return redirect("requests_app:home")
    labels = dict(DocumentCategory.choices)
    open_requests = [r for r in found.records_requests.all() if r.fulfilled_at is None]
    asked = list(dict.fromkeys(c for r in open_requests for c in r.categories if c in labels))
    can_upload = uploads.accepts_uploads(found)
    context = {
        "req": found,
        "status_text": workflow.FAMILY_STATUS_TEXT.get(found.status, ""),
        "history": workflow.family_history(found),
        "visit": workflow.visit_description(found) if found.status == Status.SCHEDULED else "",
        "open_requests": [
            {"row": r, "categories": [labels[c] for c in r.categories if c in labels]} for r in open_requests
        ],
        "upload_areas": [uploads.upload_area(found, c, context="status") for c in asked] if can_upload else [],
    }
    return render(request, "requests_app/status.html", context)
