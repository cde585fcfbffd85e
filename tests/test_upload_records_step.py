"""The records step with uploads: answers must match the files, the review page groups them, limits count live files."""

import json
import re

import pytest
from django.test import Client

from requests_app.models import AVAILABILITY_FIELDS, DocumentStatus

from .factories import CompleteDraftFactory, DocumentFactory
from .sessions import open_draft
from .upload_client import Uploader, store_records_locally
from .upload_samples import MiB, dicom_bytes

pytestmark = pytest.mark.django_db


def test_records_step_insists_on_a_finished_file_when_the_family_says_uploaded(s3):
    draft = CompleteDraftFactory()
    client = open_draft(Client(), draft)
    answers = {
        "scans_availability": "uploaded",
        "slides_availability": "mailed",
        "slides_tracking_number": "1Z999",
        "reports_availability": "not_available",
        "treatment_plan_availability": "typed",
        "treatment_plan_text": "",
        "action": "continue",
    }
    page = client.post("/request/records/", answers).content.decode()
    assert "Upload at least one file here, or choose another answer." in page
    assert "This answer is required." in page  # the typed plan is empty

    uploader = Uploader(client)
    uploader.upload("IM0001", dicom_bytes())
    pending = uploader.start("IM0002", b"", size=6 * MiB)
    page = client.post("/request/records/", {**answers, "treatment_plan_text": "Chemo"}).content.decode()
    assert "has not finished uploading" in page
    uploader.post(pending.json()["remove_url"])
    response = client.post("/request/records/", {**answers, "treatment_plan_text": "Chemo"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scans_availability == "uploaded" and draft.slides_tracking_number == "1Z999"


def test_review_groups_a_folder_of_dicom_files_by_series(s3):
    client = open_draft(Client(), CompleteDraftFactory())
    uploader = Uploader(client)
    series = "1.2.3.4.5"
    for i in range(3):
        data = dicom_bytes(4096, series_uid=series, modality="CT", description="CHEST")
        assert uploader.upload(f"IM{i}", data, relative_path=f"CD/IM{i}").json()["status"] == "uploaded"
    review = client.get("/request/review/").content.decode()
    assert "DICOM series CT · 2024-03-02 · CHEST · AX T1 POST: 3 images in series" in review
    assert "IM0 (" not in review  # one line for the series, not one per file


def test_the_file_limit_counts_uploading_and_uploaded_files_not_rejected_or_removed(settings, tmp_path):
    store_records_locally(settings, tmp_path)
    settings.UPLOAD_MAX_FILES_PER_REQUEST = 2
    draft = CompleteDraftFactory()
    DocumentFactory(request=draft, status=DocumentStatus.UPLOADED)
    DocumentFactory(request=draft, status=DocumentStatus.REJECTED)
    DocumentFactory(request=draft, status=DocumentStatus.REMOVED)
    uploader = Uploader(open_draft(Client(), draft))

    assert uploader.start("IM0001", dicom_bytes(4096)).status_code == 201
    refused = uploader.start("IM0002", dicom_bytes(4096))
    assert refused.status_code == 400 and "already has 2 files" in refused.json()["error"]


def test_the_upload_client_reads_one_configuration_with_the_servers_category_map(s3):
    client = open_draft(Client(), CompleteDraftFactory())
    page = client.get("/request/records/").text

    (config,) = re.findall(r'<script id="upload-config" type="application/json">(.*?)</script>', page, re.S)
    config = json.loads(config)
    assert config["availabilityFields"] == {str(c): field for c, field in AVAILABILITY_FIELDS.items()}
    assert set(config["areas"]) == {"scans", "slides", "reports", "treatment_plan", "insurance_card"}
    assert config["areas"]["scans"]["types"] == ["dicom", "zip", "jpeg", "png"]
    assert page.count("js/uploads/records_step.js") == 1
