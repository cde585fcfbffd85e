"""The notification outbox, for superusers: which emails and webhooks are pending or failed, and why."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import notifications
from ..models import Notification
from .audit import SuperuserReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(SuperuserReadOnlyAdmin):
    """Read-only rows; the one action queues failed rows again once the cause (a mail outage) is fixed."""

    list_display = ["created_at", "request", "kind", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    list_select_related = ["request"]
    search_fields = ["request__reference"]
    show_full_result_count = False
    actions = ["send_again"]
    # The context holds what the email says (a coordinator's message, a visit date): not listed.
    fields = ["request", "kind", "recipients", "state", "attempts", "last_error", "created_at", "sent_at"]

    @admin.action(description=_("Send the selected failed notifications again"))
    def send_again(self, request, queryset):
        if not self.has_view_permission(request):
            return
        ids = notifications.retry_failed(queryset)
        if ids:
            self.message_user(
                request,
                ngettext("%d notification queued again.", "%d notifications queued again.", len(ids)) % len(ids),
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("None of the selected notifications had failed."), messages.WARNING)
