"""/readyz (issue #13, item 6): 200 when the database, Redis (cache and broker) and the records bucket all
answer, 503 naming the failing component (and nothing about where it lives) when one does not."""

import time

import pytest

from .fixtures.celery_worker import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def production_like(settings, s3_storage, tmp_path):
    """Cache and broker on a real redis-server, records on the test S3 server's bucket."""
    server = RedisServer(tmp_path).start()
    original = settings.CACHES
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": server.url}}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = server.url.replace("/0", "/1")
    yield server
    settings.CACHES = original  # before the suite's autouse fixture clears the cache
    server.stop()


def lines(response):
    return set(response.content.decode().splitlines())


def test_ready_when_every_dependency_answers(production_like, client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert lines(response) == {"database ok", "cache ok", "broker ok", "storage ok"}
    assert "no-store" in response["Cache-Control"]


def test_not_ready_while_redis_is_stopped_and_ready_again_once_it_is_back(production_like, client, caplog):
    production_like.stop()
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert lines(response) == {"database ok", "cache fail", "broker fail", "storage ok"}
    assert str(production_like.port) not in response.content.decode()
    assert any("cache is not ready (ConnectionError)" in r.getMessage() for r in caplog.records)
    assert elapsed < 2.0

    production_like.start()
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_the_records_bucket_is_gone(production_like, client, s3_client, s3_storage):
    s3_client.delete_bucket(Bucket=s3_storage)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert "storage fail" in lines(response)
    assert s3_storage not in response.content.decode()


def test_liveness_stays_cheap_while_redis_is_stopped(production_like, client, django_assert_num_queries):
    production_like.stop()
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_probes_answer_over_plain_http_when_https_is_enforced(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code != 301 and ready.content.startswith(b"database ok")  # answered, not redirected
    assert client.get("/").status_code == 301
