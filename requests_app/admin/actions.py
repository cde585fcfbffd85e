"""The request change list's actions: each one calls requests_app/workflow.py, one request at a time.

Actions that need an answer first (a reason, a date, an assignee) show an intermediate page
(action_form.html) and apply its form to the selected requests.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import exports, workflow
from . import audit
from .forms import AssignForm, DeclineForm, RequestRecordsForm, ScheduleForm, WithdrawForm

#: How many references and refusals one action's messages list before summing up the rest.
LISTED_REFERENCES = 20
LISTED_REFUSALS = 10


class WorkflowActionsMixin:
    """The actions of RequestAdmin, with the permission each one needs (``has_<name>_permission``)."""

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

    def has_transition_permission(self, request):
        return request.user.has_perm(workflow.PERM_TRANSITION)

    def has_schedule_permission(self, request):
        return request.user.has_perm(workflow.PERM_SCHEDULE)

    def has_assign_permission(self, request):
        return request.user.has_perm(workflow.PERM_ASSIGN)

    def has_export_permission(self, request):
        return request.user.has_perm(workflow.PERM_EXPORT)

    def _back(self, request):
        """After an action started on the detail page, return there; otherwise to the change list."""
        target = request.POST.get("_next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return None

    def _each(self, request, queryset, transition, **kwargs):
        """Apply a workflow transition to each request; say which moved and why the others were refused."""
        moved, refused = [], []
        for obj in queryset:
            try:
                transition(obj, request.user, **kwargs)
            except workflow.WorkflowError as refusal:
                refused.append(refusal.message)
            else:
                moved.append(obj.reference)
        if moved:
            listed = ", ".join(moved[:LISTED_REFERENCES]) + ("…" if len(moved) > LISTED_REFERENCES else "")
            self.message_user(request, _("Done for %(refs)s.") % {"refs": listed})
        for message in refused[:LISTED_REFUSALS]:
            self.message_user(request, message, messages.ERROR)
        if len(refused) > LISTED_REFUSALS:
            more = len(refused) - LISTED_REFUSALS
            self.message_user(request, _("%(n)s more were refused.") % {"n": more}, messages.ERROR)
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
        return exports.csv_response(ids)
