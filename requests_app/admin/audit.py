"""The audit trail of staff access: written on every sign-in, list view, detail view, download and export;
read by superusers."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR

from ..models import AuditLogEntry
from ..network import client_ip


def record_access(http_request, action, request_obj=None, document=None):
    """Append who did what, to which request or document, from which address (the time is set by the row)."""
    return AuditLogEntry.objects.create(
        user=http_request.user,
        action=action,
        request=request_obj,
        document=document,
        ip_address=client_ip(http_request),
    )


def record_event(http_request, action, user, details=None):
    """Append a sign-in event or a list view by ``user`` (None: a username nobody has)."""
    return AuditLogEntry.objects.create(
        user=user, action=action, details=details or None, ip_address=client_ip(http_request) or None
    )


def list_view_details(http_request, search_param):
    """A change list's filters, page and search term, for its audit row (the only place the term is kept)."""
    query = http_request.GET
    details = {"filters": {key: query.getlist(key) for key in sorted(query) if key != search_param}}
    if query.get(search_param):
        details["search"] = query[search_param]
    return details


class AuditedChangeListMixin:
    """One audit entry per change-list view that shows rows (names, ages, diagnoses), with its filters."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            details = list_view_details(request, SEARCH_VAR)
            record_event(request, AuditLogEntry.Action.VIEW_REQUEST_LIST, request.user, details)
        return response


def record_export(http_request, request_ids):
    ip = client_ip(http_request)
    AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(user=http_request.user, action=AuditLogEntry.Action.EXPORT, request_id=pk, ip_address=ip)
            for pk in request_ids
        ],
        batch_size=1000,
    )


class SuperuserReadOnlyAdmin(admin.ModelAdmin):
    """Superusers read the rows; nobody adds, changes or deletes them through the admin."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(SuperuserReadOnlyAdmin):
    """Superusers read the log; nobody adds, changes or deletes entries here (the database refuses it too)."""

    list_display = ["at", "user", "action", "request", "document", "ip_address", "details"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "request", "document"]
    search_fields = ["request__reference", "user__username"]
    show_full_result_count = False
    date_hierarchy = None
    actions = None
