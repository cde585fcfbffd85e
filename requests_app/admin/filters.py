"""Change-list filters that are more than a field's choices."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Status
from .forms import staff_members


class AssignedToFilter(admin.SimpleListFilter):
    """ "My requests", unassigned, or any staff member."""

    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        people = [
            (str(u.pk), u.get_full_name() or u.get_username())
            for u in staff_members().only("pk", "username", "first_name", "last_name")
        ]
        return [("me", _("My requests")), ("none", _("Unassigned")), *people]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class MissingRecordsFilter(admin.SimpleListFilter):
    """Requests still waiting for records: asked for and not yet received, or marked "not available yet"."""

    title = _("missing records")
    parameter_name = "missing_records"

    def lookups(self, request, model_admin):
        return [("yes", _("Missing records")), ("no", _("Records complete"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(missing_records=True)
        if self.value() == "no":
            return queryset.filter(missing_records=False)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """The statuses a submitted request can have (drafts are not listed in the admin)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in Status.choices if value != Status.DRAFT]

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset
