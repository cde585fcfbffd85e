"""Staff previews of uploaded DICOM series and slide scans: rendered by the task from S3, stored privately,
listed per series on the request page, served only to staff (audited)."""

import io

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from requests_app import series_previews, tasks
from requests_app.models import AuditLogEntry, SeriesPreview

from .factories import CompleteDraftFactory
from .preview_records import png_columns, store_series, store_slide_scan
from .staff import COORDINATOR, log_in, make_document, make_staff, make_submitted

pytestmark = pytest.mark.django_db


def detail_url(request_obj):
    return reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])


def preview_url(request_obj, preview):
    return reverse("admin:requests_app_secondopinionrequest_preview", args=[request_obj.pk, preview.pk])


@pytest.fixture
def coordinator(client):
    user = make_staff(COORDINATOR)
    log_in(client, user)
    return user


def test_task_renders_the_middle_slice_with_the_series_window_and_stores_it_privately(s3_storage, s3_client):
    request_obj = make_submitted()
    documents = store_series(request_obj, s3_client, s3_storage, count=5, WindowCenter=2048, WindowWidth=4096)

    assert tasks.render_previews(request_obj.pk) == 1

    preview = SeriesPreview.objects.get(request=request_obj)
    assert preview.series_uid == documents[0].metadata["dicom"]["series_uid"]
    assert preview.document == documents[2]  # the middle slice of five
    assert preview.detail == "window 2048/4096 from the series"
    assert preview.image_count == 5 and preview.bytes_read > 0
    assert preview.image_key.startswith(f"previews/{request_obj.public_id.hex}/")
    stored = s3_client.get_object(Bucket=s3_storage, Key=preview.image_key)
    assert stored["ServerSideEncryption"] == "AES256"
    columns = png_columns(stored["Body"].read())
    assert columns[0] < 10 and columns[-1] > 245 and np.all(np.diff(columns) >= -1)  # the ramp, dark to light


def test_running_the_task_twice_keeps_one_preview_and_renders_again_only_when_the_series_grew(s3_storage, s3_client):
    request_obj = make_submitted()
    documents = store_series(request_obj, s3_client, s3_storage, count=3)
    tasks.render_previews(request_obj.pk)
    first = SeriesPreview.objects.get(request=request_obj)

    assert tasks.render_previews(request_obj.pk) == 0
    assert SeriesPreview.objects.get(request=request_obj).image_key == first.image_key

    extra = store_series(request_obj, s3_client, s3_storage, count=2)  # another series, and one more slice:
    extra[0].metadata = documents[0].metadata
    extra[0].save()
    assert tasks.render_previews(request_obj.pk) == 2
    again = SeriesPreview.objects.get(request=request_obj, series_uid=first.series_uid)
    assert again.image_count == 4 and again.image_key != first.image_key
    listed = s3_client.list_objects_v2(Bucket=s3_storage, Prefix="previews/")["Contents"]
    assert first.image_key not in {o["Key"] for o in listed}  # the replaced image is gone
    assert SeriesPreview.objects.filter(request=request_obj).count() == 2


def test_completed_dicom_upload_queues_one_rendering_for_a_burst_of_files(
    s3_storage, s3_client, settings, django_capture_on_commit_callbacks
):
    settings.PREVIEW_DELAY_SECONDS = 30
    request_obj = make_submitted()
    documents = store_series(request_obj, s3_client, s3_storage, count=3)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for document in documents:
            series_previews.on_document_completed(document)

    assert len(callbacks) == 1  # one queued run stands for the burst (eager Celery runs it at once)
    assert SeriesPreview.objects.get(request=request_obj).image_count == 3


def test_files_not_yet_scanned_clean_are_not_read_when_scanning_is_on(s3_storage, s3_client, settings):
    settings.PREVIEW_REQUIRES_CLEAN_SCAN = True
    request_obj = make_submitted()
    for document in store_series(request_obj, s3_client, s3_storage, count=2):
        document.scan_status = "pending"  # quarantined until clamd answers
        document.save()

    assert tasks.render_previews(request_obj.pk) == 0
    assert not SeriesPreview.objects.filter(request=request_obj).exists()


def test_request_page_groups_dicom_files_by_study_and_series_with_preview(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    study = "1.2.826.0.1.3680043.8.498.1"
    axial = store_series(request_obj, s3_client, s3_storage, count=3, description="AXIAL", number=2, study_uid=study)
    store_series(request_obj, s3_client, s3_storage, count=2, description="CORONAL", number=3, study_uid=study)
    make_document(request_obj, "reports", name="pathology.pdf")
    tasks.render_previews(request_obj.pk)
    preview = SeriesPreview.objects.get(series_uid=axial[0].metadata["dicom"]["series_uid"])

    response = client.get(detail_url(request_obj))

    page = response.content.decode()
    assert page.count('data-study="') == 1 and page.count('data-series="') == 2
    rows = {s["header"]["series_description"]: s for s in response.context["studies"][0]["series"]}
    assert rows["AXIAL"]["series"].image_count == 3 and rows["CORONAL"]["series"].image_count == 2
    assert f'src="{preview_url(request_obj, preview)}"' in page
    assert "<details><summary>3 files</summary>" in page
    assert "pathology.pdf" in page and "Documents (6)" in page


def test_staff_view_of_a_preview_serves_the_png_and_is_audited(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    store_series(request_obj, s3_client, s3_storage, count=3)
    tasks.render_previews(request_obj.pk)
    preview = SeriesPreview.objects.get(request=request_obj)

    response = client.get(preview_url(request_obj, preview))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and "no-store" in response["Cache-Control"]
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.VIEW_PREVIEW)
    assert (entry.user, entry.request, entry.document) == (coordinator, request_obj, preview.document)


def test_preview_is_refused_to_non_staff_and_through_another_request(client, s3_storage, s3_client):
    request_obj, other = make_submitted(), make_submitted()
    store_series(request_obj, s3_client, s3_storage, count=2)
    tasks.render_previews(request_obj.pk)
    preview = SeriesPreview.objects.get(request=request_obj)

    anonymous = client.get(preview_url(request_obj, preview))
    client.force_login(User.objects.create_user("parent", password="x"))  # an account, but not staff
    family = client.get(preview_url(request_obj, preview))
    log_in(client, make_staff(COORDINATOR))
    crossed = client.get(preview_url(other, preview))
    read_only_without_documents = make_staff(group=None)
    log_in(client, read_only_without_documents)
    no_permission = client.get(preview_url(request_obj, preview))

    assert anonymous.status_code == family.status_code == 302 and "/login/" in family["Location"]
    assert crossed.status_code == 404
    assert no_permission.status_code in (403, 404)
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VIEW_PREVIEW).exists()


def test_undecodable_series_shows_why_in_words(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    for document in store_series(request_obj, s3_client, s3_storage, count=2):
        s3_client.put_object(Bucket=s3_storage, Key=document.storage_key, Body=b"\0" * document.stored_size)
    tasks.render_previews(request_obj.pk)

    page = client.get(detail_url(request_obj)).content.decode()

    assert SeriesPreview.objects.get(request=request_obj).image_key == ""
    assert "No image in series" in page


def test_slide_scan_gets_its_embedded_thumbnail_shown_beside_the_file(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    document = store_slide_scan(request_obj, s3_client, s3_storage)

    assert tasks.render_previews(request_obj.pk) == 1

    preview = SeriesPreview.objects.get(request=request_obj)
    assert (preview.series_uid, preview.document, preview.detail) == ("", document, "thumbnail")
    png = client.get(preview_url(request_obj, preview)).content
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert np.abs(image[50, 20] - (200, 30, 30)).max() <= 8  # red on the left, blue on the right
    assert np.abs(image[50, -20] - (30, 30, 200)).max() <= 8
    page = client.get(detail_url(request_obj)).content.decode()
    assert f'src="{preview_url(request_obj, preview)}"' in page


def test_draft_files_are_not_previewed(s3_storage, s3_client, django_capture_on_commit_callbacks):
    draft = CompleteDraftFactory()
    documents = store_series(draft, s3_client, s3_storage, count=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        series_previews.on_document_completed(documents[0])

    assert callbacks == [] and tasks.render_previews(draft.pk) == 0
    assert not SeriesPreview.objects.exists()


def test_opening_a_request_with_series_not_yet_previewed_renders_them(
    client, coordinator, s3_storage, s3_client, django_capture_on_commit_callbacks
):
    request_obj = make_submitted()
    store_series(request_obj, s3_client, s3_storage, count=3)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(detail_url(request_obj)).content.decode()

    assert "Preview not rendered yet" in first
    preview = SeriesPreview.objects.get(request=request_obj)  # queued by the page, run by eager Celery
    assert f'src="{preview_url(request_obj, preview)}"' in client.get(detail_url(request_obj)).content.decode()


def test_preview_whose_image_is_gone_from_storage_is_not_found_not_an_error(client, coordinator, s3_storage, s3_client):
    request_obj = make_submitted()
    store_series(request_obj, s3_client, s3_storage, count=2)
    tasks.render_previews(request_obj.pk)
    preview = SeriesPreview.objects.get(request=request_obj)
    s3_client.delete_object(Bucket=s3_storage, Key=preview.image_key)

    assert client.get(preview_url(request_obj, preview)).status_code == 404


def test_request_page_queries_do_not_grow_with_series(client, coordinator, django_assert_num_queries):
    def request_with_series(count):
        request_obj = make_submitted()
        for n in range(count):
            header = {"modality": "CT", "series_uid": f"1.2.3.{n}", "study_uid": "1.2.3", "series_number": str(n)}
            files = [make_document(request_obj, metadata={"dicom": header}) for _ in range(3)]
            SeriesPreview.objects.create(
                request=request_obj, series_uid=header["series_uid"], document=files[1], image_key="k", image_count=3
            )
        return request_obj

    small, big = request_with_series(1), request_with_series(12)
    client.get(detail_url(small))  # the session's first page saves it once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(small)).status_code == 200
    with django_assert_num_queries(len(queries)):
        page = client.get(detail_url(big)).content.decode()
    assert page.count('data-series="') == 12
