"""The audit log is append-only in the database itself, and staff search stays fast at 100k requests.

- A trigger refuses UPDATE and DELETE on the audit table (PostgreSQL and SQLite), so neither the
  application nor the admin can rewrite history (DESIGN §4 "Privacy"). TRUNCATE is not refused: the
  test suite's flush uses it; production roles should not hold TRUNCATE on this table.
  Consequence: a user or request referenced by audit entries cannot be deleted (their foreign keys
  would be set to NULL by an UPDATE); deactivate users instead.
- PostgreSQL only: pg_trgm GIN indexes on UPPER(column) for the admin's search fields, which match the
  ``UPPER(col) LIKE UPPER('%term%')`` that Django's icontains lookup produces.
"""

from django.db import migrations

TABLE = "requests_app_auditlogentry"

PG_TRIGGER = f"""
CREATE OR REPLACE FUNCTION requests_app_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER requests_app_audit_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION requests_app_audit_append_only();
"""
PG_TRIGGER_DROP = f"""
DROP TRIGGER IF EXISTS requests_app_audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS requests_app_audit_append_only();
"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER requests_app_audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER requests_app_audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;""",
]
SQLITE_TRIGGERS_DROP = [
    "DROP TRIGGER IF EXISTS requests_app_audit_no_update;",
    "DROP TRIGGER IF EXISTS requests_app_audit_no_delete;",
]

SEARCH_COLUMNS = [
    "reference",
    "child_first_name",
    "child_last_name",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "physician_name",
    "current_physician_name",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_TRIGGER)  # no parameters: the function's "%" placeholders must reach PostgreSQL
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
        for column in SEARCH_COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS request_{column}_trgm ON requests_app_request "
                f"USING gin (UPPER({column}::text) gin_trgm_ops);"
            )
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_TRIGGER_DROP)
        for column in SEARCH_COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS request_{column}_trgm;")
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_staff_groups")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
