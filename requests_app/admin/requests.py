"""The intake coordinator's admin for requests: the change list, the read-only detail page, workflow actions.

Every status change goes through requests_app/workflow.py; the status field is never a form field here.
The change list and the detail page make a fixed number of queries however many requests, documents or
history rows there are (counts and marks are annotated as subqueries, related rows fetched in one query each).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import CLOSED_STATUSES, AuditLogEntry, SecondOpinionRequest, Urgency
from . import audit, dashboard, detail, fhir_export, previews, queries, slides
from .actions import WorkflowActionsMixin
from .filters import AssignedToFilter, MissingRecordsFilter, StatusFilter


@admin.register(SecondOpinionRequest)
class RequestAdmin(WorkflowActionsMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "child",
        "cancer_type",
        "urgency_level",
        "status",
        "submitter_role",
        "submitted_at",
        "days_waiting",
        "documents",
        "assigned_to",
        "missing_mark",
    ]
    list_display_links = ["reference"]
    list_filter = [
        StatusFilter,
        "urgency",
        "cancer_category",
        "submitter_role",
        AssignedToFilter,
        MissingRecordsFilter,
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = queries.SEARCH_FIELDS  # the search itself is get_search_results below
    search_help_text = gettext_lazy("Reference, child's name, guardian's name, email or phone, or a physician's name.")
    list_per_page = 50
    # Counting every request on each page load is what makes a big change list slow.
    show_full_result_count = False
    ordering = ["-submitted_at"]
    change_form_template = "admin/requests_app/secondopinionrequest/detail.html"

    # --- permissions --------------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # requests come from the public intake

    def has_change_permission(self, request, obj=None):
        return False  # answers are the family's; status moves only through workflow actions

    def has_delete_permission(self, request, obj=None):
        return False  # health records are kept; the audit log refers to them

    def has_document_permission(self, request, obj):
        return self.has_view_permission(request, obj) and request.user.has_perm("requests_app.view_document")

    # --- change list --------------------------------------------------------------------------

    def get_queryset(self, request):
        return queries.staff_queryset()

    def get_search_results(self, request, queryset, search_term):
        return queries.search(queryset, search_term), False

    @admin.display(description=gettext_lazy("child (age)"), ordering="child_last_name")
    def child(self, obj):
        age = obj.child_age()
        return f"{obj.child_name} ({age})" if age is not None else obj.child_name

    @admin.display(description=gettext_lazy("cancer type"), ordering="cancer_category")
    def cancer_type(self, obj):
        return obj.get_cancer_category_display()

    @admin.display(description=gettext_lazy("urgency"), ordering="urgency")
    def urgency_level(self, obj):
        label = obj.get_urgency_display()
        if obj.urgency == Urgency.URGENT:
            return format_html('<strong class="urgency-urgent">{}</strong>', label)
        return label

    @admin.display(description=gettext_lazy("days waiting"), ordering="submitted_at")
    def days_waiting(self, obj):
        if obj.status in CLOSED_STATUSES or not obj.submitted_at:
            return "–"
        return (timezone.now() - obj.submitted_at).days

    @admin.display(description=gettext_lazy("documents"), ordering="documents_count")
    def documents(self, obj):
        return obj.documents_count

    @admin.display(description=gettext_lazy("missing records"), boolean=False, ordering="missing_records")
    def missing_mark(self, obj):
        if obj.missing_records:
            return format_html(
                '<span class="missing-records" title="{}">⚠ {}</span>', _("Records missing"), _("missing")
            )
        return ""

    # --- detail page and its own views ----------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/documents/<uuid:document_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="requests_app_secondopinionrequest_download",
            ),
            path(
                "<path:object_id>/notes/add/",
                self.admin_site.admin_view(self.add_note_view),
                name="requests_app_secondopinionrequest_add_note",
            ),
            path(
                "<path:object_id>/previews/<int:preview_id>/",
                self.admin_site.admin_view(self.preview_view),
                name="requests_app_secondopinionrequest_preview",
            ),
            path(
                "<path:object_id>/fhir/",
                self.admin_site.admin_view(self.fhir_view),
                name="requests_app_secondopinionrequest_fhir",
            ),
            path(
                "<path:object_id>/slides-received/",
                self.admin_site.admin_view(self.slides_received_view),
                name="requests_app_secondopinionrequest_slides_received",
            ),
        ]
        return dashboard.urls(self) + own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Django's read-only change view, audited, with the detail page's own context.

        Django refuses a POST here (nobody has change permission), so only a page that is shown is audited.
        """
        obj = self.get_object(request, unquote(object_id))
        if request.method != "POST" and obj is not None and self.has_view_permission(request, obj):
            audit.record_access(request, AuditLogEntry.Action.VIEW_REQUEST, request_obj=obj)
            extra_context = {**detail.detail_context(self, request, obj), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def download_view(self, request, object_id, document_id):
        return detail.download_view(self, request, object_id, document_id)

    def add_note_view(self, request, object_id):
        return detail.add_note_view(request, self, object_id)

    def preview_view(self, request, object_id, preview_id):
        return previews.preview_view(self, request, object_id, preview_id)

    def fhir_view(self, request, object_id):
        return fhir_export.fhir_view(self, request, object_id)

    def slides_received_view(self, request, object_id):
        return slides.mark_received_view(request, self, object_id)
