"""The upload protocol and the records' privacy on a real S3 implementation, Ceph's RADOS Gateway.

Moto accepts tampered and expired signatures and serves multipart objects to anyone; RGW enforces
what AWS enforces, so the portal's signatures, expiry, privacy and encryption are proven here. The
browser's side is played with ``requests`` against the URLs the portal hands out.
"""

import io
import json
import re
import time

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from requests_app import intake
from requests_app.models import Document, DocumentStatus

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .staff import COORDINATOR, log_in, make_staff
from .upload_client import checksum_headers, crc32_b64
from .upload_samples import MiB, dicom_bytes

pytestmark = pytest.mark.django_db
DATA = dicom_bytes(11 * MiB)  # three parts of 5 MiB (S3's smallest part but the last)


@pytest.fixture
def family(rgw_storage, settings):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    draft = CompleteDraftFactory()
    return open_draft(Client(), draft), draft


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def start_upload(client, name="IM0001", data=DATA):
    response = post(client, "/request/uploads/start/", {"name": name, "size": len(data), "category": "scans"})
    assert response.status_code == 201, response.content
    return response.json()


def part_urls(client, document, numbers, data=DATA):
    checksums = {n: crc32_b64(part_bytes(document, n, data)) for n in numbers}
    response = post(client, document["parts_url"], {"parts": numbers, "checksums": checksums})
    assert response.status_code == 200, response.content
    return {int(n): url for n, url in response.json()["urls"].items()}


def part_bytes(document, number, data=DATA):
    size = document["part_size"]
    return data[(number - 1) * size : number * size]


def upload(client, name="IM0001", data=DATA):
    """The browser's whole upload: start, part URLs, a PUT per part, complete. The stored Document."""
    document = start_upload(client, name, data)
    for number, url in part_urls(client, document, list(range(1, document["part_count"] + 1))).items():
        assert put_part(url, part_bytes(document, number, data)).status_code == 200
    completed = post(client, document["complete_url"])
    assert completed.status_code == 200, completed.content
    return Document.objects.get(public_id=document["id"])


def put_part(url, data, **kwargs):
    """The browser's PUT of one part, with its CRC32 headers."""
    return requests.put(url, data=data, headers=checksum_headers(data), timeout=30, **kwargs)


def stored_parts(client, document):
    response = client.get(document["parts_url"])
    assert response.status_code == 200
    return [part["number"] for part in response.json()["stored"]]


def tamper_signature(url):
    """The same URL with the last hex digit of its signature changed."""
    return re.sub(r"(X-Amz-Signature=[0-9a-f]*)([0-9a-f])", lambda m: m[1] + ("0" if m[2] != "0" else "1"), url)


def test_whole_upload_protocol_passes_on_rgw_and_the_file_is_recorded(family, rgw_server, rgw_storage, rgw_client):
    client, draft = family
    document = start_upload(client)
    urls = part_urls(client, document, [1, 2, 3])
    assert document["part_count"] == 3 and all(url.startswith(rgw_server.endpoint + "/") for url in urls.values())
    for number, url in urls.items():
        assert put_part(url, part_bytes(document, number)).status_code == 200
    assert stored_parts(client, document) == [1, 2, 3]
    completed = post(client, document["complete_url"])

    assert completed.status_code == 200 and completed.json()["status"] == "uploaded"
    stored = Document.objects.get(public_id=document["id"], request=draft)
    assert stored.status == DocumentStatus.UPLOADED and stored.stored_size == len(DATA)
    assert stored.detected_type == "dicom" and stored.metadata["dicom"]["modality"] == "MR"
    assert rgw_client.get_object(Bucket=rgw_storage, Key=stored.storage_key)["Body"].read() == DATA
    assert rgw_client.list_multipart_uploads(Bucket=rgw_storage).get("Uploads", []) == []
    assert "IM0001" in client.get("/request/review/").content.decode()


def test_part_url_with_a_tampered_signature_is_refused_by_s3(family):
    client, _draft = family
    document = start_upload(client)
    url = part_urls(client, document, [1])[1]
    assert put_part(tamper_signature(url), part_bytes(document, 1)).status_code == 403
    assert stored_parts(client, document) == []
    assert put_part(url, part_bytes(document, 1)).status_code == 200  # the genuine one works


def test_expired_part_url_is_refused_by_s3(family, settings):
    client, _draft = family
    settings.UPLOAD_PART_URL_EXPIRY_SECONDS = 1
    document = start_upload(client)
    url = part_urls(client, document, [1])[1]
    assert "X-Amz-Expires=1&" in url
    time.sleep(2.5)
    assert put_part(url, part_bytes(document, 1)).status_code == 403
    assert stored_parts(client, document) == []
    fresh = part_urls(client, document, [1])[1]
    assert put_part(fresh, part_bytes(document, 1)).status_code == 200


def test_part_url_used_for_another_part_number_is_refused_by_s3(family):
    client, _draft = family
    document = start_upload(client)
    url = part_urls(client, document, [1])[1]
    assert "partNumber=1&" in url
    assert put_part(url.replace("partNumber=1&", "partNumber=2&"), part_bytes(document, 2)).status_code == 403
    assert stored_parts(client, document) == []


def test_uploaded_record_is_not_readable_without_a_signature(family, rgw_server, rgw_storage):
    client, _draft = family
    stored = upload(client)
    assert requests.get(f"{rgw_server.endpoint}/{rgw_storage}/{stored.storage_key}", timeout=30).status_code == 403
    assert requests.get(f"{rgw_server.endpoint}/{rgw_storage}/", timeout=30).status_code == 403  # nor listable


def test_staff_download_link_works_and_a_tampered_one_is_refused(family, rgw_storage):
    client, draft = family
    stored = upload(client, name="IM0007")
    intake.submit(draft.pk)
    staff = Client()
    log_in(staff, make_staff(COORDINATOR))
    response = staff.get(reverse("admin:requests_app_secondopinionrequest_download", args=[draft.pk, stored.public_id]))
    assert response.status_code == 302

    fetched = requests.get(response.url, timeout=30)
    assert fetched.status_code == 200 and fetched.content == DATA
    neutral = f"scans-{stored.public_id.hex[:8]}.dcm"  # never the family's file name
    assert fetched.headers["Content-Disposition"] == f"attachment; filename=\"{neutral}\"; filename*=UTF-8''{neutral}"
    assert "IM0007" not in response.url
    assert requests.get(tamper_signature(response.url), timeout=30).status_code == 403
    other_name = response.url.replace(neutral, "scans-00000000.dcm")  # the filename is signed too
    assert other_name != response.url and requests.get(other_name, timeout=30).status_code == 403


def test_aes256_uploads_are_encrypted_with_a_data_key_from_the_kms(family, rgw_server, rgw_storage, rgw_client):
    client, _draft = family
    keys_before = sum(rgw_server.vault.keys.issued.values())
    stored = upload(client)
    saved = storages["default"].save("records/note.txt", ContentFile(b"saved by the storage"))

    for key in (stored.storage_key, saved):
        assert rgw_client.head_object(Bucket=rgw_storage, Key=key)["ServerSideEncryption"] == "AES256"
    assert sum(rgw_server.vault.keys.issued.values()) == keys_before + 2  # one data key per object
    with storages["default"].open(stored.storage_key, "rb") as handle:
        assert handle.read() == DATA  # decrypted with the key the KMS unwrapped


def test_rgw_stores_a_multipart_upload_under_the_kms_test_key(rgw_server, rgw_storage, rgw_client):
    # What the portal will ask for in aws:kms mode, done by hand: the gateway's side of the setting.
    upload_id = rgw_client.create_multipart_upload(
        Bucket=rgw_storage, Key="records/kms", ServerSideEncryption="aws:kms", SSEKMSKeyId=rgw_server.kms_key_id
    )["UploadId"]
    params = {"Bucket": rgw_storage, "Key": "records/kms", "UploadId": upload_id, "PartNumber": 1}
    url = rgw_client.generate_presigned_url("upload_part", Params=params, ExpiresIn=60)
    assert requests.put(url, data=b"kms part", timeout=30).status_code == 200
    parts = rgw_client.list_parts(Bucket=rgw_storage, Key="records/kms", UploadId=upload_id)["Parts"]
    rgw_client.complete_multipart_upload(
        Bucket=rgw_storage,
        Key="records/kms",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]},
    )
    head = rgw_client.head_object(Bucket=rgw_storage, Key="records/kms")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", rgw_server.kms_key_id)
    assert rgw_client.get_object(Bucket=rgw_storage, Key="records/kms")["Body"].read() == b"kms part"


def test_aws_kms_mode_encrypts_uploads_with_the_configured_key(family, rgw_server, rgw_storage, rgw_client, settings):
    settings.AWS_S3_SSE = "aws:kms"
    settings.AWS_S3_SSE_KMS_KEY_ID = rgw_server.kms_key_id
    client, _draft = family
    stored = upload(client)
    saved = storages["default"].save("records/note.txt", ContentFile(b"saved by the storage"))

    for key in (stored.storage_key, saved):
        head = rgw_client.head_object(Bucket=rgw_storage, Key=key)
        assert (head.get("ServerSideEncryption"), head.get("SSEKMSKeyId")) == ("aws:kms", rgw_server.kms_key_id)
    with storages["default"].open(stored.storage_key, "rb") as handle:
        assert handle.read() == DATA


def test_sse_off_sends_no_encryption_header_for_a_store_that_encrypts_by_itself(
    family, rgw_server, rgw_storage, rgw_client, settings
):
    settings.AWS_S3_SSE = "off"
    client, _draft = family
    keys_before = sum(rgw_server.vault.keys.issued.values())
    stored = upload(client)

    assert "ServerSideEncryption" not in rgw_client.head_object(Bucket=rgw_storage, Key=stored.storage_key)
    assert sum(rgw_server.vault.keys.issued.values()) == keys_before


def test_configure_bucket_applies_on_rgw_and_the_sites_preflight_for_a_part_is_allowed(
    family, rgw_storage, rgw_client, settings
):
    settings.SITE_URL = "https://portal.example.org"
    call_command("configure_bucket", stdout=io.StringIO())
    assert rgw_client.get_bucket_cors(Bucket=rgw_storage)["CORSRules"][0]["AllowedOrigins"] == [settings.SITE_URL]
    encryption = rgw_client.get_bucket_encryption(Bucket=rgw_storage)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert rgw_client.get_public_access_block(Bucket=rgw_storage)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    rules = rgw_client.get_bucket_lifecycle_configuration(Bucket=rgw_storage)["Rules"]
    days = settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS
    assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": days} and days > 30

    client, _draft = family
    url = part_urls(client, start_upload(client), [1])[1]
    preflight = {"Origin": settings.SITE_URL, "Access-Control-Request-Method": "PUT"}
    allowed = requests.options(url, headers=preflight, timeout=30)
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == settings.SITE_URL
    elsewhere = requests.options(url, headers={**preflight, "Origin": "https://evil.example"}, timeout=30)
    assert elsewhere.status_code == 403 and "Access-Control-Allow-Origin" not in elsewhere.headers
