"""The staff queue dashboard: counts, business-day waiting against the target, charts, audit, fixed queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.admin import dashboard
from requests_app.models import AuditLogEntry, SecondOpinionRequest, Status, StatusChange

from .factories import CompleteDraftFactory, SubmittedRequestFactory
from .staff import COORDINATOR, make_staff, make_submitted

pytestmark = pytest.mark.django_db
DASHBOARD = "/staff/requests_app/request/dashboard/"
EASTERN = ZoneInfo("America/New_York")


@pytest.fixture
def coordinator(client):
    user = make_staff(COORDINATOR, username="cora")
    client.force_login(user)
    return user


def at(*args):
    return datetime.datetime(*args, tzinfo=EASTERN)


def test_dashboard_counts_by_status_cancer_type_and_assignee_and_opening_it_is_audited(client, coordinator):
    make_submitted(cancer_category="leukemia", assigned_to=coordinator)
    make_submitted(cancer_category="leukemia", status=Status.IN_REVIEW)
    make_submitted(cancer_category="brain_cns", status=Status.SCHEDULED, assigned_to=coordinator)
    make_submitted(cancer_category="brain_cns", status=Status.COMPLETED)
    CompleteDraftFactory(cancer_category="leukemia")

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    statuses = dict(response.context["status_counts"])
    assert (statuses["Submitted"], statuses["In review"], statuses["Scheduled"], statuses["Completed"]) == (1, 1, 1, 1)
    assert "Draft" not in statuses
    assert response.context["waiting"] == 2
    by_type = dict(response.context["by_cancer_type"])
    assert by_type["Leukemia"] == 2 and by_type["Brain or spinal cord (CNS) tumor"] == 1  # completed ones are not open
    assert dict(response.context["by_assignee"]) == {"cora": 2, "Nobody yet": 1}
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.VIEW_DASHBOARD)
    assert entry.user == coordinator and entry.request is None
    assert (
        reverse("admin:requests_app_secondopinionrequest_dashboard")
        in client.get(reverse("admin:requests_app_secondopinionrequest_changelist")).content.decode()
    )


@pytest.mark.parametrize(
    ("now", "waited", "overdue"),
    [
        (at(2026, 7, 6, 12), 2, False),  # Friday the 3rd is the observed July 4th; the weekend does not count
        (at(2026, 7, 8, 12), 4, False),  # a week of calendar days, four business days
        (at(2026, 7, 9, 9), 5, False),
        (at(2026, 7, 9, 11), 5, True),  # the fifth business day after Wednesday the 1st, 10:00, has passed
    ],
)
def test_overdue_counts_business_days_across_a_weekend_and_a_holiday(now, waited, overdue, settings):
    settings.INTAKE_TARGET_BUSINESS_DAYS = 5
    request_obj = SubmittedRequestFactory(submitted_at=at(2026, 7, 1, 10))

    rows, waiting, overdue_total = dashboard.queue(now, 5)

    (row,) = rows
    assert row.request == request_obj and row.due == at(2026, 7, 9, 10)
    assert (row.waited, row.overdue, waiting, overdue_total) == (waited, overdue, 1, int(overdue))


def test_overdue_request_is_labelled_in_words_not_only_by_colour(client, coordinator):
    late = make_submitted(submitted_at=at(2026, 1, 2, 9))
    fresh = make_submitted()

    page = client.get(DASHBOARD).content.decode()

    late_row = page[page.index(f'data-queue-row="{late.reference}"') :].split("</tr>")[0]
    fresh_row = page[page.index(f'data-queue-row="{fresh.reference}"') :].split("</tr>")[0]
    assert "⚠ Overdue" in late_row and "Overdue" not in fresh_row
    assert page.index(late.reference) < page.index(fresh.reference)  # oldest first


def test_charts_show_weekly_submissions_and_time_to_scheduling_with_text_alternatives(client, coordinator):
    now = datetime.datetime.now(EASTERN)
    for weeks_ago in (0, 0, 3):
        make_submitted(submitted_at=now - datetime.timedelta(weeks=weeks_ago))
    scheduled = make_submitted(submitted_at=now - datetime.timedelta(weeks=30), status=Status.SCHEDULED)
    change = StatusChange.objects.create(request=scheduled, from_status="in_review", to_status="scheduled")
    StatusChange.objects.filter(pk=change.pk).update(changed_at=scheduled.submitted_at + datetime.timedelta(days=14))

    response = client.get(DASHBOARD)

    weekly = [bar.value for bar in response.context["weekly"]]
    assert len(weekly) == 26 and weekly[-1] == 2 and weekly[-4] == 1 and sum(weekly) == 3
    assert [bar.value for bar in response.context["histogram"]] == [0, 0, 1, 0, 0, 0]  # 10 business days
    page = response.content.decode()
    assert '<svg id="weekly-chart"' in page and 'role="img"' in page
    assert "3 requests in 26 weeks; the busiest week had 2." in page
    assert "1 request scheduled; 0 within the target of 5 business days." in page


def _query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_requests(client, coordinator, django_assert_num_queries):
    statuses = [Status.SUBMITTED, Status.IN_REVIEW, Status.SCHEDULED, Status.COMPLETED]
    colleagues = [coordinator, make_staff(COORDINATOR)]

    def add(n):
        built = SubmittedRequestFactory.build_batch(n)
        for i, r in enumerate(built):
            r.status, r.assigned_to = statuses[i % 4], colleagues[i % 2] if i % 3 else None
            r.submitted_at = datetime.datetime.now(EASTERN) - datetime.timedelta(days=i % 200)
        created = SecondOpinionRequest.objects.bulk_create(built)
        StatusChange.objects.bulk_create(
            [StatusChange(request=r, from_status="in_review", to_status="scheduled") for r in created[::4]]
        )

    add(10)
    few = _query_count(client)
    add(990)
    assert SecondOpinionRequest.objects.count() == 1000
    with django_assert_num_queries(few):
        assert client.get(DASHBOARD).status_code == 200
