"""The staff CSV export of submitted requests: every answer, in the order and grouping of the review page."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from . import intake
from .models import SecondOpinionRequest

#: Characters that make a spreadsheet program read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

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
                *[csv_safe(intake.display_value(req, name, form_field)) for _header, name, form_field in columns],
            ]
        )


def csv_safe(value):
    """Answers are typed by the public: keep spreadsheet programs from running them as formulas."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_PREFIXES else text


def csv_response(request_ids):
    """A streamed CSV download of these requests, newest submitted first."""
    rows = (
        SecondOpinionRequest.objects.filter(pk__in=request_ids).select_related("assigned_to").order_by("-submitted_at")
    )
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.csv"'
    return response
