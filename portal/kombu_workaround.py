"""Keep a Celery worker alive when Redis goes away while it holds an unacknowledged message.

With kombu 5.7, a Redis channel left over from a lost connection (putting its unacknowledged messages
back while it closes, or acking a task that finished after the reconnect) reaches for a transport
already detached from its connection; the AttributeError escapes, the worker logs "Unrecoverable
error" and exits (about one Redis restart in six under tests/test_notifications_worker.py). Upstream
this is the detached-channel family of kombu's Redis transport bugs, closest report
https://github.com/celery/kombu/issues/970 (restoring unacked messages through a closed channel).

Raised as a connection error instead, it is what kombu and Celery already handle: "Couldn't ack" is
logged and the message stays in Redis's unacked set, to return after the visibility timeout (and
pending notifications are re-queued from the outbox anyway). Remove once kombu raises a connection
error there itself.
"""

import functools

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


def install():
    """Make a detached channel's ``_connparams`` raise a connection error; installing twice does nothing."""
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
