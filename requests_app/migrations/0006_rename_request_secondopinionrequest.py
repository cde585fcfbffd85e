"""Request becomes SecondOpinionRequest (it collided with Django's HTTP request everywhere).

RenameModel keeps the table's rows; the built-in permissions are renamed with it so the staff groups
keep the access they had (Django would otherwise create new, ungranted ones).
"""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(old, new):
    def rename(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for action in ACTIONS:
            Permission.objects.filter(content_type__app_label="requests_app", codename=f"{action}_{old}").update(
                codename=f"{action}_{new}"
            )

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("requests_app", "0005_request_staff_list_indexes"),
    ]

    operations = [
        migrations.RenameModel("Request", "SecondOpinionRequest"),
        migrations.RunPython(
            rename_permissions("request", "secondopinionrequest"),
            rename_permissions("secondopinionrequest", "request"),
        ),
    ]
