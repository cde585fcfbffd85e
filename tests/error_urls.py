"""The project's URLs plus two pages that fail on purpose, for the error-report tests."""

from django.db import connection, transaction
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fails_after_reading_everything(request):
    """A page that reads what the family sent (as any form page does) and then fails."""
    request.GET.dict(), request.POST.dict(), request.session.get("draft")
    raise RuntimeError("forced failure for the error-report test")


def fails_in_the_database(request):
    """A page whose database error quotes the typed value (PostgreSQL does, in the message text)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT %s::date", [request.POST["child_birth_date"]])


urlpatterns = [
    path("fails/", fails_after_reading_everything),
    path("fails-in-the-database/", fails_in_the_database),
    *portal_urlpatterns,
]
