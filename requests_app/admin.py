"""Intake staff's admin. The full review tooling (list columns, workflow actions, audit) is issue #5."""

from django.contrib import admin

from .models import Request


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "urgency", "submitter_role", "submitted_at"]
    list_filter = ["status", "urgency", "submitter_role"]
    search_fields = ["reference"]
    readonly_fields = ["status"]
