"""Handing outbox rows to the broker: one publish attempt, never retried and never holding a request.

After commit the web process publishes in a background thread and waits for it at most
``NOTIFICATION_PUBLISH_TIMEOUT_S``: a broker that is down or paused (connections accepted, nothing
answered) costs a family's submit no more than that, whatever the Redis client's own connect and
health-check retries add up to. A row the broker did not get stays pending; the beat's re-queue
(``retries.requeue_pending``) delivers it.
"""

import logging
import threading

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def _publish(task, args):
    """Publish once, without kombu's retry policy. Returns None once queued, or the exception."""
    try:
        task.apply_async(args, retry=False)
    except Exception as exc:  # kombu raises several types for "broker unreachable"
        return exc
    return None


def enqueue(notification_ids):
    """Publish one delivery task per row; if the broker is unreachable, leave the rows to the periodic re-queue.

    The rows are safe in the database either way. Returns how many were queued.
    """
    from .. import tasks  # tasks imports this package

    for position, pk in enumerate(notification_ids):
        exc = _publish(tasks.deliver_notification, (pk,))
        if exc is not None:
            logger.warning(
                "could not queue %d notification(s) (%s); the periodic re-queue will deliver them",
                len(notification_ids) - position,
                type(exc).__name__,
            )
            return position
    return len(notification_ids)


def enqueue_after_commit(notification_ids):
    """Queue delivery once the rows are committed; a broker outage never fails or holds the caller's request."""
    transaction.on_commit(lambda: enqueue_without_waiting(notification_ids))


def enqueue_without_waiting(notification_ids):
    """``enqueue`` in a daemon thread, waited on for at most NOTIFICATION_PUBLISH_TIMEOUT_S.

    Eager mode (no broker: tasks run in this process) stays inline, on the caller's database connection.
    """
    from portal.celery import app

    if app.conf.task_always_eager:
        enqueue(notification_ids)
        return
    thread = threading.Thread(target=enqueue, args=(list(notification_ids),), name="outbox-publish", daemon=True)
    thread.start()
    timeout = settings.NOTIFICATION_PUBLISH_TIMEOUT_S
    thread.join(timeout)
    if thread.is_alive():
        logger.warning("the broker has not answered in %ss; not waiting for it (the re-queue delivers)", timeout)
