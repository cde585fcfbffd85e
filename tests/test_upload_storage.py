"""The records storage on the S3 test server: private, encrypted objects in the test bucket."""

import urllib.request
from types import SimpleNamespace

import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from requests_app import uploads


def test_records_saved_to_s3_are_encrypted_at_rest(s3_storage, s3_client):
    name = default_storage.save("records/check.txt", ContentFile(b"hello"))
    head = s3_client.head_object(Bucket=s3_storage, Key=name)
    assert head["ContentLength"] == 5
    assert head["ServerSideEncryption"] == "AES256"


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
        assert response.headers["Content-Disposition"] == 'attachment; filename="report.pdf"'

    backend = uploads.get_backend()
    document = SimpleNamespace(storage_key="records/scan.dcm", multipart_upload_id=None)
    document.multipart_upload_id = backend.create_multipart_upload(document.storage_key, "application/dicom")
    part_url = backend.part_url(document, 1)
    assert part_url.startswith(public + "/")
    assert requests.put(part_url, data=b"part one", timeout=30).status_code == 200
    assert backend.list_parts(document) == [(1, len(b"part one"))]
