"""The periodic clean-up: abandoned drafts' files are deleted and multipart uploads nobody owns are aborted."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from requests_app import cleanup, tasks
from requests_app.models import Document, DocumentStatus, SecondOpinionRequest

from .factories import CompleteDraftFactory, DocumentFactory
from .sessions import open_draft
from .upload_client import Uploader
from .upload_samples import MiB, dicom_bytes

pytestmark = pytest.mark.django_db


def age(draft, days):
    SecondOpinionRequest.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_clean_up_deletes_abandoned_drafts_files_and_aborts_orphan_uploads(s3, s3_client, settings):
    settings.ABANDONED_DRAFT_DAYS = 30
    abandoned = CompleteDraftFactory()
    recent = CompleteDraftFactory()
    old_file = Uploader(open_draft(Client(), abandoned)).upload("old.dcm", dicom_bytes()).json()
    new_file = Uploader(open_draft(Client(), recent)).upload("new.dcm", dicom_bytes()).json()
    age(abandoned, days=31)
    orphan = s3_client.create_multipart_upload(Bucket=s3, Key="records/orphan/x")["UploadId"]
    in_progress = Uploader(open_draft(Client(), recent)).start("big.dcm", b"", size=20 * MiB).json()

    later = timezone.now() + datetime.timedelta(hours=settings.UPLOAD_ORPHAN_GRACE_HOURS + 1)
    result = cleanup.clean_up(now=later)
    tasks.clean_up_abandoned_drafts.apply()  # the periodic task itself; running it again changes nothing

    assert result == {"files_deleted": 1, "uploads_aborted": 1}
    old_doc = Document.objects.get(public_id=old_file["id"])
    assert old_doc.status == DocumentStatus.REMOVED
    assert "Contents" not in s3_client.list_objects_v2(Bucket=s3, Prefix=old_doc.storage_key)
    assert Document.objects.get(public_id=new_file["id"]).status == DocumentStatus.UPLOADED
    uploads_left = {u["UploadId"] for u in s3_client.list_multipart_uploads(Bucket=s3).get("Uploads", [])}
    assert orphan not in uploads_left
    assert Document.objects.get(public_id=in_progress["id"]).multipart_upload_id in uploads_left


def test_an_old_draft_whose_files_were_all_rejected_or_removed_holds_nothing_to_clean(settings):
    settings.ABANDONED_DRAFT_DAYS = 30
    only_dead_files = CompleteDraftFactory()
    DocumentFactory(request=only_dead_files, status=DocumentStatus.REJECTED)
    DocumentFactory(request=only_dead_files, status=DocumentStatus.REMOVED)
    holding = DocumentFactory(status=DocumentStatus.PENDING).request
    for draft in (only_dead_files, holding):
        age(draft, days=31)

    assert list(cleanup.abandoned_drafts()) == [holding]
