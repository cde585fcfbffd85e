"""The preview task in a real Celery worker process: queued after commit, rendered from the S3 test server,
and safe when queued twice at once."""

import time

import pytest

from requests_app import series_previews, tasks
from requests_app.models import SeriesPreview

from .fixtures.celery_worker import CeleryWorker, point_celery_at, wait_for_other_sessions_to_leave, worker_environment
from .fixtures.s3 import S3_TEST_ACCESS_KEY, S3_TEST_REGION, S3_TEST_SECRET_KEY
from .preview_records import png_columns, store_series
from .staff import make_submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def preview_worker(s3_storage, s3_server, broker_redis, tmp_path, django_db_blocker):
    """A worker (no beat) whose records storage is this test's S3 bucket; this process publishes to it."""
    from django.db import connection

    from portal.celery import app

    env = worker_environment(
        connection.settings_dict["NAME"],
        broker_redis.url,
        "consolemail://",
        "",
        AWS_STORAGE_BUCKET_NAME=s3_storage,
        AWS_S3_ENDPOINT_URL=s3_server,
        AWS_ACCESS_KEY_ID=S3_TEST_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=S3_TEST_SECRET_KEY,
        AWS_S3_REGION_NAME=S3_TEST_REGION,
    )
    worker = CeleryWorker(env, tmp_path, concurrency=2, beat=False).start()
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    point_celery_at(app, broker_redis.url, eager=False)
    yield worker
    point_celery_at(app, *previous)
    worker.stop()
    with django_db_blocker.unblock():
        wait_for_other_sessions_to_leave(connection)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_renders_a_queued_preview_once_even_when_queued_twice(preview_worker, s3_storage, s3_client):
    request_obj = make_submitted()
    store_series(request_obj, s3_client, s3_storage, count=4)

    assert series_previews.previews_due(request_obj, delay=0)  # outside a transaction: published at once
    tasks.render_previews.delay(request_obj.pk)  # and a second run racing it

    assert wait_for(lambda: preview_worker.log().count("succeeded in") >= 2), preview_worker.log()[-3000:]
    (preview,) = SeriesPreview.objects.filter(request=request_obj)
    assert preview.image_count == 4 and preview.image_key
    columns = png_columns(s3_client.get_object(Bucket=s3_storage, Key=preview.image_key)["Body"].read())
    assert columns[0] < 10 and columns[-1] > 245
    stored = s3_client.list_objects_v2(Bucket=s3_storage, Prefix="previews/").get("Contents", [])
    assert [o["Key"] for o in stored] == [preview.image_key]  # the losing run's image, if any, was deleted
