"""The intake queue at a glance (/staff/requests_app/request/dashboard/): who waits, for how long, against
what target, and two charts. A fixed number of queries however many requests there are; opening it is audited.

Waiting means submitted and not yet scheduled. The target is INTAKE_TARGET_BUSINESS_DAYS business days from
submission to scheduled (weekends and US federal holidays do not count: requests_app/business_days.py).
"""

import datetime
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.db.models.functions import TruncWeek
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..business_days import business_days_between, due_date, local_date
from ..models import OPEN_STATUSES, AuditLogEntry, CancerCategory, SecondOpinionRequest, Status, StatusChange
from . import audit
from .charts import Bar, bar_chart

WAITING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.AWAITING_RECORDS)
#: The queue table lists the oldest this many; counts and overdue totals cover every waiting request.
QUEUE_ROWS = 200
WEEKS = 26
#: Histogram buckets of business days from submission to scheduled: (first, last), last None for "and more".
SCHEDULING_BUCKETS = [(0, 2), (3, 5), (6, 10), (11, 15), (16, 20), (21, None)]


def urls(model_admin):
    view = model_admin.admin_site.admin_view(partial(dashboard_view, model_admin))
    return [path("dashboard/", view, name="requests_app_secondopinionrequest_dashboard")]


@dataclass(frozen=True)
class WaitingRow:
    request: SecondOpinionRequest
    waited: int  # business days since submission
    due: datetime.datetime
    overdue: bool


def is_overdue(submitted_at, now, target):
    """Past the target: later than ``target`` business days after submission (same local time of day)."""
    return now > due_date(submitted_at, target)


def waiting_queryset():
    return SecondOpinionRequest.objects.filter(status__in=WAITING_STATUSES, submitted_at__isnull=False)


def queue(now, target):
    """(the oldest waiting requests as rows, how many wait in all, how many of those are overdue)."""
    oldest = waiting_queryset().select_related("assigned_to").order_by("submitted_at", "pk")[:QUEUE_ROWS]
    rows = []
    for r in oldest:
        due = due_date(r.submitted_at, target)
        rows.append(WaitingRow(r, business_days_between(r.submitted_at, now), due, now > due))
    submitted = list(waiting_queryset().values_list("submitted_at", flat=True))
    return rows, len(submitted), sum(is_overdue(s, now, target) for s in submitted)


def status_counts():
    counts = dict(SecondOpinionRequest.objects.submitted().values_list("status").annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in Status.choices if value != Status.DRAFT]


def open_counts_by(field, labels=None):
    """Open requests counted by one field, largest first; ``labels`` turns stored values into words."""
    rows = (
        SecondOpinionRequest.objects.filter(status__in=OPEN_STATUSES, submitted_at__isnull=False)
        .values_list(field)
        .annotate(n=Count("pk"))
        .order_by("-n", field)
    )
    return [((labels or {}).get(value, value) or _("Not given"), n) for value, n in rows]


def weekly_submissions(now, weeks=WEEKS):
    """Submissions per week (weeks starting Monday, local time) for the last ``weeks`` weeks, oldest first."""
    zone = ZoneInfo(settings.TIME_ZONE)
    this_monday = local_date(now) - datetime.timedelta(days=local_date(now).weekday())
    mondays = [this_monday - datetime.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    since = datetime.datetime.combine(mondays[0], datetime.time(), tzinfo=zone)
    counts = dict(
        SecondOpinionRequest.objects.filter(submitted_at__gte=since)
        .annotate(week=TruncWeek("submitted_at", tzinfo=zone))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_day = {local_date(week): n for week, n in counts.items()}
    return [Bar(monday.strftime("%b %-d"), by_day.get(monday, 0)) for monday in mondays]


def scheduling_times():
    """Business days from submission to the first "scheduled", for every request ever scheduled."""
    firsts = (
        StatusChange.objects.filter(to_status=Status.SCHEDULED, request__submitted_at__isnull=False)
        .values("request_id", "request__submitted_at")
        .annotate(first=Min("changed_at"))
        .order_by()
    )
    return [business_days_between(row["request__submitted_at"], row["first"]) for row in firsts]


def scheduling_histogram(days):
    bars = []
    for first, last in SCHEDULING_BUCKETS:
        label = f"{first}–{last}" if last is not None else f"{first}+"
        bars.append(Bar(label, sum(1 for d in days if d >= first and (last is None or d <= last))))
    return bars


def dashboard_context(now):
    target = settings.INTAKE_TARGET_BUSINESS_DAYS
    rows, waiting, overdue = queue(now, target)
    return {
        "target": target,
        "rows": rows,
        "waiting": waiting,
        "overdue": overdue,
        "status_counts": status_counts(),
        "by_cancer_type": open_counts_by("cancer_category", dict(CancerCategory.choices)),
        "by_assignee": open_counts_by("assigned_to__username", {None: _("Nobody yet")}),
        **charts_context(now, target),
    }


def charts_context(now, target):
    """The two charts, their numbers for the tables beneath, and a sentence each for screen readers."""
    weekly = weekly_submissions(now)
    total = sum(b.value for b in weekly)
    days = scheduling_times()
    histogram = scheduling_histogram(days)
    weekly_text = ngettext(
        "%(total)s request in %(n)s weeks; the busiest week had %(max)s.",
        "%(total)s requests in %(n)s weeks; the busiest week had %(max)s.",
        total,
    ) % {"total": total, "n": WEEKS, "max": max(b.value for b in weekly)}
    scheduling_text = ngettext(
        "%(n)s request scheduled; %(within)s within the target of %(target)s business days.",
        "%(n)s requests scheduled; %(within)s within the target of %(target)s business days.",
        len(days),
    ) % {"n": len(days), "within": sum(1 for d in days if d <= target), "target": target}
    weekly_title = _("Requests submitted per week, last %(n)s weeks") % {"n": WEEKS}
    return {
        "weekly": weekly,
        "weekly_chart": bar_chart("weekly-chart", weekly_title, weekly_text, weekly, label_every=4),
        "histogram": histogram,
        "histogram_chart": bar_chart(
            "scheduling-chart", _("Business days from submission to scheduled"), scheduling_text, histogram
        ),
    }


def dashboard_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    audit.record_access(request, AuditLogEntry.Action.VIEW_DASHBOARD)
    context = {
        **model_admin.admin_site.each_context(request),
        **dashboard_context(timezone.now()),
        "title": _("Queue dashboard"),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/requests_app/secondopinionrequest/dashboard.html", context)
