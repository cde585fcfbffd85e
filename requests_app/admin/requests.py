"""The intake coordinator's admin for requests: the change list, the read-only detail page, workflow actions.

Every status change goes through requests_app/workflow.py; the status field is never a form field here.
The change list and the detail page make a fixed number of queries however many requests, documents or
history rows there are (counts and marks are annotated as subqueries, related rows fetched in one query each).
"""

import csv
import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import intake, uploads, workflow
from ..models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AuditLogEntry,
    Document,
    DocumentStatus,
    RecordsAvailability,
    RecordsRequest,
    SecondOpinionRequest,
    Urgency,
)
from . import audit
from .filters import AssignedToFilter, MissingRecordsFilter, StatusFilter
from .forms import CATEGORY_LABELS, AssignForm, DeclineForm, NoteForm, RequestRecordsForm, ScheduleForm, WithdrawForm

URGENCY_SHORT = {
    Urgency.URGENT: gettext_lazy("Urgent"),
    Urgency.SOON: gettext_lazy("Soon"),
    Urgency.ROUTINE: gettext_lazy("Routine"),
}
REFERENCE_PATTERN = re.compile(r"^SO-?[0-9A-Z]{1,4}(-?[0-9A-Z]{0,4})?$", re.IGNORECASE)
SEARCH_FIELDS = [
    "reference",
    "child_first_name",
    "child_last_name",
    "guardian_name",
    "guardian_email",
    "physician_name",
    "current_physician_name",
]


def staff_queryset():
    """Submitted requests with what the change list shows, annotated so no row costs another query."""
    uploaded = (
        Document.objects.filter(request=OuterRef("pk"), status=DocumentStatus.UPLOADED)
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_records_request = RecordsRequest.objects.filter(request=OuterRef("pk"), fulfilled_at__isnull=True)
    not_available = RecordsAvailability.NOT_AVAILABLE
    missing = Q(status__in=OPEN_STATUSES) & (
        Q(Exists(open_records_request))
        | Q(scans_availability=not_available)
        | Q(slides_availability=not_available)
        | Q(reports_availability=not_available)
        | Q(treatment_plan_availability=not_available)
    )
    return (
        # Submitted means submitted_at is set (intake.submit sets both at once); no status test, so counting
        # the list is an index-only scan.
        SecondOpinionRequest.objects.filter(submitted_at__isnull=False)
        .select_related("assigned_to")
        .annotate(
            documents_count=Coalesce(Subquery(uploaded, output_field=IntegerField()), Value(0)),
            missing_records=ExpressionWrapper(missing, output_field=BooleanField()),
        )
    )


@admin.register(SecondOpinionRequest)
class RequestAdmin(admin.ModelAdmin):
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
    search_fields = SEARCH_FIELDS  # the search itself is get_search_results below
    search_help_text = gettext_lazy("Reference, child's name, guardian's name, email or phone, or a physician's name.")
    list_per_page = 50
    # Counting every request on each page load is what makes a big change list slow.
    show_full_result_count = False
    ordering = ["-submitted_at"]
    actions = [
        "start_review",
        "request_records",
        "schedule",
        "complete",
        "decline",
        "withdraw",
        "assign",
        "assign_to_me",
        "export_csv",
    ]

    # --- permissions --------------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # requests come from the public intake

    def has_change_permission(self, request, obj=None):
        return False  # answers are the family's; status moves only through workflow actions

    def has_delete_permission(self, request, obj=None):
        return False  # health records are kept; the audit log refers to them

    def has_transition_permission(self, request):
        return request.user.has_perm(workflow.PERM_TRANSITION)

    def has_schedule_permission(self, request):
        return request.user.has_perm(workflow.PERM_SCHEDULE)

    def has_assign_permission(self, request):
        return request.user.has_perm(workflow.PERM_ASSIGN)

    def has_export_permission(self, request):
        return request.user.has_perm(workflow.PERM_EXPORT)

    def has_document_permission(self, request, obj):
        return self.has_view_permission(request, obj) and request.user.has_perm("requests_app.view_document")

    # --- change list --------------------------------------------------------------------------

    def get_queryset(self, request):
        return staff_queryset()

    @admin.display(description=gettext_lazy("child (age)"), ordering="child_last_name")
    def child(self, obj):
        age = obj.child_age()
        return f"{obj.child_name} ({age})" if age is not None else obj.child_name

    @admin.display(description=gettext_lazy("cancer type"), ordering="cancer_category")
    def cancer_type(self, obj):
        return obj.get_cancer_category_display()

    @admin.display(description=gettext_lazy("urgency"), ordering="urgency")
    def urgency_level(self, obj):
        label = URGENCY_SHORT.get(obj.urgency, obj.urgency)
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

    def get_search_results(self, request, queryset, search_term):
        """Each word must match one of the search fields; a reference or phone number is matched as such.

        Every condition is ``UPPER(column) LIKE`` on the request table alone (no joins), which the
        trigram indexes of migration 0004 answer on PostgreSQL.
        """
        words = search_term.split()
        if not words:
            return queryset, False
        for word in words:
            condition = Q()
            for field in SEARCH_FIELDS:
                condition |= Q(**{f"{field}__icontains": word})
            digits = re.sub(r"\D", "", word)
            if len(digits) >= 4 and not re.search(r"[A-Za-z@]", word):
                condition |= Q(guardian_phone__contains=digits)
            if REFERENCE_PATTERN.match(word) and "-" not in word.upper()[3:] and len(word) == 10:
                condition |= Q(reference__iexact=f"{word[:2]}-{word[2:6]}-{word[6:]}")
            queryset = queryset.filter(condition)
        return queryset, False

    # --- actions ------------------------------------------------------------------------------

    def _back(self, request):
        """After an action started on the detail page, return there; otherwise to the change list."""
        target = request.POST.get("_next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return None

    def _each(self, request, queryset, transition, **kwargs):
        moved, refused = [], []
        for obj in queryset:
            try:
                transition(obj, request.user, **kwargs)
            except workflow.WorkflowError as refusal:
                refused.append(refusal.message)
            else:
                moved.append(obj.reference)
        if moved:
            self.message_user(
                request, _("Done for %(refs)s.") % {"refs": ", ".join(moved[:20]) + ("…" if len(moved) > 20 else "")}
            )
        for message in refused[:10]:
            self.message_user(request, message, messages.ERROR)
        if len(refused) > 10:
            self.message_user(request, _("%(n)s more were refused.") % {"n": len(refused) - 10}, messages.ERROR)
        return self._back(request)

    def _form_action(self, request, queryset, action, form_class, title, perform, form_kwargs=None):
        """An action with an intermediate page: show the form, then apply it to the selected requests."""
        form_kwargs = form_kwargs or {}
        if "apply" in request.POST:
            form = form_class(request.POST, **form_kwargs)
            if form.is_valid():
                return perform(form.cleaned_data)
        else:
            form = form_class(**form_kwargs)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "action": action,
            "requests": queryset,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "next": request.POST.get("_next", ""),
            "opts": self.opts,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/requests_app/secondopinionrequest/action_form.html", context)

    @admin.action(description=gettext_lazy("Start review"), permissions=["transition"])
    def start_review(self, request, queryset):
        return self._each(request, queryset, workflow.start_review)

    @admin.action(description=gettext_lazy("Ask the family for records…"), permissions=["transition"])
    def request_records(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            "request_records",
            RequestRecordsForm,
            _("Ask the family for records"),
            lambda data: self._each(
                request, queryset, workflow.request_records, categories=data["categories"], message=data["message"]
            ),
        )

    @admin.action(description=gettext_lazy("Mark scheduled…"), permissions=["schedule"])
    def schedule(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            "schedule",
            ScheduleForm,
            _("Mark scheduled"),
            lambda data: self._each(
                request, queryset, workflow.schedule, when=data["when"], visit_format=data["visit_format"]
            ),
        )

    @admin.action(description=gettext_lazy("Complete"), permissions=["transition"])
    def complete(self, request, queryset):
        return self._each(request, queryset, workflow.complete)

    @admin.action(description=gettext_lazy("Decline…"), permissions=["transition"])
    def decline(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            "decline",
            DeclineForm,
            _("Decline"),
            lambda data: self._each(request, queryset, workflow.decline, reason=data["reason"]),
        )

    @admin.action(description=gettext_lazy("Withdraw…"), permissions=["transition"])
    def withdraw(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            "withdraw",
            WithdrawForm,
            _("Withdraw"),
            lambda data: self._each(request, queryset, workflow.withdraw, reason=data["reason"]),
        )

    @admin.action(description=gettext_lazy("Assign to…"), permissions=["assign"])
    def assign(self, request, queryset):
        def perform(data):
            try:
                count = workflow.assign(queryset, data["assignee"], request.user)
            except workflow.WorkflowError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                who = data["assignee"] or _("nobody")
                self.message_user(request, _("%(n)s request(s) assigned to %(who)s.") % {"n": count, "who": who})
            return self._back(request)

        return self._form_action(request, queryset, "assign", AssignForm, _("Assign requests"), perform)

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["assign"])
    def assign_to_me(self, request, queryset):
        count = workflow.assign(queryset, request.user, request.user)
        self.message_user(request, _("%(n)s request(s) assigned to you.") % {"n": count})
        return self._back(request)

    @admin.action(description=gettext_lazy("Export the answers to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        audit.record_export(request, ids)
        rows = SecondOpinionRequest.objects.filter(pk__in=ids).select_related("assigned_to").order_by("-submitted_at")
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.csv"'
        return response

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
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        audit.record_access(request, AuditLogEntry.Action.VIEW_REQUEST, request_obj=obj)
        user = request.user
        documents = [
            {
                "document": d,
                "category": CATEGORY_LABELS.get(d.category, d.category),
                "size": uploads.human_size(d.stored_size or d.declared_size),
                "type": d.detected_type or d.declared_content_type,
                "summary": uploads.describe_document(d),
            }
            for d in obj.documents.exclude(status=DocumentStatus.REMOVED).order_by("category", "created_at")
        ]
        records_requests = [
            {"row": r, "categories": [CATEGORY_LABELS.get(c, c) for c in r.categories]}
            for r in obj.records_requests.select_related("requested_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Request %(reference)s") % {"reference": obj.reference},
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "req": obj,
            "sections": intake.review_sections(obj),
            "documents": documents,
            "can_download": self.has_document_permission(request, obj),
            "history": obj.status_changes.select_related("changed_by"),
            "notes": obj.notes.select_related("author"),
            "records_requests": records_requests,
            "transitions": workflow.allowed_transitions(obj, user),
            "can_assign": user.has_perm(workflow.PERM_ASSIGN),
            "assign_form": AssignForm(initial={"assignee": obj.assigned_to_id})
            if user.has_perm(workflow.PERM_ASSIGN)
            else None,
            "note_form": NoteForm() if user.has_perm(workflow.PERM_ADD_NOTE) else None,
            "visit": workflow.visit_description(obj),
            "changelist_url": reverse("admin:requests_app_secondopinionrequest_changelist"),
            "detail_url": request.path,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/requests_app/secondopinionrequest/detail.html", context)

    def download_view(self, request, object_id, document_id):
        """Staff download of one record: permission checked, audited, then a link valid for minutes."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_document_permission(request, obj):
            raise PermissionDenied
        document = get_object_or_404(Document, public_id=document_id, request=obj, status=DocumentStatus.UPLOADED)
        audit.record_access(request, AuditLogEntry.Action.DOWNLOAD_DOCUMENT, request_obj=obj, document=document)
        return document_response(document)

    def add_note_view(self, request, object_id):
        return _add_note(request, self, object_id)


@require_POST
def _add_note(request, model_admin, object_id):
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


def document_response(document):
    """S3: a redirect to a presigned URL that expires in minutes. Local files: streamed by Django."""
    from storages.backends.s3 import S3Storage

    storage = storages["default"]
    filename = document.original_name.replace('"', "")
    if isinstance(storage, S3Storage):
        return HttpResponseRedirect(
            storage.signed_download_url(document.storage_key, filename, settings.STAFF_DOWNLOAD_LINK_SECONDS)
        )
    return FileResponse(storage.open(document.storage_key, "rb"), as_attachment=True, filename=filename)


# --- CSV export -----------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def export_columns():
    """(header, field name, form field) for every answer, in the order and grouping of the review page."""
    columns = []
    for step in intake.STEPS:
        for name, form_field in step.form_class.base_fields.items():
            if hasattr(SecondOpinionRequest, name):
                columns.append((f"{step.title}: {form_field.label}", name, form_field))
    return columns


def csv_lines(rows):
    """The CSV, one line at a time (the export streams; a big selection never sits in memory)."""
    writer = csv.writer(_Echo())
    columns = export_columns()
    yield writer.writerow(
        ["Reference", "Status", "Submitted at", "Assigned to", "Submitter role", *[c[0] for c in columns]]
    )
    for req in rows.iterator(chunk_size=1000):
        yield writer.writerow(
            [
                req.reference,
                req.get_status_display(),
                timezone.localtime(req.submitted_at).isoformat() if req.submitted_at else "",
                req.assigned_to.get_username() if req.assigned_to else "",
                req.get_submitter_role_display(),
                *[_csv_safe(intake.display_value(req, name, form_field)) for _header, name, form_field in columns],
            ]
        )


def _csv_safe(value):
    """Answers are typed by the public: keep spreadsheet programs from running them as formulas."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
