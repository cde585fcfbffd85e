"""The upload protocol driven over HTTP as the browser's upload client drives it, on both backends.

S3: moto's server on a loopback port, parts PUT with ``requests`` to the presigned URLs. Local:
the embedded default, parts PUT to the portal's own signed part URLs.
"""

import json
import re

import pytest
from django.core.files.storage import storages
from django.test import Client

from requests_app.models import Document, DocumentStatus

from .factories import CompleteDraftFactory
from .sessions import open_draft
from .upload_client import Uploader, store_records_locally
from .upload_samples import MiB, dicom_bytes, pdf_bytes, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["s3", "local"])
def backend(request, settings, tmp_path):
    settings.UPLOAD_MIN_PART_BYTES = 5 * MiB
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    else:
        store_records_locally(settings, tmp_path)
    return request.param


def object_exists(key):
    return storages["default"].exists(key)


@pytest.fixture
def draft_client(db):
    draft = CompleteDraftFactory()
    return open_draft(Client(), draft), draft


def test_multipart_upload_through_part_urls_is_completed_verified_and_listed_on_review(backend, draft_client):
    client, draft = draft_client
    data = dicom_bytes(12 * MiB)
    uploader = Uploader(client)
    response = uploader.start("IM0001", data, relative_path="CD/DICOM/IM0001")
    document = response.json()
    assert response.status_code == 201
    assert document["part_count"] == 3 and document["part_size"] == 5 * MiB
    if backend == "s3":
        assert all(url.startswith("http://127.0.0.1:") for url in uploader.urls(document, [1, 2, 3], data).values())
    uploader.send_parts(document, data)
    completed = uploader.complete(document).json()

    assert completed["status"] == "uploaded"
    stored = Document.objects.get(public_id=document["id"])
    assert stored.stored_size == len(data) and stored.detected_type == "dicom"
    assert stored.metadata["dicom"]["modality"] == "MR"
    assert stored.storage_key.startswith("records/") and "IM0001" not in stored.storage_key
    with storages["default"].open(stored.storage_key, "rb") as handle:
        assert handle.read() == data
    review = client.get("/request/review/").content.decode()
    assert "IM0001" in review and "MR · 2024-03-02 · BRAIN W/WO CONTRAST" in review


def test_interrupted_upload_resumes_sending_only_the_missing_parts(backend, draft_client):
    client, _draft = draft_client
    data = dicom_bytes(14 * MiB)
    before_reload = Uploader(client)
    document = before_reload.start("scan.dcm", data).json()
    before_reload.send_parts(document, data, numbers=[1, 3])  # the connection drops during part 2

    after_reload = Uploader(client)  # a new page: it only knows the upload's id (localStorage)
    stored = after_reload.stored(document)
    assert [p["number"] for p in stored] == [1, 3]
    missing = [n for n in range(1, document["part_count"] + 1) if n not in {p["number"] for p in stored}]
    after_reload.send_parts(document, data, numbers=missing)
    completed = after_reload.complete(document).json()

    assert after_reload.parts_sent == [2]
    assert completed["status"] == "uploaded"
    with storages["default"].open(Document.objects.get(public_id=document["id"]).storage_key, "rb") as handle:
        assert handle.read() == data


def test_completing_before_every_part_arrived_names_the_missing_parts_and_changes_nothing(backend, draft_client):
    client, _draft = draft_client
    data = dicom_bytes(12 * MiB)
    uploader = Uploader(client)
    document = uploader.start("scan.dcm", data).json()
    uploader.send_parts(document, data, numbers=[2])
    response = uploader.complete(document)
    assert response.status_code == 409 and "1, 3" in response.json()["error"]
    assert Document.objects.get(public_id=document["id"]).status == DocumentStatus.PENDING


def test_declared_size_differing_from_stored_size_is_rejected_and_the_object_deleted(backend, draft_client):
    client, _draft = draft_client
    data = dicom_bytes(11 * MiB)
    uploader = Uploader(client)
    document = uploader.start("scan.dcm", data, size=len(data) + 1000).json()
    uploader.send_parts(document, data)
    completed = uploader.complete(document).json()

    assert completed["status"] == "rejected"
    assert "is not the size of the file you chose" in completed["rejection_reason"]
    stored = Document.objects.get(public_id=document["id"])
    assert not object_exists(stored.storage_key)
    assert uploader.stored(document) == []


def test_wrong_magic_bytes_for_the_category_are_rejected_with_the_reason(backend, draft_client):
    client, _draft = draft_client
    uploader = Uploader(client)
    completed = uploader.upload("brain.dcm", pdf_bytes(), category="scans").json()

    assert completed["status"] == "rejected"
    assert "PDF document" in completed["rejection_reason"] and "DICOM image" in completed["rejection_reason"]
    assert not object_exists(Document.objects.get(public_id=completed["id"]).storage_key)


def test_zip_with_an_entry_escaping_its_folder_is_rejected(backend, draft_client):
    client, _draft = draft_client
    data = zip_bytes({"DICOM/IM0001": dicom_bytes(), "../../etc/evil": b"x"})
    completed = Uploader(client).upload("cd.zip", data).json()

    assert completed["status"] == "rejected"
    assert "outside its folder" in completed["rejection_reason"]
    assert not object_exists(Document.objects.get(public_id=completed["id"]).storage_key)


def test_safe_zip_of_a_cd_is_accepted_with_its_entry_count_and_study(backend, draft_client):
    client, _draft = draft_client
    data = zip_bytes({"DICOMDIR": dicom_bytes(1024), "DICOM/IM0001": dicom_bytes(), "DICOM/IM0002": dicom_bytes()})
    completed = Uploader(client).upload("cd.zip", data).json()
    assert completed["status"] == "uploaded"
    assert completed["description"] == "MR · 2024-03-02 · BRAIN W/WO CONTRAST · ZIP with 3 files"
    review = client.get("/request/review/").content.decode()
    assert "cd.zip (" in review and "ZIP with 3 files" in review


def test_another_drafts_upload_cannot_be_listed_given_urls_completed_or_removed(backend, draft_client):
    client, _draft = draft_client
    data = dicom_bytes(6 * MiB)
    owner = Uploader(client)
    document = owner.start("scan.dcm", data).json()
    owner.send_parts(document, data)

    intruder = Uploader(open_draft(Client(), CompleteDraftFactory()))
    assert intruder.client.get(document["parts_url"]).status_code == 404
    assert intruder.post(document["parts_url"], {"parts": [1]}).status_code == 404
    assert intruder.complete(document).status_code == 404
    assert intruder.post(document["remove_url"]).status_code == 404
    assert Uploader(Client()).complete(document).status_code == 404  # no session at all

    assert Document.objects.get(public_id=document["id"]).status == DocumentStatus.PENDING
    assert [p["number"] for p in owner.stored(document)] == [1, 2]
    assert owner.complete(document).json()["status"] == "uploaded"


def test_server_refuses_types_and_sizes_whatever_the_browser_says(backend, draft_client, settings):
    client, draft = draft_client
    uploader = Uploader(client)
    exe = uploader.start("viewer.exe", b"MZ" * 10)
    assert exe.status_code == 400 and "DICOM image" in exe.json()["error"]
    settings.UPLOAD_MAX_FILE_BYTES = 10 * MiB
    too_big = uploader.start("scan.dcm", b"", size=10 * MiB + 1)
    assert too_big.status_code == 400 and "10.5 MB" in too_big.json()["error"]
    settings.UPLOAD_MAX_REQUEST_BYTES = 12 * MiB
    assert uploader.start("a.dcm", b"", size=8 * MiB).status_code == 201
    over_total = uploader.start("b.dcm", b"", size=8 * MiB)
    assert over_total.status_code == 400 and "in total" in over_total.json()["error"]
    assert draft.documents.count() == 1


def test_removing_a_file_deletes_it_and_frees_its_place(backend, draft_client):
    client, _draft = draft_client
    uploader = Uploader(client)
    completed = uploader.upload("scan.dcm", dicom_bytes()).json()
    key = Document.objects.get(public_id=completed["id"]).storage_key
    assert object_exists(key)
    assert uploader.post(completed["remove_url"]).json()["status"] == "removed"
    assert not object_exists(key)
    assert "scan.dcm" not in client.get("/request/review/").content.decode()


def test_dicom_files_named_by_uid_or_without_extension_are_accepted_for_scans(backend, draft_client):
    client, _draft = draft_client
    uploader = Uploader(client)
    for name in ["1.2.840.113619.2.55.3.604688119", "IM000001", "DICOMDIR"]:
        assert uploader.upload(name, dicom_bytes(4096)).json()["status"] == "uploaded", name
    assert uploader.start("report.pdf", pdf_bytes(), category="slides").status_code == 400


def test_a_rejected_file_stays_listed_with_its_reason_after_a_reload_until_removed(backend, draft_client):
    client, _draft = draft_client
    uploader = Uploader(client)
    rejected = uploader.upload("brain.dcm", pdf_bytes(), category="scans").json()
    assert rejected["status"] == "rejected"

    def listed_on_the_records_page():
        page = client.get("/request/records/")
        assert page.status_code == 200
        (config,) = re.findall(r'<script id="upload-config" type="application/json">(.*?)</script>', page.text, re.S)
        return [d for area in json.loads(config)["areas"].values() for d in area["documents"]]

    (shown,) = [d for d in listed_on_the_records_page() if d["id"] == rejected["id"]]
    assert shown["status"] == "rejected" and "PDF document" in shown["rejection_reason"]

    assert uploader.post(rejected["remove_url"]).status_code == 200
    assert not [d for d in listed_on_the_records_page() if d["id"] == rejected["id"]]
