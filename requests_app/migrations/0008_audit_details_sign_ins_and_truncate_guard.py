"""The audit log records sign-ins and list views (with their filters in ``details``) and refuses TRUNCATE.

0004's trigger refuses UPDATE and DELETE row by row; TRUNCATE fires no row trigger, so a statement
trigger refuses it too (PostgreSQL; SQLite has no TRUNCATE). The test suite empties tables between
transactional tests with TRUNCATE: its connections set ``portal.allow_audit_truncate`` (tests/fixtures/
audit_truncate.py). That is no back door a production role lacks: the table's owner could drop the
trigger anyway, which is why production roles should not own it.
"""

from django.db import migrations, models

TABLE = "requests_app_auditlogentry"

PG_TRUNCATE_GUARD = f"""
CREATE OR REPLACE FUNCTION requests_app_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER requests_app_audit_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION requests_app_audit_no_truncate();
"""
PG_TRUNCATE_GUARD_DROP = f"""
DROP TRIGGER IF EXISTS requests_app_audit_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS requests_app_audit_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_TRUNCATE_GUARD)  # no parameters: "%" placeholders are PL/pgSQL's


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_TRUNCATE_GUARD_DROP)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0007_neutral_verbose_names")]

    operations = [
        # Nullable, no default: SQLite adds the column in place instead of rebuilding the table (which
        # would drop 0004's triggers).
        migrations.AddField(model_name="auditlogentry", name="details", field=models.JSONField(blank=True, null=True)),
        migrations.AlterField(
            model_name="auditlogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view_request", "Viewed request"),
                    ("view_request_list", "Viewed request list"),
                    ("download_document", "Downloaded document"),
                    ("export", "Exported requests"),
                    ("login", "Signed in"),
                    ("login_failed", "Sign-in failed"),
                    ("otp_failed", "Wrong authentication code"),
                    ("otp_enrolled", "Set up two-factor authentication"),
                    ("device_reset", "Reset a colleague's two-factor devices"),
                    ("logout_idle", "Signed out after inactivity"),
                ],
                max_length=24,
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
