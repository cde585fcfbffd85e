"""Readiness: can this process serve a family now? One cheap probe per dependency, each with a short timeout.

``/readyz`` reports only component names and ok/fail: never a host, a bucket or an error's text.
"""

import logging
import os

import redis
from botocore.config import Config
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 1.0


def database_ready():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def redis_ready(url):
    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def storage_ready():
    """The records bucket answers HEAD (S3), or the records folder is there and writable (embedded default)."""
    storage = default_storage
    if hasattr(storage, "bucket_name"):
        # The storage's own client may retry for a minute; a probe must answer within seconds.
        quick = Config(
            connect_timeout=PROBE_TIMEOUT_SECONDS, read_timeout=PROBE_TIMEOUT_SECONDS, retries={"total_max_attempts": 1}
        )
        client = storage._create_session().client(
            "s3",
            region_name=storage.region_name,
            endpoint_url=storage.endpoint_url,
            config=storage.client_config.merge(quick),
            verify=storage.verify,
        )
        client.head_bucket(Bucket=storage.bucket_name)
        return True
    return os.path.isdir(storage.location) and os.access(storage.location, os.W_OK)


def probes():
    """The dependencies this configuration has, by component name."""
    found = {"database": database_ready}
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        found["cache"] = lambda: redis_ready(cache["LOCATION"])
    if not settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        found["broker"] = lambda: redis_ready(settings.CELERY_BROKER_URL)
    found["storage"] = storage_ready
    return found


def check():
    """{component: True/False}; a failing component is logged by name and exception class only."""
    results = {}
    for name, probe in probes().items():
        try:
            results[name], reason = bool(probe()), "unavailable"
        except Exception as error:  # whatever a client library raises, the component is not ready
            results[name], reason = False, type(error).__name__
        if not results[name]:
            logger.warning("Readiness: %s is not ready (%s)", name, reason)
    return results
