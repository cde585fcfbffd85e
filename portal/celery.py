"""The Celery app: broker Redis, configuration from Django settings (CELERY_ prefix).

Start a worker with ``celery -A portal worker`` and exactly one scheduler with ``celery -A portal beat``
(the periodic tasks are in ``CELERY_BEAT_SCHEDULE``).
"""

import os

from celery import Celery

from . import kombu_workaround

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

kombu_workaround.install()
