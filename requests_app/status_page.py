"""What the family's status page shows: status in plain words, history, open records requests, upload areas."""

from django.utils.translation import gettext_lazy as _

from . import family_consent, uploads, workflow
from .models import DocumentCategory, SecondOpinionRequest, Status

#: Awaiting records, but every records request is answered: "send the records below" would list nothing.
RECORDS_RECEIVED_TEXT = _(
    "Thank you: we have received the records we asked for. A coordinator will look at them and tell you "
    "what happens next."
)


def request_for(pk):
    """The submitted request with what the page reads prefetched, or None."""
    if not pk:
        return None
    return (
        SecondOpinionRequest.objects.submitted()
        .prefetch_related("status_changes", "records_requests", "documents")
        .filter(pk=pk)
        .first()
    )


def context(found, consent_form=None, family=True):
    """The status template's context for one submitted request.

    ``consent_form``: the family's consent form that failed validation; ``family``: the family's own session
    (only it is asked to confirm consent; a physician's sees that the family has not yet).
    """
    labels = dict(DocumentCategory.choices)
    open_requests = [r for r in found.records_requests.all() if r.fulfilled_at is None]
    asked = list(dict.fromkeys(c for r in open_requests for c in r.categories if c in labels))
    can_upload = uploads.accepts_uploads(found)
    return {
        "req": found,
        "status_text": status_text(found, open_requests),
        "history": workflow.family_history(found),
        "visit": workflow.visit_description(found) if found.status == Status.SCHEDULED else "",
        "open_requests": [
            {"row": r, "categories": [labels[c] for c in r.categories if c in labels]} for r in open_requests
        ],
        "upload_areas": [uploads.upload_area(found, c, context="status") for c in asked] if can_upload else [],
        "consent_form": (consent_form or family_consent.FamilyConsentForm())
        if family and found.awaits_family_consent
        else None,
    }


def status_text(found, open_requests):
    """The status in plain words, knowing whether the records asked for have all arrived."""
    if found.status == Status.AWAITING_RECORDS and not open_requests:
        return RECORDS_RECEIVED_TEXT
    return workflow.FAMILY_STATUS_TEXT.get(found.status, "")
