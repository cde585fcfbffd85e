"""``manage.py retry_failed_notifications``: send again the notifications that ran out of attempts."""

from django.core.management.base import BaseCommand
from django.db import transaction

from requests_app import notifications
from requests_app.models import Notification


class Command(BaseCommand):
    help = "Queue failed notifications again with a fresh set of attempts (after fixing the mail or webhook outage)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=Notification.Kind.values, help="only this kind of notification")

    def handle(self, *args, kind=None, **options):
        rows = Notification.objects.all()
        if kind:
            rows = rows.filter(kind=kind)
        with transaction.atomic():
            ids = notifications.retry_failed(rows)
        self.stdout.write(f"queued {len(ids)} failed notification(s) again")
