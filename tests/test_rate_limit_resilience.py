"""Rate limits when Redis is down (issue #13, item 1): the pages they guard keep working, and say so in the log.

The cache is the production one (settings.REDIS_CACHE) on a redis-server this test starts and then stops.
"""

import logging
import os
import signal
import time

import pytest
from django.test import Client

from .fixtures.celery_worker import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def rate_limit_redis(settings, tmp_path):
    """The production cache on a real redis-server, rate limits on; the server is stopped by the test."""
    server = RedisServer(tmp_path).start()
    original = settings.CACHES
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": server.url}}
    settings.RATELIMIT_ENABLE = True
    yield server
    settings.CACHES = original  # before the suite's autouse fixture clears the cache
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


def test_rate_limited_pages_answer_when_redis_is_down_and_the_outage_is_logged(rate_limit_redis, caplog):
    assert Client().post("/request/start/", {"role": "guardian"}).status_code == 302  # Redis up: counted
    rate_limit_redis.stop()
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        start = client.post("/request/start/", {"role": "guardian"})
        resume = client.post("/resume/", {"code": "not-a-real-token"})
        asked = client.post("/resume/request-link/", {"email": "nobody@example.com"})
    elapsed = time.monotonic() - started

    assert start.status_code == 302 and start.url.startswith("/request/")
    assert resume.status_code == 404 and b"link" in resume.content  # the plain "link not valid" page
    assert asked.status_code == 302 and asked.url == "/resume/link-sent/"
    warnings = [r for r in caplog.records if r.name == "portal.ratelimit_cache" and r.levelno == logging.WARNING]
    assert warnings, "the outage must be logged"
    assert all("nobody@example.com" not in r.getMessage() and "127.0.0.1" not in r.getMessage() for r in warnings)
    assert elapsed < 2.0, f"three pages took {elapsed:.2f}s with Redis down"


def test_a_hung_redis_costs_one_short_timeout_not_one_per_request(rate_limit_redis, caplog):
    os.kill(rate_limit_redis.process.pid, signal.SIGSTOP)  # accepts connections, never answers
    client = Client(raise_request_exception=False)
    timings = []
    with caplog.at_level(logging.WARNING):
        for _ in range(4):
            started = time.monotonic()
            response = client.post("/request/start/", {"role": "guardian"})
            timings.append(time.monotonic() - started)
            assert response.status_code == 302
    assert timings[0] < 1.5, f"first request with Redis hung took {timings[0]:.2f}s"
    assert max(timings[1:]) < 0.3, f"later requests still waited for Redis: {timings}"
    assert any(r.name == "portal.ratelimit_cache" for r in caplog.records)


def test_limits_still_apply_while_redis_is_up_and_again_once_it_is_back(rate_limit_redis, settings, monkeypatch):
    monkeypatch.setattr("portal.ratelimit_cache.RETRY_AFTER_SECONDS", 0.2)
    settings.RATE_LIMIT_START = "2/h"
    client = Client(raise_request_exception=False)
    statuses = [client.post("/request/start/", {"role": "guardian"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]

    rate_limit_redis.stop()
    assert client.post("/request/start/", {"role": "guardian"}).status_code == 302  # fails open
    rate_limit_redis.start()  # same port, empty: the counters start again
    time.sleep(0.3)
    statuses = [client.post("/request/start/", {"role": "guardian"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
