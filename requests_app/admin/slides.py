"""Mailed slides on the request page: the tracking number as a carrier link, and "slides received" (audited)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import carriers, workflow
from ..models import AuditLogEntry, RecordsAvailability, SlidesReceipt
from . import audit


def may_mark_received(model_admin, request, obj):
    return model_admin.has_view_permission(request, obj) and request.user.has_perm(workflow.PERM_ADD_NOTE)


def slides_context(model_admin, request, obj):
    """What the page says about mailed slides: the number, its carrier link, and whether they arrived."""
    mailed = obj.slides_availability == RecordsAvailability.MAILED or bool(obj.slides_tracking_number)
    return {
        "slides_mailed": mailed,
        "tracking": carriers.tracking_url(obj.slides_tracking_number) if obj.slides_tracking_number else None,
        "slides_receipt": SlidesReceipt.objects.select_related("received_by").filter(request=obj).first(),
        "can_mark_slides_received": mailed and may_mark_received(model_admin, request, obj),
    }


@require_POST
def mark_received_view(request, model_admin, object_id):
    """Record once that the slides arrived (no status change); a second press changes nothing."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not may_mark_received(model_admin, request, obj):
        raise PermissionDenied
    try:
        with transaction.atomic():
            SlidesReceipt.objects.create(request=obj, received_by=request.user)
    except IntegrityError:
        model_admin.message_user(request, _("The slides were already marked received."))
    else:
        audit.record_access(request, AuditLogEntry.Action.SLIDES_RECEIVED, request_obj=obj)
        model_admin.message_user(request, _("Slides marked received."))
    return HttpResponseRedirect(reverse("admin:requests_app_secondopinionrequest_change", args=[obj.pk]) + "#slides")
