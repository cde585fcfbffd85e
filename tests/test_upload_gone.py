"""An upload whose multipart upload storage has aborted (the bucket's lifecycle rule, or the clean-up)
is reported gone, so the client starts the same file over; and the lifecycle rule outlives drafts.

S3: moto's server, the upload aborted behind the portal's back with boto3. Local: the staging folder
removed, as the clean-up does.
"""

import json

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.test import Client

from requests_app import uploads
from requests_app.checks import multipart_lifetime_outlives_drafts
from requests_app.models import Document, DocumentStatus

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .upload_client import Uploader, store_records_locally
from .upload_samples import MiB, dicom_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["s3", "local"])
def backend(request, settings, tmp_path):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    else:
        store_records_locally(settings, tmp_path)
    return request.param


@pytest.fixture
def uploader(db):
    return Uploader(open_draft(Client(), CompleteDraftFactory()))


def abort_behind_the_portals_back(backend, request, document):
    stored = Document.objects.get(public_id=document["id"])
    if backend == "s3":
        s3_client = request.getfixturevalue("s3_client")
        s3_client.abort_multipart_upload(
            Bucket=request.getfixturevalue("s3_storage"),
            Key=uploads.get_backend().object_key(stored.storage_key),
            UploadId=stored.multipart_upload_id,
        )
    else:
        uploads.get_backend().abort(stored.storage_key, stored.multipart_upload_id)


def test_parts_endpoint_says_gone_once_storage_aborted_the_upload_and_the_same_file_starts_again(
    backend, request, uploader
):
    data = dicom_bytes(6 * MiB)  # two parts
    document = uploader.start("IM0001", data).json()
    uploader.send_parts(document, data, numbers=[1])
    abort_behind_the_portals_back(backend, request, document)

    response = uploader.client.get(document["parts_url"])

    assert response.status_code == 410
    assert response.json()["status"] == "gone"
    assert Document.objects.get(public_id=document["id"]).status == DocumentStatus.REMOVED
    assert Document.objects.live().count() == 0  # its place is free for the fresh upload
    again = uploader.start("IM0001", data)
    assert again.status_code == 201
    uploader.send_parts(again.json(), data)
    assert uploader.complete(again.json()).json()["status"] == "uploaded"


def test_completing_an_upload_storage_already_aborted_says_it_is_gone(backend, request, uploader):
    document = uploader.start("scan.dcm", dicom_bytes()).json()
    abort_behind_the_portals_back(backend, request, document)

    response = uploader.complete(document)

    assert response.status_code == 410 and response.json()["status"] == "gone"
    assert Document.objects.get(public_id=document["id"]).status == DocumentStatus.REMOVED


def test_a_live_upload_still_answers_pending_with_its_stored_parts(backend, uploader):
    data = dicom_bytes(6 * MiB)
    document = uploader.start("IM0002", data).json()
    uploader.send_parts(document, data, numbers=[1])

    response = uploader.client.get(document["parts_url"])

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert [p["number"] for p in response.json()["stored"]] == [1]


# --- the bucket's lifecycle rule and the drafts' lifetime agree ----------------------------------


def test_configure_bucket_aborts_unfinished_uploads_only_after_drafts_are_cleaned_up(s3, s3_client, settings):
    settings.SITE_URL = "https://portal.example.org"
    call_command("configure_bucket")

    rule = s3_client.get_bucket_lifecycle_configuration(Bucket=s3)["Rules"][0]
    days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
    assert days == settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS > settings.ABANDONED_DRAFT_DAYS


def test_configure_bucket_refuses_a_lifecycle_shorter_than_a_drafts_life(s3, settings):
    settings.ABANDONED_DRAFT_DAYS = 30
    with pytest.raises(CommandError, match="ABANDONED_DRAFT_DAYS"):
        call_command("configure_bucket", "--abort-after-days", "7")


def test_system_check_flags_a_multipart_lifetime_shorter_than_a_drafts_life(settings):
    settings.ABANDONED_DRAFT_DAYS = 30
    settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS = 7
    errors = multipart_lifetime_outlives_drafts(None)
    assert [e.id for e in errors] == ["requests_app.E002"] and isinstance(errors[0], checks.Error)
    assert "ABANDONED_DRAFT_DAYS" in errors[0].msg

    settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS = 31
    assert multipart_lifetime_outlives_drafts(None) == []


def test_parts_endpoint_answers_json_for_a_post_of_nonsense_on_a_gone_upload(backend, request, uploader):
    document = uploader.start("IM0003", dicom_bytes()).json()
    abort_behind_the_portals_back(backend, request, document)
    uploader.client.get(document["parts_url"])  # now known gone

    response = uploader.client.post(document["parts_url"], json.dumps({"parts": [1]}), content_type="application/json")

    assert response.status_code == 409 and "error" in response.json()
