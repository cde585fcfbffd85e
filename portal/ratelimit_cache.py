"""The rate-limit cache fails open: when Redis is down or hung, pages are served without rate limits.

django-ratelimit's own ``RATELIMIT_FAIL_OPEN`` only acts when the cache *returns* nothing; Django's
``RedisCache`` raises instead (django-ratelimit issue #333). This backend turns those errors into the
"nothing" the library understands, logs the outage, and stops asking Redis for a few seconds so that
a hung server costs one short timeout per process now and then, not one per request.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, operations skip Redis this long (then one request tries again).
RETRY_AFTER_SECONDS = 5.0
# One clock for every cache object of this process (Django makes one per thread), keyed by location.
_skip_until = {}


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose counter operations answer "unknown" instead of raising when Redis fails."""

    def add(self, key, value, timeout=None, version=None):
        return self._or_unknown("add", False, super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._or_unknown("incr", None, super().incr, key, delta, version)

    def get(self, key, default=None, version=None):
        return self._or_unknown("get", default, super().get, key, default, version)

    def _or_unknown(self, operation, unknown, call, *args):
        if time.monotonic() < _skip_until.get(self._servers[0], 0.0):
            return unknown
        try:
            return call(*args)
        except RedisError as error:
            _skip_until[self._servers[0]] = time.monotonic() + RETRY_AFTER_SECONDS
            # The error's text names the host and port: only its class is logged.
            logger.warning(
                "Rate-limit cache unavailable (%s on %s): serving without rate limits for %.0f s",
                type(error).__name__,
                operation,
                RETRY_AFTER_SECONDS,
            )
            return unknown
