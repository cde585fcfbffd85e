"""The three staff groups and their permissions (README "Staff roles").

- Intake coordinator: everything in the review tooling (view, workflow, schedule, assign, notes, export).
- Scheduler: view requests and documents, mark scheduled, write notes.
- Read-only: view requests and documents; cannot change anything.

Superusers read the audit log; no group is given access to it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = [
    "view_request",
    "view_document",
    "view_statuschange",
    "view_internalnote",
    "view_recordsrequest",
]
GROUPS = {
    "Intake coordinator": [
        *VIEW,
        "can_transition",
        "can_schedule",
        "can_assign",
        "can_export",
        "add_internalnote",
    ],
    "Scheduler": [*VIEW, "can_schedule", "add_internalnote"],
    "Read-only": VIEW,
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0002_request_staff_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
