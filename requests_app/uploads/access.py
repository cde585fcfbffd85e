"""Who may upload: a browser uploads only to the request its own session holds (draft or status page)."""

from .. import family_session
from ..models import CLOSED_STATUSES, Document, SecondOpinionRequest, Status


def accepts_uploads(request_obj):
    """Whether files may be added: a draft, or a submitted request the center asked records for."""
    if request_obj is None:
        return False
    if request_obj.status == Status.DRAFT:
        return True
    if request_obj.status in CLOSED_STATUSES:
        return False
    return request_obj.records_requests.filter(fulfilled_at__isnull=True).exists()


def upload_owners(http_request):
    """The requests this browser may upload to: its draft and the submitted request on its status page."""
    owners = []
    session = http_request.session
    for pk, from_draft_key in (
        (family_session.draft_id(session), True),
        (family_session.status_request_id(session), False),
    ):
        found = SecondOpinionRequest.objects.filter(pk=pk).first() if pk else None
        if found is not None and accepts_uploads(found) and found not in owners:
            if from_draft_key and not found.is_draft:
                continue  # after submission the draft key no longer opens uploads; the status page does
            owners.append(found)
    return owners


def upload_owner(http_request, context="intake"):
    """The request a new upload belongs to: the draft in the intake, the submitted request on the status page."""
    wants_draft = context != "status"
    owners = [o for o in upload_owners(http_request) if o.is_draft == wants_draft]
    return owners[0] if owners else None


def owned_document(http_request, public_id):
    """The document if this browser's draft (or status request) started it; None otherwise."""
    owner_ids = [owner.pk for owner in upload_owners(http_request)]
    if not owner_ids:
        return None
    return Document.objects.filter(public_id=public_id, request_id__in=owner_ids).first()
