"""The coordinator's admin pages: change list, search, filters, detail page, downloads, notes, export, audit."""

import csv
import io
import urllib.request

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import AuditLogEntry, Document, InternalNote, Status, StatusChange

from .factories import CompleteDraftFactory, SubmittedRequestFactory
from .staff import COORDINATOR, log_in, make_document, make_staff, make_submitted

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"


def detail_url(request_obj):
    return reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])


@pytest.fixture
def coordinator(client):
    user = make_staff(COORDINATOR)
    log_in(client, user)
    return user


def test_coordinator_lands_on_the_request_list_newest_submitted_first(client, coordinator):
    older = make_submitted(child_first_name="Older", documents=2)
    newer = make_submitted(child_first_name="Newer")
    CompleteDraftFactory(child_first_name="Drafty")
    response = client.get("/staff/", follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    page = response.content.decode()
    assert page.index(newer.reference) < page.index(older.reference)
    assert "Drafty" not in page  # drafts are the family's, not yet the center's
    for header in ["Reference", "Child (age), cancer type", "Urgency", "Status", "Days waiting", "Documents"]:
        assert header in page
    row = next(r for r in response.context["cl"].result_list if r.pk == older.pk)
    assert row.documents_count == 2


def test_change_list_filters_by_urgency_status_and_my_requests(client, coordinator):
    urgent = make_submitted(urgency="urgent", assigned_to=coordinator)
    routine = make_submitted(urgency="routine", status=Status.IN_REVIEW)
    listed = lambda query: {r.pk for r in client.get(CHANGELIST + query).context["cl"].result_list}  # noqa: E731
    assert listed("?urgency__exact=urgent") == {urgent.pk}
    assert listed("?status=in_review") == {routine.pk}
    assert listed("?assigned=me") == {urgent.pk}
    assert listed("?assigned=none") == {routine.pk}
    assert 'href="?assigned=me"' in client.get(CHANGELIST).content.decode()  # the "My requests" shortcut


def test_missing_records_mark_and_filter(client, coordinator):
    available = {f"{c}_availability": "uploaded" for c in ["scans", "slides", "reports", "treatment_plan"]}
    missing = make_submitted(**{**available, "scans_availability": "not_available"})
    complete = make_submitted(**available)
    page = client.get(CHANGELIST).content.decode()
    assert page.count('class="missing-records"') == 1
    listed = {r.pk for r in client.get(CHANGELIST + "?missing_records=yes").context["cl"].result_list}
    assert listed == {missing.pk}
    listed = {r.pk for r in client.get(CHANGELIST + "?missing_records=no").context["cl"].result_list}
    assert listed == {complete.pk}


@pytest.mark.parametrize(
    "term",
    ["Zoltan", "zolt", "Zoltan Quill", "SO-T", "parent.quill@example.com", "302-555-7788", "Dr. Vance", "Hatter"],
)
def test_search_finds_by_reference_child_guardian_and_physician(client, coordinator, term):
    wanted = SubmittedRequestFactory(
        child_first_name="Zoltan",
        child_last_name="Quill",
        guardian_name="Mad Hatter",
        guardian_email="parent.quill@example.com",
        guardian_phone="+13025557788",
        current_physician_name="Dr. Vance",
    )
    other = SubmittedRequestFactory(child_first_name="Bea", child_last_name="Other", reference="XX-0000-0000")
    listed = {r.pk for r in client.get(CHANGELIST, {"q": term}).context["cl"].result_list}
    assert wanted.pk in listed
    assert other.pk not in listed


def test_detail_page_shows_answers_grouped_by_step_documents_history_and_notes(client, coordinator):
    request_obj = make_submitted(documents=1, history=1, notes=1, diagnosis_text="Medulloblastoma, group 4")
    response = client.get(detail_url(request_obj))
    page = response.content.decode()
    assert response.status_code == 200
    for step_title in ["The child", "Diagnosis", "Why a second opinion", "Consent"]:
        assert f">{step_title}</h2>" in page
    assert "Medulloblastoma, group 4" in page
    assert "IMG0000.dcm" in page and "CT · 2026-01-05 · CHEST" in page and "Clean" in page
    assert "Called the family (0)" in page
    assert "In review" in page
    assert response["Cache-Control"].startswith("no-store")


def test_every_detail_view_is_audited_with_who_and_where(client, coordinator):
    request_obj = make_submitted()
    client.get(detail_url(request_obj), REMOTE_ADDR="10.1.2.3")
    client.get(detail_url(request_obj), REMOTE_ADDR="10.1.2.3")
    entries = AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VIEW_REQUEST)
    assert entries.count() == 2
    assert {(e.user, e.request, e.ip_address) for e in entries} == {(coordinator, request_obj, "10.1.2.3")}


def test_audit_log_rows_cannot_be_changed_or_deleted_in_the_database(coordinator):
    from django.db import DatabaseError, transaction

    entry = AuditLogEntry.objects.create(user=coordinator, action=AuditLogEntry.Action.EXPORT)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(ip_address="127.0.0.1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).delete()
    assert AuditLogEntry.objects.filter(pk=entry.pk, ip_address=None).exists()


def test_local_download_streams_the_file_and_is_audited(client, coordinator, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    request_obj = make_submitted()
    document = make_document(request_obj, "reports", name="pathology.pdf", size=9)
    target = tmp_path / document.storage_key
    target.parent.mkdir(parents=True)
    target.write_bytes(b"%PDF-1.7\n")
    url = reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
    response = client.get(url, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"
    # A neutral name, never the family's (test_canonical_names.py); the detail page shows theirs.
    assert f'filename="reports-{document.public_id.hex[:8]}.pdf"' in response["Content-Disposition"]
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.DOWNLOAD_DOCUMENT)
    assert (entry.user, entry.request, entry.document, entry.ip_address) == (
        coordinator,
        request_obj,
        document,
        "10.9.8.7",
    )


def test_s3_download_redirects_to_a_presigned_link_valid_for_minutes(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    document = make_document(request_obj, "scans", name="CT001.dcm", size=132)
    s3_client.put_object(Bucket=s3_storage, Key=document.storage_key, Body=b"\0" * 128 + b"DICM")
    response = client.get(
        reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
    )
    assert response.status_code == 302
    assert "X-Amz-Expires=120" in response.url and "X-Amz-Signature=" in response.url
    with urllib.request.urlopen(response.url) as fetched:  # noqa: S310 (the test S3 server)
        assert fetched.read() == b"\0" * 128 + b"DICM"
        assert f"scans-{document.public_id.hex[:8]}.dcm" in fetched.headers["Content-Disposition"]
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.DOWNLOAD_DOCUMENT, document=document).exists()


def test_a_pending_or_other_requests_document_cannot_be_downloaded(client, coordinator):
    request_obj = make_submitted()
    other = make_submitted()
    pending = make_document(request_obj, status="pending")
    foreign = make_document(other)
    for document in [pending, foreign]:
        url = reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
        assert client.get(url).status_code == 404
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.DOWNLOAD_DOCUMENT).exists()


def test_coordinator_adds_an_internal_note(client, coordinator):
    request_obj = make_submitted()
    response = client.post(
        reverse("admin:requests_app_secondopinionrequest_add_note", args=[request_obj.pk]), {"body": "Call Tue"}
    )
    assert response.status_code == 302
    note = InternalNote.objects.get(request=request_obj)
    assert (note.body, note.author) == ("Call Tue", coordinator)
    assert "Call Tue" in client.get(detail_url(request_obj)).content.decode()


def test_bulk_start_review_moves_legal_ones_and_refuses_illegal_ones_with_a_message(client, coordinator):
    submitted = make_submitted()
    completed = make_submitted(status=Status.COMPLETED)
    response = client.post(
        CHANGELIST,
        {"action": "start_review", "_selected_action": [submitted.pk, completed.pk], "index": 0},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(submitted.reference in m and m.startswith("Done") for m in shown)
    assert any(completed.reference in m and "not possible" in m for m in shown)
    submitted.refresh_from_db()
    completed.refresh_from_db()
    assert (submitted.status, completed.status) == (Status.IN_REVIEW, Status.COMPLETED)


def test_ask_for_records_shows_a_form_then_records_the_request(client, coordinator):
    request_obj = make_submitted(status=Status.IN_REVIEW)
    first = client.post(CHANGELIST, {"action": "request_records", "_selected_action": [request_obj.pk]})
    assert first.status_code == 200
    assert "Which records are missing?" in first.content.decode()
    incomplete = client.post(
        CHANGELIST, {"action": "request_records", "_selected_action": [request_obj.pk], "apply": "1", "message": "x"}
    )
    assert "Choose at least one kind of record" in incomplete.content.decode()
    done = client.post(
        CHANGELIST,
        {
            "action": "request_records",
            "_selected_action": [request_obj.pk],
            "apply": "1",
            "categories": ["scans"],
            "message": "Please send the CT from May.",
            "_next": detail_url(request_obj),
        },
    )
    assert done.status_code == 302 and done.url == detail_url(request_obj)
    request_obj.refresh_from_db()
    assert request_obj.status == Status.AWAITING_RECORDS
    assert request_obj.records_requests.get().message == "Please send the CT from May."


def test_mark_scheduled_with_date_time_and_format(client, coordinator):
    request_obj = make_submitted(status=Status.IN_REVIEW)
    client.post(
        CHANGELIST,
        {
            "action": "schedule",
            "_selected_action": [request_obj.pk],
            "apply": "1",
            "date": "2099-03-03",
            "time": "10:30",
            "visit_format": "telephone",
        },
    )
    request_obj.refresh_from_db()
    assert request_obj.status == Status.SCHEDULED
    assert request_obj.visit_format == "telephone"
    assert request_obj.visit_scheduled_for.year == 2099


def test_assign_and_assign_to_me(client, coordinator):
    colleague = make_staff(COORDINATOR)
    first, second = make_submitted(), make_submitted()
    client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [first.pk], "index": 0})
    client.post(
        CHANGELIST, {"action": "assign", "_selected_action": [second.pk], "apply": "1", "assignee": colleague.pk}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assigned_to, second.assigned_to) == (coordinator, colleague)


def test_status_is_never_edited_directly(client, coordinator):
    request_obj = make_submitted()
    response = client.post(detail_url(request_obj), {"status": Status.COMPLETED})
    request_obj.refresh_from_db()
    assert request_obj.status == Status.SUBMITTED
    assert not StatusChange.objects.exists()
    assert response.status_code in (200, 403, 405)


def test_csv_export_has_every_answer_and_is_audited(client, coordinator):
    first = make_submitted(child_first_name="Ana", diagnosis_text="=cmd|' /C calc'!A0")
    second = make_submitted(child_first_name="Ben")
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [first.pk, second.pk], "index": 0})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_reference = {row["Reference"]: row for row in rows}
    assert set(by_reference) == {first.reference, second.reference}
    assert by_reference[first.reference]["The child: Child's legal first name"] == "Ana"
    assert by_reference[first.reference]["Diagnosis: Type of cancer"] == "Leukemia"
    assert by_reference[first.reference]["Diagnosis: Diagnosis, as written by the treating team"].startswith("'=")
    assert any(header.startswith("Why a second opinion: ") for header in rows[0])
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORT).count() == 2


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_change_list_queries_do_not_grow_with_requests_or_documents(client, coordinator):
    for _ in range(5):
        make_submitted(documents=1, history=1, notes=1, assigned_to=coordinator)
    few = _query_count(client, CHANGELIST)
    few_filtered = _query_count(client, CHANGELIST + "?urgency__exact=soon&q=a")
    colleagues = [make_staff(COORDINATOR) for _ in range(3)]
    for i in range(195):
        make_submitted(documents=2, history=1, notes=1, assigned_to=colleagues[i % 3])
    assert _query_count(client, CHANGELIST) == few
    assert _query_count(client, CHANGELIST + "?urgency__exact=soon&q=a") == few_filtered


def test_detail_page_queries_do_not_grow_with_documents_history_or_notes(client, coordinator):
    small = make_submitted(documents=5, history=5, notes=5)
    big = make_submitted(documents=0, history=0, notes=0)
    Document.objects.bulk_create(
        [
            Document(
                request=big,
                category="scans",
                original_name=f"{i}.dcm",
                declared_size=1,
                storage_key=f"k/{i}",
                status="uploaded",
            )
            for i in range(200)
        ]
    )
    StatusChange.objects.bulk_create(
        [StatusChange(request=big, from_status="submitted", to_status="in_review") for _ in range(200)]
    )
    InternalNote.objects.bulk_create([InternalNote(request=big, body=f"n{i}") for i in range(200)])
    big.records_requests.create(categories=["scans"], message="m")
    assert _query_count(client, detail_url(small)) == _query_count(client, detail_url(big))
