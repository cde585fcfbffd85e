"""Integrity and privacy enforced by a real S3 (Ceph's RADOS Gateway, tests/fixtures/rgw.py): each part
URL signs its CRC32 and exact length, uploads are created private, the bucket policy is applied and
enforced, and a completed file is scanned by streaming it from the gateway to a real clamd."""

import io
import json

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.management.commands import configure_bucket
from requests_app.models import Document, ScanStatus, Status
from requests_app.uploads import get_backend

from .factories import CompleteDraftFactory
from .malware_samples import eicar, zip_of
from .sessions import open_draft
from .staff import COORDINATOR, log_in, make_staff
from .upload_client import Uploader, checksum_headers
from .upload_samples import MiB, dicom_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
DATA = dicom_bytes(11 * MiB)  # three parts of 5 MiB (S3's smallest part but the last)


@pytest.fixture
def uploader(rgw_storage, settings):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    draft = CompleteDraftFactory()
    return Uploader(open_draft(Client(), draft))


def started(uploader, data=DATA):
    response = uploader.start("IM0001", data)
    assert response.status_code == 201, response.content
    return response.json()


def part(document, number, data=DATA):
    size = document["part_size"]
    return data[(number - 1) * size : number * size]


def test_a_part_whose_bytes_differ_from_its_signed_checksum_is_refused_by_the_gateway(uploader):
    document = started(uploader)
    url = uploader.urls(document, [1], DATA)[1]
    genuine = part(document, 1)
    corrupted = genuine[:-1] + bytes([genuine[-1] ^ 1])

    assert "x-amz-checksum-crc32" in url and "content-length" in url  # both are signed headers
    assert requests.put(url, data=corrupted, headers=checksum_headers(genuine), timeout=30).status_code == 400
    assert requests.put(url, data=corrupted, headers=checksum_headers(corrupted), timeout=30).status_code == 403
    assert uploader.stored(document) == []
    assert requests.put(url, data=genuine, headers=checksum_headers(genuine), timeout=30).status_code == 200


def test_a_part_longer_than_its_share_of_the_declared_size_is_refused_by_the_gateway(uploader):
    tiny = dicom_bytes(0)
    document = started(uploader, tiny)
    url = uploader.urls(document, [1], tiny)[1]
    longer = tiny + bytes(30 * MiB)

    assert requests.put(url, data=longer, headers=checksum_headers(longer), timeout=30).status_code == 403
    assert uploader.stored(document) == []


def test_the_parts_checksums_make_the_objects_which_the_document_records_and_staff_see(uploader, rgw_storage):
    sent = []
    client = get_backend().client
    client.meta.events.register("before-send.s3.CreateMultipartUpload", lambda request, **kw: sent.append(request))
    completed = uploader.upload("IM0001", DATA).json()
    document = Document.objects.get(public_id=completed["id"])

    assert sent[0].headers["x-amz-acl"] == b"private" and sent[0].headers["x-amz-checksum-algorithm"] == b"CRC32"
    stored = client.head_object(Bucket=rgw_storage, Key=document.storage_key, ChecksumMode="ENABLED")
    assert document.checksum == f"CRC32 {stored['ChecksumCRC32'].split('-')[0]}-3"
    assert client.head_object(Bucket=rgw_storage, Key=document.storage_key)["ContentType"] == "application/dicom"
    request_obj = document.request
    request_obj.status, request_obj.submitted_at, request_obj.reference = Status.SUBMITTED, timezone.now(), "SO-R-1"
    request_obj.save()
    staff = Client()
    log_in(staff, make_staff(COORDINATOR))
    page = staff.get(reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk]))
    assert document.checksum in page.content.decode()


def test_configure_bucket_sets_a_policy_the_gateway_applies_and_the_portal_still_uploads(
    uploader, rgw_storage, rgw_client, settings
):
    settings.SITE_URL = "https://portal.example.org"
    call_command("configure_bucket", stdout=io.StringIO())
    policy = json.loads(rgw_client.get_bucket_policy(Bucket=rgw_storage)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["DenyOtherEncryption"]

    completed = uploader.upload("IM0001", DATA).json()
    assert completed["status"] == "uploaded"
    other = rgw_client.put_object
    with pytest.raises(rgw_client.exceptions.ClientError, match="AccessDenied"):
        other(Bucket=rgw_storage, Key="records/kms-asked", Body=b"x", ServerSideEncryption="aws:kms")


def test_the_tls_rule_is_left_out_for_a_plain_http_store_and_rgw_applies_it_without_locking_out_loopback(
    uploader, rgw_storage, rgw_client, settings
):
    settings.AWS_S3_DENY_INSECURE_TRANSPORT = True
    call_command("configure_bucket", stdout=io.StringIO())
    applied = json.loads(rgw_client.get_bucket_policy(Bucket=rgw_storage)["Policy"])
    assert [statement["Sid"] for statement in applied["Statement"]] == ["DenyOtherEncryption"]

    # Over TLS (AWS) the rule is on; RGW does not evaluate aws:SecureTransport, so loopback HTTP still works.
    with_tls = configure_bucket.bucket_policy(rgw_storage, deny_insecure_transport=True)
    rgw_client.put_bucket_policy(Bucket=rgw_storage, Policy=json.dumps(with_tls))
    assert json.loads(rgw_client.get_bucket_policy(Bucket=rgw_storage)["Policy"])["Statement"][0]["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
    assert uploader.upload("IM0001", DATA).json()["status"] == "uploaded"


def test_an_infected_upload_is_streamed_from_the_gateway_to_clamd_and_deleted(
    uploader, rgw_storage, rgw_client, clamd, settings, django_capture_on_commit_callbacks
):
    settings.MALWARE_SCANNING, settings.CLAMD_ADDRESS = True, clamd.address
    with django_capture_on_commit_callbacks(execute=True):
        completed = uploader.upload("CD.zip", zip_of({"CD/README.TXT": eicar(), "CD/IM0001": dicom_bytes()})).json()
    document = Document.objects.get(public_id=completed["id"])

    assert (document.status, document.scan_status) == ("rejected", ScanStatus.INFECTED)
    assert rgw_client.list_objects_v2(Bucket=rgw_storage).get("KeyCount") == 0
