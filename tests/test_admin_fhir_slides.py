"""The request page's FHIR download and mailed-slides tracking: links, "received" marks, permissions, audit."""

import json

import pytest
from django.urls import reverse

from requests_app.models import AuditLogEntry, SlidesReceipt, Status

from .fhir_checks import resource_types, validated
from .staff import COORDINATOR, READ_ONLY, SCHEDULER, make_document, make_staff, make_submitted

pytestmark = pytest.mark.django_db


def detail_url(request_obj):
    return reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])


def fhir_url(request_obj):
    return reverse("admin:requests_app_secondopinionrequest_fhir", args=[request_obj.pk])


def received_url(request_obj):
    return reverse("admin:requests_app_secondopinionrequest_slides_received", args=[request_obj.pk])


def test_coordinator_downloads_the_request_as_a_valid_fhir_bundle_and_it_is_audited(client):
    coordinator = make_staff(COORDINATOR)
    client.force_login(coordinator)
    request_obj = make_submitted(physician_npi="")
    make_document(
        request_obj, "scans", metadata={"dicom": {"modality": "CT", "study_uid": "1.2.3", "series_uid": "1.2.3.4"}}
    )

    assert "data-fhir-export" in client.get(detail_url(request_obj)).content.decode()
    response = client.get(fhir_url(request_obj))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == f'attachment; filename="{request_obj.reference}-fhir.json"'
    bundle = json.loads(response.content)
    validated(bundle)
    types = set(resource_types(bundle))
    assert {"Patient", "RelatedPerson", "Condition", "ServiceRequest", "DocumentReference", "ImagingStudy"} <= types
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.EXPORT_FHIR)
    assert (entry.user, entry.request) == (coordinator, request_obj)


@pytest.mark.parametrize("group", [READ_ONLY, SCHEDULER])
def test_staff_without_export_permission_get_no_fhir_button_and_are_refused(client, group):
    client.force_login(make_staff(group))
    request_obj = make_submitted()

    assert "data-fhir-export" not in client.get(detail_url(request_obj)).content.decode()
    assert client.get(fhir_url(request_obj)).status_code == 403
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORT_FHIR).exists()


def test_anyone_not_logged_in_as_staff_is_sent_to_the_login_page_for_the_fhir_bundle(client):
    response = client.get(fhir_url(make_submitted()))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_tracking_number_in_a_carriers_format_links_to_its_tracking_page(client):
    client.force_login(make_staff(READ_ONLY))
    request_obj = make_submitted(slides_availability="mailed", slides_tracking_number="1Z 999 AA1 01 2345 6784")

    page = client.get(detail_url(request_obj)).content.decode()

    assert (
        '<a href="https://www.ups.com/track?tracknum=1Z999AA10123456784" rel="noopener noreferrer" '
        'target="_blank">1Z 999 AA1 01 2345 6784</a> (UPS)'
    ) in page
    assert "data-mark-slides-received" not in page  # read-only staff cannot mark them


def test_tracking_number_in_no_known_format_is_shown_as_text(client):
    client.force_login(make_staff(COORDINATOR))
    request_obj = make_submitted(slides_availability="mailed", slides_tracking_number="<b>javascript:x</b>")

    page = client.get(detail_url(request_obj)).content.decode()

    tracking = page[page.index("data-tracking>") :].split("</dd>")[0]
    assert "<a " not in tracking and "&lt;b&gt;javascript:x&lt;/b&gt;" in tracking


def test_staff_mark_slides_received_once_without_a_status_change_and_it_is_audited(client):
    scheduler = make_staff(SCHEDULER, username="sam")
    client.force_login(scheduler)
    request_obj = make_submitted(status=Status.IN_REVIEW, slides_availability="mailed", slides_tracking_number="x")
    assert "data-mark-slides-received" in client.get(detail_url(request_obj)).content.decode()

    first = client.post(received_url(request_obj))
    second = client.post(received_url(request_obj))

    assert first.status_code == second.status_code == 302
    receipt = SlidesReceipt.objects.get(request=request_obj)
    assert receipt.received_by == scheduler
    request_obj.refresh_from_db()
    assert request_obj.status == Status.IN_REVIEW and not request_obj.status_changes.exists()
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.SLIDES_RECEIVED, request=request_obj).count() == 1
    page = client.get(detail_url(request_obj)).content.decode()
    received = page[page.index("data-slides-received>") :].split("</dd>")[0]
    assert "Received" in received and "marked by sam" in received
    assert "data-mark-slides-received" not in page


def test_read_only_staff_cannot_mark_slides_received(client):
    client.force_login(make_staff(READ_ONLY))
    request_obj = make_submitted(slides_availability="mailed")

    assert client.post(received_url(request_obj)).status_code == 403
    assert client.get(received_url(request_obj)).status_code == 405
    assert not SlidesReceipt.objects.exists()
