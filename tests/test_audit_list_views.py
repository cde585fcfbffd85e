"""Staff change lists show names, ages and diagnoses: each view is audited with its filters and search term,
the term is kept out of every other log, and the audit table refuses TRUNCATE as well as UPDATE/DELETE."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction

from requests_app.models import AuditLogEntry

from .staff import COORDINATOR, log_in, make_staff, make_submitted

pytestmark = pytest.mark.django_db
CHANGELIST = "/staff/requests_app/request/"


def test_each_change_list_view_is_audited_with_its_filters_and_search_term(client, caplog):
    user = log_in(client, make_staff(COORDINATOR))
    make_submitted(child_last_name="Quillfeather", urgency="urgent")
    caplog.set_level(logging.DEBUG)
    page = client.get(CHANGELIST, {"q": "Quillfeather", "urgency__exact": "urgent"})
    assert page.status_code == 200 and "Quillfeather" in page.content.decode()
    client.get(CHANGELIST)

    searched, plain = AuditLogEntry.objects.filter(user=user, action=AuditLogEntry.Action.VIEW_REQUEST_LIST).order_by(
        "pk"
    )
    assert searched.details == {"filters": {"urgency__exact": ["urgent"]}, "search": "Quillfeather"}
    assert searched.ip_address == "127.0.0.1"
    assert plain.details == {"filters": {}}
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "Quillfeather" not in logged


def test_an_error_on_the_list_page_logs_no_search_term(client, caplog):
    log_in(client, make_staff(COORDINATOR))
    caplog.set_level(logging.DEBUG)
    response = client.get(CHANGELIST, {"q": "Quillfeather", "no_such_field": "1"})
    assert response.status_code == 302  # the admin's "?e=1" answer to an unknown filter
    assert "Quillfeather" not in "\n".join(r.getMessage() for r in caplog.records)
    assert "Quillfeather" not in response.url


def test_the_audit_table_refuses_truncate(db):
    AuditLogEntry.objects.create(action=AuditLogEntry.Action.EXPORT)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.allow_audit_truncate = 'off'")  # the suite's own flush sets it on
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign-key check
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(f"TRUNCATE {AuditLogEntry._meta.db_table} CASCADE")
    assert AuditLogEntry.objects.count() == 1
