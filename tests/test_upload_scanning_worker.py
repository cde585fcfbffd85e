"""With a real Celery worker (and beat) and a real clamd: a file completed while clamd is down stays
quarantined, and the periodic rescan scans it once clamd is back."""

import time

import pytest
from django.test import Client

from requests_app.models import Document, ScanStatus

from .factories import CompleteDraftFactory
from .fixtures.celery_worker import CeleryWorker, point_celery_at, wait_for_other_sessions_to_leave, worker_environment
from .fixtures.clamd import ClamdServer
from .sessions import open_draft
from .upload_client import Uploader, store_records_locally
from .upload_samples import dicom_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture(scope="module")
def scanner_paths(tmp_path_factory):
    """Where the worker and this process both find the records, and where the test's clamd listens."""
    return tmp_path_factory.mktemp("records"), ClamdServer(tmp_path_factory.mktemp("clamd"))


@pytest.fixture(scope="module")
def scan_worker(django_db_setup, django_db_blocker, broker_redis, scanner_paths, tmp_path_factory):
    from django.db import connection

    records, clamd = scanner_paths
    env = worker_environment(
        connection.settings_dict["NAME"],
        broker_redis.url,
        "consolemail://",
        "",
        MEDIA_ROOT=records,
        MALWARE_SCANNING="true",
        CLAMD_ADDRESS=clamd.address,
        UPLOAD_RESCAN_EVERY_S="1",
        UPLOAD_RESCAN_AFTER_SECONDS="0",
    )
    worker = CeleryWorker(env, tmp_path_factory.mktemp("scan-worker")).start()
    yield worker
    worker.stop()
    with django_db_blocker.unblock():
        wait_for_other_sessions_to_leave(connection)


@pytest.fixture
def publishing_to_worker(scan_worker, broker_redis, scanner_paths, settings):
    from portal.celery import app

    records, clamd = scanner_paths
    store_records_locally(settings, str(records))
    settings.MALWARE_SCANNING, settings.CLAMD_ADDRESS = True, clamd.address
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_celery_at(app, broker_redis.url, eager=False)
    yield scan_worker
    point_celery_at(app, *previous)
    clamd.stop()


def scan_status_within(document_id, wanted, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = Document.objects.get(pk=document_id).scan_status
        if status == wanted:
            return status
        time.sleep(0.2)
    return Document.objects.get(pk=document_id).scan_status


def test_a_file_completed_while_clamd_is_down_is_scanned_by_the_periodic_task_once_it_is_back(
    publishing_to_worker, scanner_paths
):
    _records, clamd = scanner_paths
    worker = publishing_to_worker
    since = worker.log_size()
    uploader = Uploader(open_draft(Client(), CompleteDraftFactory()))
    completed = uploader.upload("IM0001", dicom_bytes()).json()
    document = Document.objects.get(public_id=completed["id"])

    assert worker.wait_for_log(r"check_uploaded_document\[[^\]]+\] succeeded in [0-9.]+s: .?pending.?", 30, since)
    time.sleep(2)  # a few rescans come and go while clamd is down
    assert Document.objects.get(pk=document.pk).scan_status == ScanStatus.PENDING

    clamd.start()
    assert scan_status_within(document.pk, ScanStatus.CLEAN, 30) == ScanStatus.CLEAN
    assert worker.wait_for_log(r"rescan_pending_documents\[[^\]]+\] succeeded in [0-9.]+s: 1", 5, since)
