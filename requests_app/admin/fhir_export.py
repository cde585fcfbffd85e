"""The request as a FHIR R4 Bundle, downloaded by staff who may export (audited)."""

import json

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from .. import fhir, workflow
from ..models import AuditLogEntry
from . import audit


def may_export_fhir(model_admin, request, obj):
    return model_admin.has_view_permission(request, obj) and request.user.has_perm(workflow.PERM_EXPORT)


def fhir_view(model_admin, request, object_id):
    """The collection Bundle as an attachment named after the reference (never the child's name)."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not may_export_fhir(model_admin, request, obj):
        raise PermissionDenied
    body = json.dumps(fhir.request_bundle(obj), ensure_ascii=False, indent=2)
    audit.record_access(request, AuditLogEntry.Action.EXPORT_FHIR, request_obj=obj)
    response = HttpResponse(body.encode(), content_type=fhir.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{obj.reference}-fhir.json"'
    response["Cache-Control"] = "private, no-store"
    return response
