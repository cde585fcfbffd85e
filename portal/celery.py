"""The Celery app: broker Redis, configuration from Django settings (CELERY_ prefix).

Start a worker with ``celery -A portal worker`` and exactly one scheduler with ``celery -A portal beat``
(the periodic tasks are in ``CELERY_BEAT_SCHEDULE``).
"""

import functools
import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _detached_channels_raise_connection_errors():
    """Keep the worker alive when Redis goes away while it holds an unacknowledged message.

    With kombu 5.7, a Redis channel left over from a lost connection (putting its unacknowledged
    messages back while it closes, or acking a task that finished after the reconnect) reaches for a
    transport already detached from its connection; the AttributeError escapes, the worker logs
    "Unrecoverable error" and exits (about one Redis restart in six under tests/test_notifications_worker.py).
    Raised as a connection error instead, it is what kombu and Celery already handle: "Couldn't ack"
    is logged and the message stays in Redis's unacked set, to return after the visibility timeout
    (and pending notifications are re-queued from the outbox anyway).
    """
    from redis.exceptions import ConnectionError as RedisConnectionError

    original = kombu_redis.Channel._connparams
    if getattr(original, "raises_on_detached_transport", False):
        return

    @functools.wraps(original)
    def _connparams(self, *args, **kwargs):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("this channel's broker connection is closed")
        return original(self, *args, **kwargs)

    _connparams.raises_on_detached_transport = True
    kombu_redis.Channel._connparams = _connparams


_detached_channels_raise_connection_errors()
