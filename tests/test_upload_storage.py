"""The records storage on the S3 test server: private, encrypted objects in the test bucket, a configured bucket."""

import urllib.request
from types import SimpleNamespace

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import Client

from requests_app import uploads
from requests_app.models import Document

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .upload_client import Uploader, checksum_headers, crc32_b64
from .upload_samples import dicom_bytes


def test_records_saved_to_s3_are_encrypted_at_rest(s3_storage, s3_client):
    name = default_storage.save("records/check.txt", ContentFile(b"hello"))
    head = s3_client.head_object(Bucket=s3_storage, Key=name)
    assert head["ContentLength"] == 5
    assert head["ServerSideEncryption"] == "AES256"


@pytest.mark.django_db
def test_multipart_uploads_are_created_encrypted(s3, s3_client):
    client = open_draft(Client(), CompleteDraftFactory())
    completed = Uploader(client).upload("IM0001", dicom_bytes()).json()
    key = Document.objects.get(public_id=completed["id"]).storage_key
    assert s3_client.head_object(Bucket=s3, Key=key)["ServerSideEncryption"] == "AES256"


@pytest.mark.django_db
def test_kms_encryption_setting_applies_to_saved_records_uploads_and_the_bucket(s3, s3_client, settings):
    settings.AWS_S3_SSE = "aws:kms"
    settings.AWS_S3_SSE_KMS_KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/portal-records"
    call_command("configure_bucket")
    rule = s3_client.get_bucket_encryption(Bucket=s3)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": settings.AWS_S3_SSE_KMS_KEY_ID,
    }

    saved = storages.create_storage(settings.STORAGES["default"]).save("records/note.txt", ContentFile(b"hi"))
    completed = Uploader(open_draft(Client(), CompleteDraftFactory())).upload("IM0001", dicom_bytes()).json()
    uploaded = Document.objects.get(public_id=completed["id"]).storage_key
    for key in (saved, uploaded):
        head = s3_client.head_object(Bucket=s3, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == settings.AWS_S3_SSE_KMS_KEY_ID


def test_configure_bucket_sets_cors_for_the_site_encryption_and_multipart_abort(s3, s3_client, settings):
    settings.SITE_URL = "https://portal.example.org"
    call_command("configure_bucket", "--origin", "http://127.0.0.1:8000")

    cors = s3_client.get_bucket_cors(Bucket=s3)["CORSRules"][0]
    assert cors["AllowedOrigins"] == ["http://127.0.0.1:8000", "https://portal.example.org"]
    assert "PUT" in cors["AllowedMethods"] and cors["ExposeHeaders"] == ["ETag"]
    rule = s3_client.get_bucket_encryption(Bucket=s3)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    lifecycle = s3_client.get_bucket_lifecycle_configuration(Bucket=s3)["Rules"][0]
    assert lifecycle["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 31  # ABANDONED_DRAFT_DAYS + 1


def test_an_unknown_encryption_setting_is_refused_rather_than_storing_unencrypted(s3, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AWS_S3_SSE = "aes-256"
    with pytest.raises(ImproperlyConfigured, match="AWS_S3_SSE"):
        call_command("configure_bucket")


def test_links_for_the_browser_are_signed_for_the_public_endpoint_and_work_there(s3_storage, s3_server, settings):
    # docker-compose: the server reaches MinIO as minio:9000, browsers as localhost:9000. Here the same
    # test server under two names: a link signed for one host only works when sent to that host.
    public = s3_server.replace("127.0.0.1", "localhost")
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = public
    storage = storages["default"]
    name = storage.save("records/report.pdf", ContentFile(b"%PDF-1.7 hello"))

    download = storage.signed_download_url(name, "report.pdf", expire=60)
    assert download.startswith(public + "/")
    with urllib.request.urlopen(download) as response:
        assert response.read() == b"%PDF-1.7 hello"
        expected = "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"  # RFC 6266
        assert response.headers["Content-Disposition"] == expected

    backend = uploads.get_backend()
    document = SimpleNamespace(storage_key="records/scan.dcm", multipart_upload_id=None)
    document.multipart_upload_id = backend.create_multipart_upload(document.storage_key, "application/dicom")
    part_url = backend.part_url(document, 1, len(b"part one"), crc32_b64(b"part one"))
    assert part_url.startswith(public + "/")
    sent = requests.put(part_url, data=b"part one", headers=checksum_headers(b"part one"), timeout=30)
    assert sent.status_code == 200
    assert backend.list_parts(document) == [(1, len(b"part one"))]
